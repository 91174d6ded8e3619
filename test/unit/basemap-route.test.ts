/**
 * The basemap archive over HTTP: what a Range request is answered (answerRange), and the route
 * itself on a Fastify instance with a real archive file — 200, 206, 416, 304, If-Range, HEAD,
 * and who may read it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Fastify from 'fastify';
import { loadSettings } from '@watchfloor/config/settings';
import { answerRange } from '../../web/src/server/api/byte-range';
import { basemapRoute } from '../../web/src/server/api/basemap-route';
import { installErrorHandling } from '../../web/src/server/api/http';
import { buildArchive } from '../support/pmtiles-archive';

const ETAG = '"abc-1"';

describe('answerRange', () => {
  const ask = (range?: string, more: { ifRange?: string; ifNoneMatch?: string } = {}) => answerRange({ size: 1000, etag: ETAG, range, ...more });

  test('no Range: the whole file', () => {
    assert.deepEqual(ask(), { status: 200, start: 0, end: 999 });
  });

  test('one range, open-ended, a suffix, and an end past the file (clamped)', () => {
    assert.deepEqual(ask('bytes=0-126'), { status: 206, start: 0, end: 126 });
    assert.deepEqual(ask('bytes=990-'), { status: 206, start: 990, end: 999 });
    assert.deepEqual(ask('bytes=-10'), { status: 206, start: 990, end: 999 });
    assert.deepEqual(ask('bytes=0-16383'), { status: 206, start: 0, end: 999 }, 'the pmtiles client asks 16 KiB for the header');
  });

  test('a range starting at or past the end is unsatisfiable', () => {
    assert.deepEqual(ask('bytes=1000-1010'), { status: 416 });
    assert.deepEqual(ask('bytes=5000-'), { status: 416 });
  });

  test('a Range that is not one bytes range is ignored: the whole file', () => {
    assert.deepEqual(ask('bytes=abc'), { status: 200, start: 0, end: 999 });
    assert.deepEqual(ask('items=0-5'), { status: 200, start: 0, end: 999 });
    assert.deepEqual(ask('bytes=0-9,500-509'), { status: 200, start: 0, end: 999 });
    assert.deepEqual(ask('bytes=0-9,10-19'), { status: 206, start: 0, end: 19 }, 'adjacent ranges combine into one');
  });

  test('If-None-Match with the ETag (or *, or in a list, or weak) is 304, before any range', () => {
    assert.deepEqual(ask('bytes=0-9', { ifNoneMatch: ETAG }), { status: 304 });
    assert.deepEqual(ask(undefined, { ifNoneMatch: '"other", "abc-1"' }), { status: 304 });
    assert.deepEqual(ask(undefined, { ifNoneMatch: '*' }), { status: 304 });
    assert.deepEqual(ask(undefined, { ifNoneMatch: 'W/"abc-1"' }), { status: 304 });
    assert.deepEqual(ask(undefined, { ifNoneMatch: '"other"' }), { status: 200, start: 0, end: 999 });
  });

  test('If-Range: the range only while the ETag is the one named; else the whole file', () => {
    assert.deepEqual(ask('bytes=0-9', { ifRange: ETAG }), { status: 206, start: 0, end: 9 });
    assert.deepEqual(ask('bytes=0-9', { ifRange: '"abc-0"' }), { status: 200, start: 0, end: 999 });
    assert.deepEqual(ask('bytes=0-9', { ifRange: 'Wed, 21 Oct 2026 07:28:00 GMT' }), { status: 200, start: 0, end: 999 });
  });
});

describe('GET /api/basemap.pmtiles', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-basemap-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'county.pmtiles');
  const bytes = buildArchive([110.14, 34.37, 110.45, 34.67], { maxZoom: 8 }).bytes;
  fs.writeFileSync(file, bytes);
  const WALL = 'basemap-wall-token';
  const INGEST = 'basemap-ingest-token';

  async function app(env: Record<string, string> = { BASEMAP_PMTILES: file }) {
    const a = Fastify();
    installErrorHandling(a);
    const settings = loadSettings({ WALL_TOKEN: WALL, INGEST_TOKEN: INGEST, ADMIN_TOKEN: 'basemap-admin-token', ...env });
    basemapRoute(a, { settings, runtime: () => null, startFailed: () => false, onWarningChanged: () => undefined });
    await a.ready();
    return a;
  }
  const wall = { authorization: `Bearer ${WALL}` };

  test('the whole archive without Range, a range as 206 with Content-Range, HEAD without a body', async () => {
    const a = await app();
    const whole = await a.inject({ url: '/api/basemap.pmtiles', headers: wall });
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    assert.equal(Number(whole.headers['content-length']), bytes.length);
    assert.ok(whole.rawPayload.equals(bytes));
    const etag = whole.headers.etag;
    assert.match(String(etag), /^"[0-9a-f]+-[0-9a-f]+"$/, 'a strong ETag: the pmtiles client ignores weak ones');

    const part = await a.inject({ url: '/api/basemap.pmtiles', headers: { ...wall, range: 'bytes=0-126' } });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 0-126/${bytes.length}`);
    assert.equal(part.rawPayload.length, 127);
    assert.equal(part.rawPayload.subarray(0, 7).toString('ascii'), 'PMTiles');
    assert.equal(part.rawPayload[7], 3, 'spec version 3');

    const mid = await a.inject({ url: '/api/basemap.pmtiles', headers: { ...wall, range: 'bytes=200-299' } });
    assert.equal(mid.statusCode, 206);
    assert.ok(mid.rawPayload.equals(bytes.subarray(200, 300)));

    const head = await a.inject({ method: 'HEAD', url: '/api/basemap.pmtiles', headers: { ...wall, range: 'bytes=10-19' } });
    assert.equal(head.statusCode, 206);
    assert.equal(head.headers['content-length'], '10');
    assert.equal(head.rawPayload.length, 0);
    await a.close();
  });

  test('a range past the end is 416 with the size; the ETag answers If-None-Match (304) and If-Range', async () => {
    const a = await app();
    const past = await a.inject({ url: '/api/basemap.pmtiles', headers: { ...wall, range: `bytes=${bytes.length}-` } });
    assert.equal(past.statusCode, 416);
    assert.equal(past.headers['content-range'], `bytes */${bytes.length}`);
    assert.equal(past.json().error.code, 'range_not_satisfiable');

    const etag = String((await a.inject({ method: 'HEAD', url: '/api/basemap.pmtiles', headers: wall })).headers.etag);
    const same = await a.inject({ url: '/api/basemap.pmtiles', headers: { ...wall, 'if-none-match': etag } });
    assert.equal(same.statusCode, 304);
    assert.equal(same.rawPayload.length, 0);
    const rangeSame = await a.inject({ url: '/api/basemap.pmtiles', headers: { ...wall, range: 'bytes=0-9', 'if-range': etag } });
    assert.equal(rangeSame.statusCode, 206);
    const rangeChanged = await a.inject({ url: '/api/basemap.pmtiles', headers: { ...wall, range: 'bytes=0-9', 'if-range': '"0-0"' } });
    assert.equal(rangeChanged.statusCode, 200);
    assert.equal(rangeChanged.rawPayload.length, bytes.length);
    await a.close();
  });

  test('a replaced archive has another ETag', async () => {
    const a = await app();
    const before = String((await a.inject({ method: 'HEAD', url: '/api/basemap.pmtiles', headers: wall })).headers.etag);
    const t = new Date(Date.now() + 5000);
    fs.writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(1)]));
    fs.utimesSync(file, t, t);
    const afterEtag = String((await a.inject({ method: 'HEAD', url: '/api/basemap.pmtiles', headers: wall })).headers.etag);
    fs.writeFileSync(file, bytes);
    assert.notEqual(afterEtag, before);
    await a.close();
  });

  test('refused without the wall or admin token (no session here), and with the ingest token', async () => {
    const a = await app();
    assert.equal((await a.inject({ url: '/api/basemap.pmtiles' })).statusCode, 401);
    assert.equal((await a.inject({ url: '/api/basemap.pmtiles', headers: { authorization: `Bearer ${INGEST}` } })).statusCode, 401);
    assert.equal((await a.inject({ url: '/api/basemap.pmtiles', headers: { authorization: 'Bearer basemap-admin-token', range: 'bytes=0-0' } })).statusCode, 206);
    assert.equal((await a.inject({ url: `/api/basemap.pmtiles?token=${WALL}`, headers: { range: 'bytes=0-0' } })).statusCode, 206, 'reads take ?token= too');
    await a.close();
  });

  test('404 when no archive is configured, or the file is missing', async () => {
    const none = await app({});
    const r = await none.inject({ url: '/api/basemap.pmtiles', headers: wall });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'not_found');
    await none.close();
    const missing = await app({ BASEMAP_PMTILES: path.join(dir, 'nope.pmtiles') });
    assert.equal((await missing.inject({ url: '/api/basemap.pmtiles', headers: wall })).statusCode, 404);
    await missing.close();
  });
});
