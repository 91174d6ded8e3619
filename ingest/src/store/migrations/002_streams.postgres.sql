-- Compatibility mode for plain PostgreSQL ≥ 14: the same names, so the same queries run.
-- time_bucket is shimmed over date_bin with TimescaleDB's default origin (a Monday);
-- continuous aggregates become plain materialized views refreshed by store/maintenance.ts.
CREATE OR REPLACE FUNCTION time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT date_bin(bucket_width, ts, TIMESTAMPTZ '2000-01-03 00:00:00+00') $$;
CREATE OR REPLACE FUNCTION time_bucket(bucket_width interval, ts timestamptz, tz text) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT date_bin(bucket_width, ts AT TIME ZONE tz, TIMESTAMP '2000-01-03 00:00:00') AT TIME ZONE tz $$;

CREATE INDEX IF NOT EXISTS calls_time ON calls (received_at DESC);
CREATE INDEX IF NOT EXISTS alerts_time ON alerts (occurred_at DESC);
CREATE INDEX IF NOT EXISTS case_events_time ON case_events (changed_at DESC);
CREATE INDEX IF NOT EXISTS unit_events_time ON unit_events (at DESC);

CREATE MATERIALIZED VIEW IF NOT EXISTS calls_5m AS
  SELECT time_bucket(INTERVAL '5 minutes', received_at) AS bucket, grid_id, town_code, category, count(*)::int AS n
  FROM calls GROUP BY 1, 2, 3, 4 WITH NO DATA;
CREATE MATERIALIZED VIEW IF NOT EXISTS calls_1d AS
  SELECT time_bucket(INTERVAL '1 day', received_at, '{{TZ_CENTER}}') AS bucket, grid_id, town_code, category, count(*)::int AS n
  FROM calls GROUP BY 1, 2, 3, 4 WITH NO DATA;
CREATE MATERIALIZED VIEW IF NOT EXISTS alerts_5m AS
  SELECT time_bucket(INTERVAL '5 minutes', occurred_at) AS bucket, grid_id, town_code, type, count(*)::int AS n
  FROM alerts GROUP BY 1, 2, 3, 4 WITH NO DATA;
CREATE MATERIALIZED VIEW IF NOT EXISTS alerts_1d AS
  SELECT time_bucket(INTERVAL '1 day', occurred_at, '{{TZ_CENTER}}') AS bucket, grid_id, town_code, type, count(*)::int AS n
  FROM alerts GROUP BY 1, 2, 3, 4 WITH NO DATA;
-- Refreshed without CONCURRENTLY: that needs a unique index, and the grouping keys are
-- nullable (calls outside every grid), which PostgreSQL 14 cannot index as distinct-null.
-- The views are small, so the refresh's brief lock is acceptable in compatibility mode.
