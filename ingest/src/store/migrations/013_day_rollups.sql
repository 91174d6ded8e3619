-- Day rollups: counts of calls and alerts per local day of the center, kept exact by the
-- writers. Migration 005 dropped the continuous aggregates because a late event landed in a
-- bucket already materialized and stayed invisible until the next refresh; these rows are
-- instead moved in the same statement that stores the event (store/write-events.ts), from
-- the rows the insert returned, so a late event counts at once and a redelivered one never.
-- Readers (store/queries/day-counts.ts) take whole local days from here and the partial days
-- at a range's edges from the streams. Both flavours: plain tables and SQL functions.

-- The center's local day, with the zone fixed now (TZ_CENTER when this migration ran): the
-- rollups' days and the readers' day boundaries both come from these two functions, so they
-- agree even if the setting changes later (then run rebuild_day_rollups() after redefining them).
CREATE OR REPLACE FUNCTION local_day(ts timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ts AT TIME ZONE '{{TZ_CENTER}}')::date $$;
CREATE OR REPLACE FUNCTION local_day_start(d date) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT d::timestamp AT TIME ZONE '{{TZ_CENTER}}' $$;

-- A call or alert without a town (outside every grid) is counted under '' (keys cannot be null).
CREATE TABLE IF NOT EXISTS calls_by_day (
  day       date    NOT NULL,
  town_code text    NOT NULL,
  category  text    NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (day, town_code, category)
);
-- By grid, with the grid's town so that a town's briefing can read its grids.
CREATE TABLE IF NOT EXISTS calls_by_day_grid (
  day       date    NOT NULL,
  town_code text    NOT NULL,
  grid_id   text    NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (day, town_code, grid_id)
);
CREATE TABLE IF NOT EXISTS alerts_by_day (
  day       date    NOT NULL,
  town_code text    NOT NULL,
  type      text    NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (day, town_code, type)
);

-- Recounts every rollup from the streams: after a bulk load that bypassed the writers (COPY,
-- INSERT … SELECT), or to repair. TRUNCATE locks the rollups first, so a writer running
-- alongside either committed before (and is read here) or adds its counts after.
CREATE OR REPLACE FUNCTION rebuild_day_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE calls_by_day, calls_by_day_grid, alerts_by_day;
  INSERT INTO calls_by_day (day, town_code, category, n)
    SELECT local_day(received_at), coalesce(town_code, ''), category, count(*) FROM calls GROUP BY 1, 2, 3;
  INSERT INTO calls_by_day_grid (day, town_code, grid_id, n)
    SELECT local_day(received_at), coalesce(town_code, ''), coalesce(grid_id, ''), count(*) FROM calls GROUP BY 1, 2, 3;
  INSERT INTO alerts_by_day (day, town_code, type, n)
    SELECT local_day(occurred_at), coalesce(town_code, ''), type, count(*) FROM alerts GROUP BY 1, 2, 3;
END
$$;

SELECT rebuild_day_rollups();
