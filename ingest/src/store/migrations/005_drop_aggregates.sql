-- The per-grid aggregates of 002 go: nothing can read them exactly. Calls and alerts arrive
-- late by design (feeds batch, centers import archives), and a late event lands in a bucket
-- that is already materialized, invisible until the next refresh (TimescaleDB's real-time
-- part covers only what lies past the watermark; plain PostgreSQL's materialized views have
-- no real-time part at all). Their upkeep was the heaviest periodic work on the store: a
-- refresh a minute on the embedded store's single connection, and on plain PostgreSQL a full
-- REFRESH of all four. The wall's figures read the streams' time indexes instead
-- (store/queries/wall.ts). Dropping a continuous aggregate removes its refresh policy too.
DROP MATERIALIZED VIEW IF EXISTS calls_5m;
DROP MATERIALIZED VIEW IF EXISTS calls_1d;
DROP MATERIALIZED VIEW IF EXISTS alerts_5m;
DROP MATERIALIZED VIEW IF EXISTS alerts_1d;
