/**
 * The HTTP layer of `npm start` as a hostile or careless client meets it: methods, the one
 * error shape, who may read, health without and with a token, bodies over the limit sent
 * chunked, broken percent-encoding, the ingest rate limit, security headers on the API and the
 * pages, /metrics, and the socket handshake's refusals.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import { call } from '../support/events';
import { startServer, type RunningServer } from '../support/server';

const INGEST = 'http-test-ingest-token';
const WALL = 'http-test-wall-token';
const ADMIN = 'http-test-admin-token';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-http-'));
const RATE = 40;
const env = {
  DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, WALL_TOKEN: WALL, ADMIN_TOKEN: ADMIN,
  INGEST_MAX_BYTES: '200000', INGEST_RATE_LIMIT: String(RATE), INGEST_RATE_WINDOW_SECONDS: '3600',
};
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(typeof body.error?.code, 'string', `error shape: ${JSON.stringify(body)}`);
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

/** A POST sent with Transfer-Encoding: chunked (no Content-Length), as a streaming client does. */
function postChunked(url: string, pathname: string, token: string, chunks: number, chunkBytes: number): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: pathname, method: 'POST', headers: { ...bearer(token), 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // Once the server has answered it may stop reading: a write error after the answer is no
    // failure. A connection cut before any answer (what a bare destroy() does) is.
    let answered = false;
    req.on('response', () => { answered = true; });
    req.on('error', (err) => { if (!answered) setTimeout(() => { if (!answered) resolve({ status: 0, body: '', error: err.message }); }, 1000); });
    const line = `${JSON.stringify(call())}\n`;
    const piece = line.repeat(Math.ceil(chunkBytes / line.length));
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(piece)) { req.once('drain', pump); return; }
      }
      req.end();
    };
    pump();
  });
}

/**
 * A chunked body over the limit sent by a client that reads nothing until it has written more
 * after the server's answer: if the server closes with bytes still arriving, its kernel answers
 * them with a reset, and the reset throws away the 413 unread in the client's buffer. Which is
 * what a busy client meets by chance; here it happens every time.
 */
function postOverLimitThenKeepWriting(url: string, pathname: string, token: string, bytes: number): Promise<{ head: string; error?: string }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const sock = net.connect({ host: u.hostname, port: Number(u.port) });
    sock.pause();
    let got = '';
    let error: string | undefined;
    sock.on('error', (err) => { error = err.message; });
    const line = `${JSON.stringify(call())}\n`;
    const piece = line.repeat(Math.ceil(16_384 / line.length));
    const chunk = `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    sock.once('connect', async () => {
      sock.write(`POST ${pathname} HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n`);
      for (let sent = 0; sent < bytes; sent += piece.length) sock.write(chunk);
      // The server has had the over-limit bytes and answered by now; more arrive after its answer.
      await sleep(700);
      for (let i = 0; i < 8 && !sock.destroyed; i++) { sock.write(chunk); await sleep(50); }
      if (!sock.destroyed) sock.write('0\r\n\r\n');
      await sleep(300);
      sock.on('data', (d: Buffer) => { got += d.toString('latin1'); });
      sock.resume();
      const done = () => { sock.destroy(); resolve({ head: got.split('\r\n\r\n')[0] ?? '', error }); };
      const t = setTimeout(done, 2_000);
      sock.once('close', () => { clearTimeout(t); done(); });
    });
  });
}

describe('the HTTP layer', () => {
  let server: RunningServer;
  before(async () => { server = await startServer(env, { waitForPages: true }); });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('a known path with the wrong method is 405 with Allow; unknown paths 404; both in the error shape', async () => {
    const h = await fetch(`${server.url}/api/health`, { method: 'POST' });
    assert.equal(h.status, 405);
    assert.equal(h.headers.get('allow'), 'GET, HEAD');
    assert.equal((await errorOf(h)).code, 'method_not_allowed');
    const i = await fetch(`${server.url}/api/ingest/police.calls`, { headers: bearer(INGEST) });
    assert.equal(i.status, 405);
    assert.equal(i.headers.get('allow'), 'POST');
    const w = await fetch(`${server.url}/api/warnings`, { method: 'DELETE', headers: bearer(ADMIN) });
    assert.equal(w.status, 405);
    const n = await fetch(`${server.url}/api/nothing-here`, { headers: bearer(WALL) });
    assert.equal(n.status, 404);
    assert.equal((await errorOf(n)).code, 'not_found');
    const topic = await fetch(`${server.url}/api/ingest/police.nope`, { method: 'POST', headers: bearer(INGEST), body: '[]' });
    assert.equal(topic.status, 404);
    await errorOf(topic);
  });

  test('every read needs the wall or admin token', async () => {
    const reads = ['/api/warnings', '/api/stats/summary', '/api/region/units', '/api/region/grids', '/api/region/meta', '/metrics'];
    for (const p of reads) {
      const none = await fetch(`${server.url}${p}`);
      assert.equal(none.status, 401, `${p} without a token`);
      assert.equal((await errorOf(none)).code, 'unauthorized');
      assert.equal((await fetch(`${server.url}${p}`, { headers: bearer('wrong-token-000') })).status, 401, `${p} with a wrong token`);
    }
    for (const p of reads.filter((x) => x.startsWith('/api/'))) {
      assert.equal((await fetch(`${server.url}${p}`, { headers: bearer(WALL) })).status, 200, `${p} with the wall token`);
      assert.equal((await fetch(`${server.url}${p}`, { headers: bearer(ADMIN) })).status, 200, `${p} with the admin token`);
    }
    // The wall token reads but never writes.
    assert.equal((await fetch(`${server.url}/api/warnings/x/ack`, { method: 'POST', headers: bearer(WALL) })).status, 401);
    assert.equal((await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: bearer(WALL), body: '[]' })).status, 401);
  });

  test('health says only up/down/starting without a token, the details with one', async () => {
    const open = await fetch(`${server.url}/api/health`);
    assert.equal(open.status, 200);
    assert.deepEqual(await open.json(), { status: 'up' });
    const full = (await (await fetch(`${server.url}/api/health`, { headers: bearer(WALL) })).json()) as Record<string, unknown>;
    assert.equal(full.status, 'up');
    for (const k of ['db', 'bus', 'lastEventAt', 'pipeline']) assert.ok(k in full, `detail ${k}`);
  });

  test('a chunked body over INGEST_MAX_BYTES gets a clean 413 in the error shape, not a reset connection', async () => {
    const r = await postChunked(server.url, '/api/ingest/police.calls', INGEST, 40, 16 * 1024);
    assert.equal(r.error, undefined, `the connection failed before any answer: ${r.error}`);
    assert.equal(r.status, 413);
    assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'payload_too_large');
    // The server is fine afterwards.
    assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
  });

  test('the 413 reaches a client that keeps writing its over-limit body after the answer', async () => {
    const r = await postOverLimitThenKeepWriting(server.url, '/api/ingest/police.calls', INGEST, 400_000);
    assert.match(r.head, /^HTTP\/1\.1 413 /, `no 413 read before the connection ended (${r.error ?? 'no socket error'})`);
    assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
  });

  test('a malformed percent-encoded topic: 401 without the token, then 400, never 500', async () => {
    const p = `${server.url}/api/ingest/%E0%A4%A`;
    const anon = await fetch(p, { method: 'POST', body: '[]' });
    assert.equal(anon.status, 401);
    assert.equal((await errorOf(anon)).code, 'unauthorized');
    const authed = await fetch(p, { method: 'POST', body: '[]', headers: bearer(INGEST) });
    assert.equal(authed.status, 400);
    assert.equal((await errorOf(authed)).code, 'bad_request');
    assert.equal((await fetch(`${server.url}/api/warnings/%E0%A4%A/ack`, { method: 'POST' })).status, 401);
    assert.equal((await fetch(`${server.url}/api/warnings/%E0%A4%A/ack`, { method: 'POST', headers: bearer(ADMIN) })).status, 400);
  });

  test('security headers on the API and on the wall page; the page carries Next\'s nonce', async () => {
    for (const p of ['/api/health', `/wall?token=${WALL}`, '/']) {
      const r = await fetch(`${server.url}${p}`);
      assert.equal(r.status, 200, p);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, p);
      assert.match(csp, /script-src [^;]*'nonce-[0-9a-f]+'/, p);
      assert.doesNotMatch(csp, /script-src [^;]*'unsafe-inline'/, p);
      assert.match(csp, /frame-ancestors 'none'/, p);
      assert.match(csp, /worker-src 'self'/, p);
      assert.doesNotMatch(csp, /https?:\/\//, `${p}: no outside origin`);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', p);
      if (p.startsWith('/wall')) {
        const nonce = /'nonce-([0-9a-f]+)'/.exec(csp)![1]!;
        const html = await r.text();
        const scripts = html.match(/<script\b[^>]*>/g) ?? [];
        assert.ok(scripts.length > 0);
        for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), `script without the request's nonce: ${s}`);
      }
    }
  });

  test('/metrics in Prometheus format, with the admin token', async () => {
    const ok = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: bearer(INGEST), body: JSON.stringify([call(), { nope: 1 }, '{']) });
    assert.equal(ok.status, 200);
    const r = await fetch(`${server.url}/metrics`, { headers: bearer(ADMIN) });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
    const text = await r.text();
    assert.match(text, /^watchfloor_events_ingested_total\{topic="police\.calls"\} [1-9]/m);
    assert.match(text, /^watchfloor_events_rejected_total\{topic="police\.calls",reason="schema"\} [1-9]/m);
    assert.match(text, /^watchfloor_events_rejected_total\{topic="police\.calls",reason="not_json"\} [1-9]/m);
    for (const name of ['watchfloor_consumer_lag', 'watchfloor_socket_clients', 'watchfloor_delta_latency_seconds', 'watchfloor_ingest_batch_seconds']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.match(text, /^watchfloor_delta_latency_seconds_count [1-9]/m, 'the stored batch reached the hub');
    assert.match(text, /^watchfloor_consumer_lag\{topic="bus",partition="0"\} \d+/m);
    // The embedded store thread's memory: in RSS, not in the main thread's heap figures.
    assert.match(text, /^watchfloor_store_memory_bytes\{kind="wasm"\} [1-9]/m);
    assert.match(text, /^watchfloor_store_memory_bytes\{kind="heap_used"\} [1-9]/m);
    // Reasons are codes, never the free text of a rejection.
    assert.doesNotMatch(text, /reason="[^"]*[ :]/);
    assert.equal((await fetch(`${server.url}/metrics`, { headers: bearer(WALL) })).status, 401, 'the wall token does not scrape');
  });

  test('the socket handshake refuses a wrong token, a foreign Origin, and a polling session without a token', async () => {
    const eio = `${server.url}/socket.io/?EIO=4&transport=polling`;
    assert.equal((await fetch(eio)).status, 403, 'no engine.io session without a token');
    assert.equal((await fetch(`${eio}&token=wrong-token-000`)).status, 403, 'nor with a wrong one');
    assert.equal((await fetch(`${eio}&token=${WALL}`, { headers: { origin: 'http://evil.example' } })).status, 403, 'nor from a foreign origin');
    assert.equal((await fetch(`${eio}&token=${WALL}`, { headers: { origin: server.url } })).status, 200, 'the page\'s own origin with the token opens one');
    const refused = (opts: Parameters<typeof io>[1]) => new Promise<string>((resolve) => {
      const s = io(server.url, { transports: ['websocket'], reconnection: false, ...opts });
      s.on('connect', () => { s.close(); resolve('connected'); });
      s.on('connect_error', (e) => { s.close(); resolve(e.message); });
    });
    assert.notEqual(await refused({ auth: { token: 'wrong-token-000' }, query: { token: 'wrong-token-000' } }), 'connected');
    assert.notEqual(await refused({ auth: { token: WALL } }), 'connected', 'the token must reach the handshake, not only the auth packet');
    assert.notEqual(await refused({ auth: { token: WALL }, query: { token: WALL }, extraHeaders: { origin: 'http://evil.example' } }), 'connected');
    assert.equal(await refused({ auth: { token: WALL }, query: { token: WALL } }), 'connected');
  });

  test(`ingest answers 429 past INGEST_RATE_LIMIT (${RATE}) posts per window`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE + 5; i++) {
      statuses.push((await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: bearer(INGEST), body: '[]' })).status);
    }
    assert.ok(statuses.slice(0, 10).every((s) => s === 200));
    assert.equal(statuses.at(-1), 429);
    const r = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: bearer(INGEST), body: '[]' });
    assert.equal(r.status, 429);
    assert.equal((await errorOf(r)).code, 'rate_limited');
    assert.ok(r.headers.get('retry-after'));
  });
});
