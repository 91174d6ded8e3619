/**
 * The weekly archive (web/src/server/briefing/archive.ts) on a real folder with an injected clock:
 * last week is kept at Monday 08:00 in the center's zone, not before; a kept week is never
 * generated or written again; the list is newest first; a changed file is caught by its checksum.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { archiveDir, listArchive, readArchived, startWeeklyArchive } from '../../web/src/server/briefing/archive';

const TZ = 'Asia/Shanghai';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-archive-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test('kept each Monday 08:00 local, once, write-once, listed newest first', async () => {
  let now = new Date('2025-03-16T23:00:00+08:00'); // Sunday night: the week of 03-10 is not over
  const asked: string[] = [];
  let version = 'v1';
  const archiver = startWeeklyArchive({
    dataDir, tz: TZ, now: () => now, everyMs: 0, log: () => undefined,
    generate: async (r) => {
      asked.push(`${r.from.toISOString()}..${r.to.toISOString()}`);
      return { json: Buffer.from(JSON.stringify({ from: r.from, version })), pdf: Buffer.from(`%PDF-1.4 ${version}`) };
    },
  });
  assert.equal(await archiver.tick(), '2025-03-03');
  assert.deepEqual(asked, [`${new Date('2025-03-03T00:00:00+08:00').toISOString()}..${new Date('2025-03-10T00:00:00+08:00').toISOString()}`]);

  now = new Date('2025-03-17T07:59:59+08:00'); // Monday, a second before 08:00: nothing new is due
  version = 'v2';
  assert.equal(await archiver.tick(), null);
  assert.equal(asked.length, 1, 'a kept week is not generated again');

  now = new Date('2025-03-17T08:00:00+08:00');
  assert.equal(await archiver.tick(), '2025-03-10');
  assert.equal(asked[1], `${new Date('2025-03-10T00:00:00+08:00').toISOString()}..${new Date('2025-03-17T00:00:00+08:00').toISOString()}`);
  assert.equal(await archiver.tick(), null);

  const list = listArchive(dataDir);
  assert.deepEqual(list.map((e) => e.week), ['2025-03-10', '2025-03-03']);
  assert.equal(list[1]!.pdf, '/api/briefing/archive/2025-03-03.pdf');
  const first = readArchived(dataDir, '2025-03-03.pdf')!;
  assert.equal(first.body.toString(), '%PDF-1.4 v1', 'the earlier week keeps what it was generated with');
  assert.equal(list[1]!.sha256.pdf, crypto.createHash('sha256').update(first.body).digest('hex'));

  // Another process (a restart) at the same moment with other figures: nothing is rewritten.
  version = 'v3';
  const again = startWeeklyArchive({ dataDir, tz: TZ, now: () => now, everyMs: 0, log: () => undefined, generate: async () => ({ json: Buffer.from(version), pdf: Buffer.from(version) }) });
  assert.equal(await again.tick(), null);
  assert.equal(readArchived(dataDir, '2025-03-10.pdf')!.body.toString(), '%PDF-1.4 v2');
  const file = path.join(archiveDir(dataDir), '2025-03-10.json');
  assert.equal(fs.statSync(file).mode & 0o222, 0, 'kept files are read-only');

  // A file changed behind the archive's back is refused, not served.
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, '{"tampered":true}');
  assert.throws(() => readArchived(dataDir, '2025-03-10.json'), /checksum/);
  assert.equal(readArchived(dataDir, '../secret.pdf'), null);
  archiver.stop();
  again.stop();
});
