/**
 * A damaged embedded data folder (a truncated pg_control, a deleted pg_wal) is refused with
 * what is wrong and what to do, instead of the WASM server's bare `RuntimeError: Aborted()`;
 * the undamaged original still opens with its rows.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';

test('a truncated pg_control or a missing pg_wal is named, with what to do', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-damage-'));
  try {
    const dir = path.join(root, 'pgdata');
    const db = await openPglite(dir);
    await db.execRaw('CREATE TABLE t (n int); INSERT INTO t VALUES (1), (2), (3)');
    await db.close();

    const truncated = path.join(root, 'truncated');
    fs.cpSync(dir, truncated, { recursive: true });
    fs.truncateSync(path.join(truncated, 'global', 'pg_control'), 100);
    await assert.rejects(openPglite(truncated), (err: Error) => {
      assert.match(err.message, /pg_control is 100 bytes instead of 8192/);
      assert.match(err.message, /npm run restore/);
      assert.doesNotMatch(err.message, /^RuntimeError: Aborted\(\)$/);
      return true;
    });

    const noWal = path.join(root, 'nowal');
    fs.cpSync(dir, noWal, { recursive: true });
    fs.rmSync(path.join(noWal, 'pg_wal'), { recursive: true });
    await assert.rejects(openPglite(noWal), (err: Error) => {
      assert.match(err.message, /pg_wal\) is missing/);
      assert.match(err.message, /npm run restore/);
      return true;
    });

    const again = await openPglite(dir);
    const { rows } = await again.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    assert.equal(rows[0]!.n, 3);
    await again.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
