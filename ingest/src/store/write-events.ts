/**
 * Batched, idempotent writes: one INSERT … SELECT FROM unnest($arrays) per table and
 * batch (never a statement per row, and no 65,535-parameter ceiling), ON CONFLICT DO
 * NOTHING on the event's identity (TOPIC_DESCRIPTORS), RETURNING the keys that were new.
 * Current-state tables are then updated from the new events only, so a redelivered batch
 * changes nothing. The hypertables' unique keys must include their time column, so where
 * the identity is an id alone a plain table guards it first (incidents for calls,
 * alert_ids for alerts): a re-send with another time is the same event, the first wins.
 */
import { ASSIGNED_UNIT_STATUS, FREE_UNIT_STATUS } from '@watchfloor/config/dispatch';
import {
  DISPATCH_COMMAND_MOVE, ENGAGED_UNIT_STATUSES, INCIDENT_CLOSE_AFTER_MS, identityOf, unitStatusesMovingTo, type IncidentMove, type Topic,
} from '@watchfloor/config/contracts';
import type { CaseLevel, CaseStatusCode, RejectionCode } from '@watchfloor/config/contracts';
import {
  recordKey, type AlertRecord, type CallRecord, type CaseRecord, type DispatchRecord, type RecordOf, type UnitRecord,
} from '../records';
import type { Queryable } from './db';

function col<T, V>(rows: readonly T[], f: (r: T) => V): V[] {
  return rows.map(f);
}

/*
 * The incident's step columns, moved by its events as config/src/contracts/incident-states.ts
 * says: the SQL receives the unit statuses of each step as parameters, never a copy of them.
 * A step keeps its earliest time (LEAST ignores NULLs), so any arrival order gives one row.
 */
const STEP_COLUMN = { dispatched: 'dispatched_at', en_route: 'en_route_at', on_scene: 'on_scene_at', handled: 'handled_at' } as const satisfies Record<IncidentMove, string>;
const MOVES = Object.keys(STEP_COLUMN) as IncidentMove[];
const DISPATCH_COLUMN = STEP_COLUMN[DISPATCH_COMMAND_MOVE];

/** Parameters $p… of unitSteps/unitStepsSet: each step's unit statuses, then the close-after time. */
function unitStepParams(): unknown[] {
  return [...MOVES.map((m) => unitStatusesMovingTo(m)), INCIDENT_CLOSE_AFTER_MS];
}
/** One incident's unit events (`status`, time `at`) aggregated into each step's earliest time. */
function unitSteps(at: string, p: number): string {
  return MOVES.map((m, i) => `min(${at}) FILTER (WHERE status = ANY($${p + i}::text[])) AS ${m}`).join(', ');
}
/** The SET list applying unitSteps (as `v`) and the unit (`v.unit`) to incidents `i`; closed_at follows handled_at. */
function unitStepsSet(p: number): string {
  return [
    ...MOVES.map((m) => `${STEP_COLUMN[m]} = least(i.${STEP_COLUMN[m]}, v.${m})`),
    `closed_at = least(i.closed_at, v.handled + $${p + MOVES.length}::float8 * interval '1 millisecond')`,
    'unit_id = coalesce(i.unit_id, v.unit)',
  ].join(', ');
}

/*
 * The day rollups (migration 013) move in the statement that stores the events, counted from
 * the rows the insert returned (`stored`): a duplicate is never returned, so never counted, and
 * no reader can see an event without its count. Keys are upserted in sorted order, so two
 * writers touching the same days lock the rows in one order and cannot deadlock.
 */
function rollupUpsert(table: string, time: string, keyColumn: string, keyValue: string): string {
  return `INSERT INTO ${table} AS r (day, town_code, ${keyColumn}, n)
    SELECT local_day(${time}), coalesce(town_code, ''), ${keyValue}, count(*)::int FROM stored GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, town_code, ${keyColumn}) DO UPDATE SET n = r.n + excluded.n`;
}

async function writeCalls(tx: Queryable, recs: CallRecord[]): Promise<Set<string>> {
  // incidents (PK call_id) is the call's identity guard: only ids new to it are stored as calls.
  const { rows } = await tx.query<{ call_id: string }>(
    `INSERT INTO incidents (call_id, received_at, category, priority, grid_id, town_code, lon, lat)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::smallint[], $5::text[], $6::text[], $7::float8[], $8::float8[])
     ON CONFLICT (call_id) DO NOTHING RETURNING call_id`,
    [
      col(recs, (r) => r.event.id), col(recs, (r) => r.event.receivedAt), col(recs, (r) => r.event.category),
      col(recs, (r) => r.event.priority), col(recs, (r) => r.place.gridId), col(recs, (r) => r.place.townCode),
      col(recs, (r) => r.event.location.lon), col(recs, (r) => r.event.location.lat),
    ],
  );
  const fresh = new Set(rows.map((r) => r.call_id));
  const added = recs.filter((r) => fresh.has(recordKey(r)));
  if (added.length) {
    await tx.query(
      `WITH stored AS (
         INSERT INTO calls (id, received_at, category, priority, summary, lon, lat, address, grid_id, village_code, town_code, caller_hash, caller_masked, source)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::smallint[], $5::text[], $6::float8[], $7::float8[],
                              $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
         ON CONFLICT DO NOTHING RETURNING received_at, category, grid_id, town_code),
       by_category AS (${rollupUpsert('calls_by_day', 'received_at', 'category', 'category')})
       ${rollupUpsert('calls_by_day_grid', 'received_at', 'grid_id', "coalesce(grid_id, '')")}`,
      [
        col(added, (r) => r.event.id), col(added, (r) => r.event.receivedAt), col(added, (r) => r.event.category),
        col(added, (r) => r.event.priority), col(added, (r) => r.event.summary), col(added, (r) => r.event.location.lon),
        col(added, (r) => r.event.location.lat), col(added, (r) => r.event.location.address ?? null),
        col(added, (r) => r.place.gridId), col(added, (r) => r.place.villageCode), col(added, (r) => r.place.townCode),
        col(added, (r) => r.callerHash), col(added, (r) => r.callerMasked), col(added, (r) => r.event.source ?? null),
      ],
    );
    // Dispatch and arrival may have been stored before their call (out-of-order feeds).
    // Looked up afterwards, by index, rather than per row inside the insert: nearly always
    // there is nothing to find, and the insert stays as cheap as the calls insert.
    const ids = added.map((r) => r.event.id);
    await tx.query(
      `UPDATE incidents i SET ${DISPATCH_COLUMN} = least(i.${DISPATCH_COLUMN}, d.first_at), unit_id = coalesce(i.unit_id, d.unit_id)
       FROM (SELECT DISTINCT ON (incident_id) incident_id, unit_id, at AS first_at FROM dispatches
             WHERE incident_id = ANY($1::text[]) ORDER BY incident_id, at) AS d
       WHERE i.call_id = d.incident_id`,
      [ids],
    );
    await tx.query(
      `UPDATE incidents i SET ${unitStepsSet(2)}
       FROM (SELECT incident_id AS id, ${unitSteps('at', 2)}, min(unit_id) AS unit
             FROM unit_events WHERE incident_id = ANY($1::text[]) GROUP BY incident_id) AS v
       WHERE i.call_id = v.id`,
      [ids, ...unitStepParams()],
    );
  }
  return fresh;
}

async function writeAlerts(tx: Queryable, recs: AlertRecord[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO alert_ids (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING id`,
    [col(recs, (r) => r.event.id)],
  );
  const fresh = new Set(rows.map((r) => r.id));
  const added = recs.filter((r) => fresh.has(recordKey(r)));
  if (added.length) {
    await tx.query(
      `WITH stored AS (
         INSERT INTO alerts (id, camera_id, occurred_at, type, confidence, snapshot_url, lon, lat, grid_id, village_code, town_code)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::real[], $6::text[], $7::float8[], $8::float8[],
                              $9::text[], $10::text[], $11::text[])
         ON CONFLICT DO NOTHING RETURNING occurred_at, type, town_code)
       ${rollupUpsert('alerts_by_day', 'occurred_at', 'type', 'type')}`,
      [
        col(added, (r) => r.event.id), col(added, (r) => r.event.cameraId), col(added, (r) => r.event.occurredAt),
        col(added, (r) => r.event.type), col(added, (r) => r.event.confidence), col(added, (r) => r.event.snapshotUrl ?? null),
        col(added, (r) => r.lon), col(added, (r) => r.lat),
        col(added, (r) => r.place.gridId), col(added, (r) => r.place.villageCode), col(added, (r) => r.place.townCode),
      ],
    );
  }
  return fresh;
}

async function writeCases(tx: Queryable, recs: CaseRecord[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ case_id: string; changed_at: Date; status: CaseStatusCode; level: CaseLevel }>(
    `INSERT INTO case_events (case_id, changed_at, kind, category, status, level, risk, grid_id, village_code, town_code, assignee, note, related_call_id)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                          $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
     ON CONFLICT DO NOTHING RETURNING case_id, changed_at, status, level`,
    [
      col(recs, (r) => r.event.caseId), col(recs, (r) => r.event.changedAt), col(recs, (r) => r.event.kind),
      col(recs, (r) => r.event.category), col(recs, (r) => r.event.status), col(recs, (r) => r.event.level),
      col(recs, (r) => r.event.risk), col(recs, (r) => r.event.gridId), col(recs, (r) => r.place.villageCode),
      col(recs, (r) => r.place.townCode), col(recs, (r) => r.event.assignee ?? null), col(recs, (r) => r.event.note ?? null),
      col(recs, (r) => r.event.relatedCallId ?? null),
    ],
  );
  const fresh = new Set(rows.map((r) => identityOf('case.status', {
    caseId: r.case_id, changedAt: new Date(r.changed_at).toISOString(), status: r.status, level: r.level,
  })));
  const added = recs.filter((r) => fresh.has(recordKey(r)));
  if (added.length) {
    // One row per case into the upsert (PostgreSQL refuses to update a row twice in one
    // statement): its newest change, and its earliest time for opened_at.
    const latest = new Map<string, CaseRecord>();
    const earliest = new Map<string, number>();
    for (const r of added) {
      const t = Date.parse(r.event.changedAt);
      const cur = latest.get(r.event.caseId);
      if (!cur || Date.parse(cur.event.changedAt) <= t) latest.set(r.event.caseId, r);
      earliest.set(r.event.caseId, Math.min(earliest.get(r.event.caseId) ?? t, t));
    }
    const ls = [...latest.values()];
    await tx.query(
      `INSERT INTO cases AS c (case_id, kind, category, status, level, risk, grid_id, village_code, town_code, assignee, related_call_id, opened_at, changed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                            $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])
       ON CONFLICT (case_id) DO UPDATE SET
         kind = excluded.kind, category = excluded.category, status = excluded.status, level = excluded.level,
         risk = excluded.risk, grid_id = excluded.grid_id, village_code = excluded.village_code, town_code = excluded.town_code,
         assignee = coalesce(excluded.assignee, c.assignee), related_call_id = coalesce(excluded.related_call_id, c.related_call_id),
         opened_at = least(c.opened_at, excluded.opened_at), changed_at = excluded.changed_at
       WHERE excluded.changed_at >= c.changed_at`,
      [
        col(ls, (r) => r.event.caseId), col(ls, (r) => r.event.kind), col(ls, (r) => r.event.category),
        col(ls, (r) => r.event.status), col(ls, (r) => r.event.level), col(ls, (r) => r.event.risk),
        col(ls, (r) => r.event.gridId), col(ls, (r) => r.place.villageCode), col(ls, (r) => r.place.townCode),
        col(ls, (r) => r.event.assignee ?? null), col(ls, (r) => r.event.relatedCallId ?? null),
        col(ls, (r) => new Date(earliest.get(r.event.caseId)!).toISOString()), col(ls, (r) => r.event.changedAt),
      ],
    );
    // A late event older than the current row still moves opened_at back.
    await tx.query(
      `UPDATE cases c SET opened_at = v.t FROM unnest($1::text[], $2::timestamptz[]) AS v(id, t)
       WHERE c.case_id = v.id AND v.t < c.opened_at`,
      [[...earliest.keys()], [...earliest.values()].map((t) => new Date(t).toISOString())],
    );
  }
  return fresh;
}

async function writeUnits(tx: Queryable, recs: UnitRecord[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ unit_id: string; at: Date }>(
    `INSERT INTO unit_events (unit_id, at, status, lon, lat, incident_id)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::float8[], $5::float8[], $6::text[])
     ON CONFLICT DO NOTHING RETURNING unit_id, at`,
    [
      col(recs, (r) => r.event.unitId), col(recs, (r) => r.event.at), col(recs, (r) => r.event.status),
      col(recs, (r) => r.event.position?.lon ?? null), col(recs, (r) => r.event.position?.lat ?? null),
      col(recs, (r) => r.event.incidentId ?? null),
    ],
  );
  const fresh = new Set(rows.map((r) => identityOf('unit.status', { unitId: r.unit_id, at: new Date(r.at).toISOString() })));
  const added = recs.filter((r) => fresh.has(recordKey(r)));
  if (added.length) {
    const latest = new Map<string, UnitRecord>();
    for (const r of added) {
      const cur = latest.get(r.event.unitId);
      if (!cur || Date.parse(cur.event.at) <= Date.parse(r.event.at)) latest.set(r.event.unitId, r);
    }
    const ls = [...latest.values()];
    await tx.query(
      `INSERT INTO units AS u (unit_id, status, lon, lat, incident_id, at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::text[], $6::timestamptz[])
       ON CONFLICT (unit_id) DO UPDATE SET status = excluded.status,
         lon = coalesce(excluded.lon, u.lon), lat = coalesce(excluded.lat, u.lat),
         incident_id = excluded.incident_id, at = excluded.at
       WHERE excluded.at >= u.at`,
      [
        col(ls, (r) => r.event.unitId), col(ls, (r) => r.event.status), col(ls, (r) => r.event.position?.lon ?? null),
        col(ls, (r) => r.event.position?.lat ?? null), col(ls, (r) => r.event.incidentId ?? null), col(ls, (r) => r.event.at),
      ],
    );
    // A unit's status moves the incident it names on (UNIT_STATUS_MOVES).
    const withIncident = added.filter((r) => r.event.incidentId);
    if (withIncident.length) {
      // One row per incident: an UPDATE … FROM applies only one matching row per target.
      await tx.query(
        `UPDATE incidents i SET ${unitStepsSet(5)}
         FROM (SELECT id, ${unitSteps('at', 5)}, min(unit) AS unit
               FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS x(id, status, at, unit) GROUP BY id) AS v
         WHERE i.call_id = v.id`,
        [
          col(withIncident, (r) => r.event.incidentId!), col(withIncident, (r) => r.event.status),
          col(withIncident, (r) => r.event.at), col(withIncident, (r) => r.event.unitId),
          ...unitStepParams(),
        ],
      );
    }
  }
  return fresh;
}

async function writeDispatches(tx: Queryable, recs: DispatchRecord[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO dispatches (id, incident_id, unit_id, by_user, at, instruction)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      col(recs, (r) => r.event.id), col(recs, (r) => r.event.incidentId), col(recs, (r) => r.event.unitId),
      col(recs, (r) => r.event.by), col(recs, (r) => r.event.at), col(recs, (r) => r.event.instruction ?? null),
    ],
  );
  const fresh = new Set(rows.map((r) => r.id));
  const added = recs.filter((r) => fresh.has(recordKey(r)));
  if (added.length) {
    await tx.query(
      `UPDATE incidents i SET ${DISPATCH_COLUMN} = least(i.${DISPATCH_COLUMN}, v.t),
         unit_id = CASE WHEN i.${DISPATCH_COLUMN} IS NULL OR v.t < i.${DISPATCH_COLUMN} THEN v.unit ELSE i.unit_id END
       FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(id, unit, t) ORDER BY id, t) AS v
       WHERE i.call_id = v.id`,
      [col(added, (r) => r.event.incidentId), col(added, (r) => r.event.unitId), col(added, (r) => r.event.at)],
    );
    // A command hands its incident to its unit: the unit is dispatched on it (when the command is
    // its newest news, or its first: a unit's reports may arrive after it; a report of the same
    // instant wins), and a unit still holding the
    // incident from before (a reassignment) is released, its time unchanged. The wall's reducer
    // does the same with the command's delta, so the wall and GET /api/units agree.
    const cmds = [col(added, (r) => r.event.incidentId), col(added, (r) => r.event.unitId), col(added, (r) => r.event.at)];
    await tx.query(
      `INSERT INTO units AS u (unit_id, status, incident_id, at)
       SELECT v.unit, $4, v.id, v.t
       FROM (SELECT DISTINCT ON (unit) * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(id, unit, t) ORDER BY unit, t DESC) AS v
       ON CONFLICT (unit_id) DO UPDATE SET status = excluded.status, incident_id = excluded.incident_id, at = excluded.at
       WHERE excluded.at > u.at`,
      [...cmds, ASSIGNED_UNIT_STATUS],
    );
    await tx.query(
      `UPDATE units u SET status = $4, incident_id = NULL
       FROM (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(id, unit, t) ORDER BY id, t DESC) AS v
       WHERE u.incident_id = v.id AND u.unit_id <> v.unit AND u.at < v.t AND u.status = ANY($5::text[])`,
      [...cmds, FREE_UNIT_STATUS, [...ENGAGED_UNIT_STATUSES]],
    );
  }
  return fresh;
}

/** Writes one topic's records; returns those that were new (in input order). */
export async function writeEvents<T extends Topic>(tx: Queryable, topic: T, recs: RecordOf<T>[]): Promise<RecordOf<T>[]> {
  if (recs.length === 0) return [];
  // Duplicates inside one batch are dropped before SQL: the state upserts may not touch a row twice.
  const seen = new Set<string>();
  const unique = recs.filter((r) => {
    const k = recordKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  let fresh: Set<string>;
  switch (topic) {
    case 'police.calls': fresh = await writeCalls(tx, unique as CallRecord[]); break;
    case 'camera.alerts': fresh = await writeAlerts(tx, unique as AlertRecord[]); break;
    case 'case.status': fresh = await writeCases(tx, unique as CaseRecord[]); break;
    case 'unit.status': fresh = await writeUnits(tx, unique as UnitRecord[]); break;
    default: fresh = await writeDispatches(tx, unique as DispatchRecord[]); break;
  }
  return unique.filter((r) => fresh.has(recordKey(r)));
}

export interface DeadLetter {
  topic: string;
  source: string;
  code: RejectionCode;
  reason: string;
  payload: string;
}

/** PostgreSQL text cannot hold NUL: the dead-letter write must succeed whatever arrived. */
const storableText = (s: string) => s.replaceAll('\u0000', '\\u0000');

export async function writeDeadLetters(tx: Queryable, letters: readonly DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await tx.query(
    `INSERT INTO dead_letters (topic, source, code, reason, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
    [
      col(letters, (l) => storableText(l.topic)), col(letters, (l) => l.source), col(letters, (l) => l.code),
      col(letters, (l) => storableText(l.reason)), col(letters, (l) => storableText(l.payload)),
    ],
  );
}
