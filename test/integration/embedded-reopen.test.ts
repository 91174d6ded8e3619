/** The embedded store keeps its data (and needs its phone-hash key) across a close and reopen, and still accepts every stream. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadSettings } from '@watchfloor/config/settings';
import { createPipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import { runMaintenance } from '@watchfloor/ingest/store/maintenance';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { startRuntime } from '@watchfloor/ingest/runtime';
import { alert, call, caseChange } from '../support/events';
import { tongguan, tongguanGrids } from '../support/region';

async function open(dir: string) {
  const db = await openPglite(dir);
  await migrate(db, { tz: 'Asia/Shanghai' });
  const pipeline = createPipeline({ db, ctx: { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('reopen-key-0123456789') }, log: () => undefined });
  return { db, pipeline };
}

test('reopened embedded store: old rows kept, new writes to every stream and aggregate work', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-reopen-'));
  try {
    const a = await open(dir);
    const first = call();
    assert.equal((await a.pipeline.process('police.calls', [{ value: first }], 'bus')).accepted, 1);
    await a.db.close();

    const b = await open(dir);
    const { rows } = await b.db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls WHERE id = $1', [first.id]);
    assert.equal(rows[0]!.n, 1);
    assert.equal((await b.pipeline.process('police.calls', [{ value: call() }], 'bus')).accepted, 1);
    assert.equal((await b.pipeline.process('camera.alerts', [{ value: alert() }], 'bus')).accepted, 1);
    assert.equal((await b.pipeline.process('case.status', [{ value: caseChange() }], 'bus')).accepted, 1);
    await runMaintenance(b.db);
    await b.db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a deleted phone-hash key stops the start when stored calls carry hashes (no silent new key)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-phonekey-'));
  const settings = loadSettings({ DATA_DIR: dir, SIMULATE: '0', RULES: '0' });
  try {
    const rt = await startRuntime(settings, { consume: false, log: () => undefined });
    assert.equal((await rt.pipeline.process('police.calls', [{ value: call() }], 'http')).accepted, 1);
    await rt.stop();
    const keyFile = path.join(dir, 'phone-hash.key');
    const key = fs.readFileSync(keyFile, 'utf8');
    fs.rmSync(keyFile);
    await assert.rejects(startRuntime(settings, { consume: false, log: () => undefined }), /phone-hash\.key is missing .*restore the key file/);
    assert.equal(fs.existsSync(keyFile), false, 'no new key was made');
    fs.writeFileSync(keyFile, key);
    const again = await startRuntime(settings, { consume: false, log: () => undefined });
    await again.stop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
