/** DATA_DIR's disk watch: which errors mean "no space", and when ingest is refused. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmbeddedStoreError } from '@watchfloor/ingest/store/pglite-protocol';
import { DiskFullError, isNoSpaceError, watchDisk } from '@watchfloor/ingest/store/disk-space';

const MB = 1024 * 1024;

test('no-space errors: the two PGlite answers seen on a full tmpfs, Node\'s ENOSPC; other errors are not', () => {
  // Both texts as PGlite reported them on a 64 MB tmpfs filled up (SQLSTATE 53100 each).
  const extend = new EmbeddedStoreError({ name: 'error', message: 'could not extend file "base/1/17157": No space left on device', fields: { code: '53100' } });
  const wal = new EmbeddedStoreError({ name: 'error', message: 'could not write to file "pg_wal/xlogtemp.42": No space left on device', fields: { code: '53100' } });
  assert.ok(isNoSpaceError(extend));
  assert.ok(isNoSpaceError(wal));
  assert.ok(isNoSpaceError(new EmbeddedStoreError({ name: 'error', message: 'disk full', fields: { code: '53100' } })), 'by SQLSTATE alone');
  assert.ok(isNoSpaceError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })), "Node's own");
  assert.ok(isNoSpaceError(new Error('could not extend file "base/5/1259"')), 'by text, fields lost');

  assert.ok(!isNoSpaceError(new EmbeddedStoreError({ name: 'error', message: 'duplicate key value violates unique constraint', fields: { code: '23505' } })));
  assert.ok(!isNoSpaceError(new Error('embedded store worker exited (code 1)')));
  assert.ok(!isNoSpaceError(Object.assign(new Error('out of memory'), { code: '53200' })), 'another class-53 error is not the disk');
  assert.ok(!isNoSpaceError('No space left on device'), 'a thrown string is not an error of the store');
});

test('the threshold: above the free space ingest is refused with a reason naming the folder and the setting; 0 never refuses', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-disk-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const s = fs.statfsSync(dir);
  const freeMb = Math.floor((s.bavail * s.bsize) / MB);
  const lines: string[] = [];

  const strict = watchDisk({ dir, minFreeMb: freeMb + 1_000, log: (l) => lines.push(l) });
  t.after(() => strict.stop());
  const st = strict.state();
  assert.equal(st.full, true);
  assert.equal(st.minFreeBytes, (freeMb + 1_000) * MB);
  assert.ok(st.freeBytes !== null && Math.abs(st.freeBytes / MB - freeMb) < 500, `free space read as the file system's (${st.freeBytes})`);
  assert.match(st.reason ?? '', new RegExp(`DATA_DIR \\(${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
  assert.match(st.reason ?? '', /DATA_DIR_MIN_FREE_MB \(\d+ MB\)/);
  assert.throws(() => strict.refuseIfFull(), (err: unknown) => err instanceof DiskFullError && err.message === st.reason);
  assert.equal(lines.filter((l) => l.includes('ingest paused')).length, 1, 'said once when it starts');
  strict.refresh();
  assert.equal(lines.filter((l) => l.includes('ingest paused')).length, 1, 'not again while it lasts');

  const off = watchDisk({ dir, minFreeMb: 0, log: () => undefined });
  t.after(() => off.stop());
  assert.equal(off.state().full, false);
  assert.doesNotThrow(() => off.refuseIfFull());
  // A failed write refuses even with the threshold off (until space is freed: the tmpfs fault test).
  off.noteNoSpace();
  assert.equal(off.state().full, true);
  assert.match(off.state().reason ?? '', /failed for want of space/);
});

test('an unreadable folder is not a reason to refuse', (t) => {
  const lines: string[] = [];
  const w = watchDisk({ dir: path.join(os.tmpdir(), 'wf-disk-does-not-exist', String(process.pid)), minFreeMb: 1, log: (l) => lines.push(l) });
  t.after(() => w.stop());
  assert.equal(w.state().full, false);
  assert.equal(w.state().freeBytes, null);
  assert.equal(lines.length, 1, 'said once');
});
