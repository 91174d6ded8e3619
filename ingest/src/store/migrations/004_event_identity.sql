-- An id is one event. The streams' primary keys include their time column (TimescaleDB
-- requires it), so a call or alert re-sent with another time would be stored twice; the
-- writers check ids against plain tables first: incidents (PK call_id) for calls, and
-- alert_ids here for alerts. The first version of an id wins.
CREATE TABLE IF NOT EXISTS alert_ids (
  id text PRIMARY KEY
);
INSERT INTO alert_ids (id) SELECT DISTINCT id FROM alerts ON CONFLICT DO NOTHING;

-- Calls stored before this guard without an incident row (none are expected) get one, so
-- a re-send of them is recognised too.
INSERT INTO incidents (call_id, received_at, category, priority, grid_id, town_code, lon, lat)
  SELECT DISTINCT ON (id) id, received_at, category, priority, grid_id, town_code, lon, lat
  FROM calls ORDER BY id, received_at
ON CONFLICT (call_id) DO NOTHING;

-- The low-cardinality rejection code beside the human reason (metrics label by it).
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS code text;
