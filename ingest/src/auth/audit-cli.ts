/** `npm run audit:verify`: walks the audit trail's hash chain; exit 1 with the first broken link. */
import { loadSettings } from '@watchfloor/config/settings';
import { openStore } from '../store/open';
import { verifyAudit } from '../store/audit';

async function main(): Promise<number> {
  const db = await openStore(loadSettings());
  try {
    const v = await verifyAudit(db);
    if (v.ok) {
      console.log(`audit trail intact: ${v.entries} entries, head ${v.head}`);
      return 0;
    }
    console.error(`audit trail BROKEN at entry ${v.brokenAt}: ${v.reason} (${v.entries} entries before it hold)`);
    return 1;
  } finally {
    await db.close();
  }
}

main().then((code) => { process.exitCode = code; }, (err: Error) => { console.error(err.message); process.exitCode = 1; });
