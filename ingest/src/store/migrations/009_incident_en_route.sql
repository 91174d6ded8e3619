-- En route is a step of its own (received → dispatched → en route → on scene → handled →
-- closed, config/src/contracts/incident-states.ts). The writers move en_route_at with the
-- unit statuses of that step given as parameters; the incidents stored before this migration
-- get it here from their unit events, where no parameter can be passed:
-- test/unit/incident-states.test.ts keeps this list equal to the config's. Plain SQL over the
-- tables of 001 (unit_events is a hypertable on TimescaleDB, a table on PostgreSQL: the same
-- statement serves both flavours). dispatched_at keeps what it had (an en-route report counted
-- as dispatched before): a later step implies the earlier ones, so it stays right.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS en_route_at timestamptz;

UPDATE incidents i SET en_route_at = v.first_at
FROM (SELECT incident_id, min(at) AS first_at FROM unit_events
      WHERE incident_id IS NOT NULL AND status = ANY ('{en_route}'::text[]) GROUP BY incident_id) AS v
WHERE i.call_id = v.incident_id AND (i.en_route_at IS NULL OR v.first_at < i.en_route_at);
