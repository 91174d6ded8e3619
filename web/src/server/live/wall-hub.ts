/**
 * The server's copy of the wall: numbers every delta (one sequence per process, tagged
 * with an epoch), keeps the current state through the shared reducer (so a snapshot is
 * always exactly "state at seq"), and refreshes the database-derived figures every 30 s.
 */
import crypto from 'node:crypto';
import type { Region } from '@watchfloor/config/region';
import { apply, prune, type WallDelta, type WallDeltaBody, type WallState, type WallWarning } from '@watchfloor/config/wall';
import type { Db, Queryable } from '@watchfloor/ingest/store/db';
import { newestEventTime, wallCameras, wallFigures, wallIncidents, wallOpenCases, wallUnits } from '@watchfloor/ingest/store/queries/wall';
import { listWarnings, type WarningRow } from '@watchfloor/ingest/store/warnings';
import type { DeltaSink } from '@watchfloor/ingest/live/delta-sink';
import { DeltaLog } from './delta-log';
import { EarlyMoves } from './early-moves';

export function toWallWarning(w: WarningRow): WallWarning {
  return { id: w.id, rule: w.rule, colour: w.colour, regionCode: w.regionCode, reason: w.reason, raisedAt: Date.parse(w.raisedAt), status: w.status };
}

export type DeltaListener = (d: WallDelta) => void;

export interface WallHub {
  readonly epoch: string;
  snapshot(): WallState;
  since(seq: number): WallDelta[] | null;
  publish(body: WallDeltaBody): void;
  onDelta(l: DeltaListener): () => void;
  stop(): Promise<void>;
}

export async function loadWallState(db: Db, region: Region, tz: string, epoch: string, now = new Date()): Promise<WallState> {
  // One snapshot of the database for every part: the figures and the incidents read apart can
  // disagree about a batch committed between them, and the reducer would then count it never
  // (held as an incident, missing from the figures) or twice.
  const [figures, incidents, cases, units, cameras, newest, active] = await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return Promise.all([
      wallFigures(tx, now, tz, region.cameras.length), wallIncidents(tx, now), wallOpenCases(tx), wallUnits(tx), wallCameras(tx, now), newestEventTime(tx),
      listWarnings(tx, 'active', { from: null, to: null }),
    ]);
  });
  const gridCalls: Record<string, number> = {};
  for (const c of incidents) if (c.gridId) gridCalls[c.gridId] = (gridCalls[c.gridId] ?? 0) + 1;
  return {
    epoch, seq: 0, at: now.getTime(), newestEventAt: newest, figures, incidents, gridCalls, cases, units,
    offlineCameras: cameras.offline, alerts: cameras.alerts,
    warnings: Object.fromEntries(active.map((w) => [w.id, toWallWarning(w)])),
  };
}

export async function startWallHub(opts: {
  db: Db; /** Figures may lag a little: a read replica is fine for them. */ readDb?: Queryable; region: Region; tz: string; deltas: DeltaSink; log: (l: string) => void; logSize?: number; figuresEveryMs?: number;
}): Promise<WallHub> {
  const epoch = crypto.randomBytes(6).toString('hex');
  const listeners = new Set<DeltaListener>();
  const deltaLog = new DeltaLog(opts.logSize ?? 10_000);
  // Deltas that arrive while the first snapshot loads are queued and applied after it.
  let pending: WallDeltaBody[] | null = [];
  let state: WallState | null = null;
  let seq = 0;

  const early = new EarlyMoves();
  const emit = (body: WallDeltaBody) => {
    early.note(body, state!);
    const d = { ...body, seq: ++seq, at: Date.now() } as WallDelta;
    state = apply(state!, d, opts.tz);
    deltaLog.push(d);
    for (const l of listeners) l(d);
    // What came before these calls, now that the screens hold them.
    for (const b of early.release(body)) emit(b);
  };
  const publish = (body: WallDeltaBody) => {
    if (pending) pending.push(body);
    else emit(body);
  };

  // Subscribed before the snapshot loads: what is stored meanwhile is queued, then applied
  // over the snapshot (the reducer ignores items the snapshot already holds).
  const subscription = await opts.deltas.subscribe(publish);
  state = await loadWallState(opts.db, opts.region, opts.tz, epoch);
  const queued = pending;
  pending = null;
  for (const b of queued) emit(b);

  let refreshing = false;
  const refreshFigures = () => {
    early.prune(Date.now());
    if (refreshing) return;
    refreshing = true;
    wallFigures(opts.readDb ?? opts.db, new Date(), opts.tz, opts.region.cameras.length)
      .then((figures) => emit({ type: 'figures', figures }))
      .catch((err: Error) => opts.log(`[wall] figures refresh failed: ${err.message}`))
      .finally(() => { refreshing = false; });
  };
  const figuresTimer = setInterval(refreshFigures, opts.figuresEveryMs ?? 30_000);
  figuresTimer.unref();
  // A first refresh soon after start: a back-fill (or a burst of late events) may have
  // landed while the first snapshot was loading.
  const firstRefresh = setTimeout(refreshFigures, 5_000);
  firstRefresh.unref();

  return {
    epoch,
    snapshot: () => {
      state = prune(state!, Date.now());
      return state;
    },
    since: (s) => deltaLog.since(s),
    publish,
    onDelta(l) { listeners.add(l); return () => listeners.delete(l); },
    async stop() {
      clearInterval(figuresTimer);
      clearTimeout(firstRefresh);
      listeners.clear();
      await subscription.stop().catch((err: Error) => opts.log(`[wall] delta subscription did not stop cleanly: ${err.message}`));
    },
  };
}
