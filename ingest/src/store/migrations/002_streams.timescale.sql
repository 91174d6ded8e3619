-- TimescaleDB: streams become hypertables, with per-grid continuous aggregates
-- (5-minute and daily, days in the center's time zone), compression and retention.
SELECT create_hypertable('calls', by_range('received_at', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
SELECT create_hypertable('alerts', by_range('occurred_at', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
SELECT create_hypertable('case_events', by_range('changed_at', INTERVAL '7 days'), if_not_exists => TRUE, migrate_data => TRUE);
SELECT create_hypertable('unit_events', by_range('at', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS calls_5m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT time_bucket(INTERVAL '5 minutes', received_at) AS bucket, grid_id, town_code, category, count(*)::int AS n
  FROM calls GROUP BY 1, 2, 3, 4 WITH NO DATA;
CREATE MATERIALIZED VIEW IF NOT EXISTS calls_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT time_bucket(INTERVAL '1 day', received_at, '{{TZ_CENTER}}') AS bucket, grid_id, town_code, category, count(*)::int AS n
  FROM calls GROUP BY 1, 2, 3, 4 WITH NO DATA;
CREATE MATERIALIZED VIEW IF NOT EXISTS alerts_5m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT time_bucket(INTERVAL '5 minutes', occurred_at) AS bucket, grid_id, town_code, type, count(*)::int AS n
  FROM alerts GROUP BY 1, 2, 3, 4 WITH NO DATA;
CREATE MATERIALIZED VIEW IF NOT EXISTS alerts_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT time_bucket(INTERVAL '1 day', occurred_at, '{{TZ_CENTER}}') AS bucket, grid_id, town_code, type, count(*)::int AS n
  FROM alerts GROUP BY 1, 2, 3, 4 WITH NO DATA;

-- Policies run on a TimescaleDB server's job scheduler; PGlite has no background
-- workers, so the embedded maintenance loop (store/maintenance.ts) runs the same work.
SELECT add_continuous_aggregate_policy('calls_5m', start_offset => INTERVAL '3 days', end_offset => NULL, schedule_interval => INTERVAL '1 minute', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('calls_1d', start_offset => INTERVAL '10 days', end_offset => NULL, schedule_interval => INTERVAL '10 minutes', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('alerts_5m', start_offset => INTERVAL '3 days', end_offset => NULL, schedule_interval => INTERVAL '1 minute', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('alerts_1d', start_offset => INTERVAL '10 days', end_offset => NULL, schedule_interval => INTERVAL '10 minutes', if_not_exists => TRUE);

ALTER TABLE calls SET (timescaledb.compress, timescaledb.compress_segmentby = 'grid_id', timescaledb.compress_orderby = 'received_at DESC');
ALTER TABLE alerts SET (timescaledb.compress, timescaledb.compress_segmentby = 'grid_id', timescaledb.compress_orderby = 'occurred_at DESC');
ALTER TABLE unit_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'unit_id', timescaledb.compress_orderby = 'at DESC');
SELECT add_compression_policy('calls', INTERVAL '14 days', if_not_exists => TRUE);
SELECT add_compression_policy('alerts', INTERVAL '14 days', if_not_exists => TRUE);
SELECT add_compression_policy('unit_events', INTERVAL '3 days', if_not_exists => TRUE);

-- Calls, alerts and case history are kept two years (annual reviews compare year on
-- year); unit positions are operational only.
SELECT add_retention_policy('calls', INTERVAL '730 days', if_not_exists => TRUE);
SELECT add_retention_policy('alerts', INTERVAL '730 days', if_not_exists => TRUE);
SELECT add_retention_policy('unit_events', INTERVAL '90 days', if_not_exists => TRUE);
