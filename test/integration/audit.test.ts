/**
 * The audit trail on both stores (embedded PGlite and native PostgreSQL): entries chain,
 * the database refuses UPDATE, DELETE and TRUNCATE, and a row changed around the trigger (by
 * the table's owner) is found by the verification, at the entry that was changed; so is a
 * row removed from the middle. `npm run audit:verify` says so with its exit code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadSettings, REPO_ROOT } from '@watchfloor/config/settings';
import type { Db } from '@watchfloor/ingest/store/db';
import { openStore } from '@watchfloor/ingest/store/open';
import { appendAudit, verifyAudit } from '@watchfloor/ingest/store/audit';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

async function fill(db: Db, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await db.transaction((tx) => appendAudit(tx, { actor: `user${i % 3}`, action: i % 2 ? 'warning.ack' : 'login.success', target: `w-${i}`, ip: '127.0.0.1', details: { n: i, zeta: 'z', alpha: true } }));
  }
}

async function refuses(db: Db, sql: string): Promise<void> {
  await assert.rejects(db.query(sql), /append-only/, sql);
}

function chainChecks(label: string, open: () => Promise<{ db: Db; env: Record<string, string>; close(): Promise<void> }>) {
  describe(`audit trail (${label})`, () => {
    test('chains, refuses changes, and finds a tampered or missing row', async () => {
      const s = await open();
      try {
        const { db } = s;
        await fill(db, 6);
        assert.deepEqual(await verifyAudit(db), { ok: true, entries: 6, head: (await db.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = 6')).rows[0]!.hash });
        await refuses(db, "UPDATE audit_log SET actor = 'x' WHERE seq = 2");
        await refuses(db, 'DELETE FROM audit_log WHERE seq = 6');
        await refuses(db, 'TRUNCATE audit_log');

        // The owner can step around the trigger; the chain still tells.
        await db.execRaw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await db.query("UPDATE audit_log SET details = jsonb_set(details, '{n}', '99') WHERE seq = 3");
        const v = await verifyAudit(db);
        assert.equal(v.ok, false);
        assert.equal(!v.ok && v.brokenAt, 3);
        assert.equal(!v.ok && v.entries, 2);
        // The embedded store belongs to one process at a time: the command is run on the server's.
        if (label === 'native PostgreSQL') {
          const cli = spawnSync('npm', ['run', '--silent', 'audit:verify'], { cwd: REPO_ROOT, env: { ...process.env, ...s.env }, encoding: 'utf8' });
          assert.equal(cli.status, 1, cli.stdout + cli.stderr);
          assert.match(cli.stderr, /BROKEN at entry 3/);
        }

        await db.query("UPDATE audit_log SET details = jsonb_set(details, '{n}', '2') WHERE seq = 3");
        assert.equal((await verifyAudit(db)).ok, true, 'restoring the row restores the chain');
        await db.query('DELETE FROM audit_log WHERE seq = 4');
        const gone = await verifyAudit(db);
        assert.equal(!gone.ok && gone.brokenAt, 4);
      } finally {
        await s.close();
      }
    });
  });
}

const dirs: string[] = [];
const dbs: TempDatabase[] = [];
after(async () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  for (const d of dbs) await d.drop();
});

chainChecks('embedded', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-audit-'));
  dirs.push(dir);
  const db = await openStore(loadSettings({ DATA_DIR: dir }));
  return { db, env: { DATA_DIR: dir }, close: () => db.close() };
});

chainChecks('native PostgreSQL', async () => {
  const t = await createTempDatabase('audit');
  dbs.push(t);
  const db = await openStore(loadSettings({ DATABASE_URL: t.url, DB_FLAVOR: 'postgres' }));
  return { db, env: { DATABASE_URL: t.url, DB_FLAVOR: 'postgres' }, close: () => db.close() };
});
