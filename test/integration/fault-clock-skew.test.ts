/**
 * Fault: producers whose clocks are off. One runs 5 min fast, one 10 min slow, both inside the
 * allowed lead (MAX_EVENT_SKEW_SECONDS, default 900 s: nothing refuses the past); a third runs
 * 20 min fast, beyond it. Their posts interleave (HTTP ingest, embedded server). The in-skew
 * events are stored with their own event times, the wall orders them by event time and counts
 * them in their own local day; the ones beyond are refused with code `future` and
 * dead-lettered, nothing else lost. The rules engine takes the slow producer's events as late
 * (the fast one moved its watermark ahead): the crowd cluster they complete is raised once, at
 * once, at the instant the events themselves put it, and sending everything again changes nothing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { alert, call } from '../support/events';
import { tongguan } from '../support/region';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';
import { watchWall } from '../support/wall-watcher';

const TOKEN = 'skew-test-ingest-token';
const WALL = 'skew-test-wall-token';
const TZ = 'Asia/Shanghai';
const MIN = 60_000;
/** The producers' clocks against the real one. */
const FAST = 5 * MIN;
const SLOW = -10 * MIN;
const WRONG = 20 * MIN;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-skew-'));
let server: RunningServer | null = null;
after(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An ISO time with the center's +08:00 offset, as a county device would stamp it. */
const stamp = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
/** The local calendar day in TZ_CENTER, written independently of the wall's code. */
const localDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

type Reply = { accepted: number; duplicates: number; rejected: Array<{ index: number; code: string; reason: string }> };
async function post(s: RunningServer, topic: string, events: unknown[]): Promise<Reply> {
  const res = await fetch(`${s.url}/api/ingest/${topic}`, {
    method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Reply;
}
type WarningView = { id: string; rule: string; subject: string; regionCode: string | null; colour: string; raisedAt: string };
async function warnings(s: RunningServer): Promise<WarningView[]> {
  const res = await fetch(`${s.url}/api/warnings?status=all`, { headers: { authorization: `Bearer ${WALL}` } });
  return (await res.json()) as WarningView[];
}

test('producers 5 min fast and 10 min slow: stored at their own times, ordered and counted by event time, one warning; 20 min fast: refused as future', async () => {
  const s = await startServer({ DATA_DIR: dataDir, INGEST_TOKEN: TOKEN, WALL_TOKEN: WALL, SIMULATE: '0', TZ_CENTER: TZ, RULES_SWEEP_SECONDS: '1' });
  server = s;
  const wall = await watchWall(s.url, WALL);

  // Calls each in a grid of its own (no surge); crowd alerts all on one camera, in another grid.
  const cams = tongguan().cameras;
  const crowdCam = cams.find((c) => c.gridId)!;
  const callCams = cams.filter((c) => c.gridId && c.gridId !== crowdCam.gridId).filter((c, i, all) => all.findIndex((x) => x.gridId === c.gridId) === i);
  let nCall = 0;
  const callAt = (clock: number) => {
    const cam = callCams[nCall++ % callCams.length]!;
    return call({ receivedAt: stamp(Date.now() + clock), location: { lon: cam.lon, lat: cam.lat, address: '城关街道某路12号' } });
  };
  const crowdAt = (clock: number) => alert({ cameraId: crowdCam.id, type: 'crowd', confidence: 0.9, occurredAt: stamp(Date.now() + clock) });

  const sent = { fast: [] as ReturnType<typeof call>[], slow: [] as ReturnType<typeof call>[], wrong: [] as ReturnType<typeof call>[] };
  const crowd: ReturnType<typeof alert>[] = [];
  const wrongAlerts: ReturnType<typeof alert>[] = [];
  // Interleaved, one message a post, a little apart in real time: fast, slow, fast, slow…
  for (let i = 0; i < 4; i++) {
    for (const [name, clock] of [['fast', FAST], ['slow', SLOW], ['wrong', WRONG]] as const) {
      const c = callAt(clock);
      const r = await post(s, 'police.calls', [c]);
      sent[name].push(c);
      if (name === 'wrong') {
        assert.deepEqual([r.accepted, r.rejected.map((x) => x.code)], [0, ['future']], 'beyond the allowed lead: refused as future');
        assert.match(r.rejected[0]!.reason, /receivedAt: .* is more than 900 s ahead of the server clock/);
      } else {
        assert.deepEqual([r.accepted, r.rejected.length], [1, 0], `${name}: within the allowed skew`);
      }
    }
    if (i < 2) {
      // Crowd alerts: fast, slow, slow, fast, slow, slow in arrival; the four slow first in event time.
      for (const clock of [FAST, SLOW, SLOW]) {
        const a = crowdAt(clock);
        const r = await post(s, 'camera.alerts', [a]);
        assert.equal(r.accepted, 1);
        crowd.push(a);
      }
      const w = crowdAt(WRONG);
      const r = await post(s, 'camera.alerts', [w]);
      assert.deepEqual(r.rejected.map((x) => x.code), ['future']);
      wrongAlerts.push(w);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
  const inSkew = [...sent.fast, ...sent.slow];

  // The wall: every in-skew call, newest event time first (the fast producer's on top), none of the wrong clock's.
  const byTimeDesc = [...inSkew].sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt)).map((c) => c.id);
  const held = await waitFor('the wall to hold every in-skew call', async () => wall.state()!.incidents.map((x) => x.id), (ids) => inSkew.every((c) => ids.includes(c.id)), 20_000, 100);
  assert.deepEqual(held.filter((id) => byTimeDesc.includes(id)), byTimeDesc, 'ordered by event time, not arrival');
  assert.ok(sent.wrong.every((c) => !held.includes(c.id)), 'the refused calls are not on the wall');
  assert.deepEqual(held.slice(0, 4), sent.fast.map((c) => c.id).reverse(), 'the fast clock\'s calls on top, newest first');
  // Today's count: each in-skew call in its own local day, and — as the database's figures count,
  // refreshed every 30 s — only once its time has come: the fast clock's calls, 5 min ahead, not yet.
  const st = wall.state()!;
  const today = localDay(st.at);
  const expectedToday = inSkew.filter((c) => localDay(Date.parse(c.receivedAt)) === today && Date.parse(c.receivedAt) <= st.at).length;
  assert.equal(st.figures.callsToday, expectedToday, `calls of ${today} up to the server clock, counted by their own time`);
  assert.ok(inSkew.filter((c) => Date.parse(c.receivedAt) > st.at).length >= 4, 'the fast clock\'s calls are still ahead');
  // Data age: the fast producer's lead is not freshness.
  assert.ok(st.newestEventAt !== null && st.newestEventAt <= st.at, 'newest event held at or before the server clock');

  // One crowd cluster: 4 alerts within 20 min in the camera's grid. The fast producer's first alert
  // moved the rules' watermark 5 min ahead, so the slow ones arrive behind it (late): they still
  // count, and the 4th of them in event time is when the cluster began, whatever the arrival
  // order. (The fast producer's own two make it red only once the real clock reaches their time:
  // rules never act ahead of the clock by more than the reorder allowance.)
  const onset = crowd.map((a) => Date.parse(a.occurredAt)).sort((a, b) => a - b)[3]!;
  const grid = crowdCam.gridId!;
  const cluster = await waitFor('one crowd cluster warning', () => warnings(s), (ws) => ws.some((w) => w.rule === 'crowd_cluster' && w.regionCode === grid), 30_000, 250);
  const first = cluster.filter((w) => w.rule === 'crowd_cluster' && w.regionCode === grid);
  assert.equal(first.length, 1, 'raised once');
  assert.equal(new Date(first[0]!.raisedAt).getTime(), onset, 'raised at the instant the events put it');
  assert.equal(first[0]!.colour, 'yellow', '4 alerts so far: yellow (red is 6)');

  // Everything again, in the reverse order: duplicates and the same refusals, no new warning.
  for (const c of [...inSkew].reverse()) assert.equal((await post(s, 'police.calls', [c])).duplicates, 1);
  for (const a of [...crowd].reverse()) assert.equal((await post(s, 'camera.alerts', [a])).duplicates, 1);
  await new Promise((res) => setTimeout(res, 2500)); // two sweeps
  const again = await warnings(s);
  assert.deepEqual(again.filter((w) => w.rule === 'crowd_cluster').map((w) => w.id), [first[0]!.id], 'not doubled');
  const keys = again.map((w) => `${w.rule}|${w.subject}|${w.raisedAt}`);
  assert.equal(new Set(keys).size, keys.length, 'no warning twice');
  wall.close();
  await s.stop();
  server = null;

  // In the store: each in-skew event once, at its own time; the refused ones only as dead letters.
  const db = await openPglite(path.join(dataDir, 'pgdata'));
  try {
    const calls = await db.query<{ id: string; t: string }>("SELECT id, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS') AS t FROM calls ORDER BY id");
    const want = inSkew.map((c) => ({ id: c.id, t: new Date(c.receivedAt).toISOString().slice(0, 23) })).sort((a, b) => (a.id < b.id ? -1 : 1));
    assert.deepEqual(calls.rows, want, 'every in-skew call once, with the time its producer gave');
    const alerts = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts WHERE id = ANY($1)', [crowd.map((a) => a.id)]);
    assert.equal(alerts.rows[0]!.n, crowd.length);
    const dead = await db.query<{ payload: string; reason: string }>('SELECT payload, reason FROM dead_letters');
    for (const x of [...sent.wrong, ...wrongAlerts]) {
      const letters = dead.rows.filter((d) => d.payload.includes(x.id));
      assert.ok(letters.length >= 1, `${x.id} dead-lettered`);
      assert.match(letters[0]!.reason, /ahead of the server clock/);
    }
    const stray = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM calls WHERE id = ANY($1)) + (SELECT count(*) FROM alerts WHERE id = ANY($2))::int AS n', [sent.wrong.map((c) => c.id), wrongAlerts.map((a) => a.id)]);
    assert.equal(Number(stray.rows[0]!.n), 0, 'the refused ones are not stored');
    console.log(`clock skew: ${inSkew.length} calls and ${crowd.length} crowd alerts at +5/−10 min stored at their own times; ${sent.wrong.length + wrongAlerts.length} at +20 min refused as future; 1 crowd cluster raised at the 4th (slow, late-arriving) alert's event time`);
  } finally {
    await db.close();
  }
});
