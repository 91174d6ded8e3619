-- Event streams and current state. Shared by TimescaleDB and plain PostgreSQL;
-- 002_* turns the streams into hypertables (or adds the compatibility shims).
-- Every stream's primary key includes its event time: TimescaleDB requires the
-- partitioning column in unique constraints, and it makes redelivery a no-op.

CREATE TABLE IF NOT EXISTS calls (
  id            text        NOT NULL,
  received_at   timestamptz NOT NULL,
  category      text        NOT NULL,
  priority      smallint    NOT NULL,
  summary       text        NOT NULL,
  lon           double precision NOT NULL,
  lat           double precision NOT NULL,
  address       text,
  grid_id       text,
  village_code  text,
  town_code     text,
  caller_hash   text,   -- keyed hash: repeat-caller rules without the number
  caller_masked text,   -- 138****1234 for the dispatch console
  source        text,
  ingested_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, received_at)
);
CREATE INDEX IF NOT EXISTS calls_grid_time ON calls (grid_id, received_at DESC);
CREATE INDEX IF NOT EXISTS calls_caller_time ON calls (caller_hash, received_at DESC) WHERE caller_hash IS NOT NULL;

CREATE TABLE IF NOT EXISTS alerts (
  id           text        NOT NULL,
  camera_id    text        NOT NULL,
  occurred_at  timestamptz NOT NULL,
  type         text        NOT NULL,
  confidence   real        NOT NULL,
  snapshot_url text,
  lon          double precision NOT NULL,
  lat          double precision NOT NULL,
  grid_id      text,
  village_code text,
  town_code    text,
  ingested_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, occurred_at)
);
CREATE INDEX IF NOT EXISTS alerts_grid_time ON alerts (grid_id, occurred_at DESC);
CREATE INDEX IF NOT EXISTS alerts_camera_time ON alerts (camera_id, occurred_at DESC);

CREATE TABLE IF NOT EXISTS case_events (
  case_id         text        NOT NULL,
  changed_at      timestamptz NOT NULL,
  kind            text        NOT NULL,
  category        text        NOT NULL,
  status          text        NOT NULL,
  level           text        NOT NULL,
  risk            text        NOT NULL,
  grid_id         text        NOT NULL,
  village_code    text,
  town_code       text,
  assignee        text,
  note            text,
  related_call_id text,
  ingested_at     timestamptz NOT NULL DEFAULT now(),
  -- case.status carries no event id: a change is identified by what changed and when.
  PRIMARY KEY (case_id, changed_at, status, level)
);
CREATE INDEX IF NOT EXISTS case_events_case ON case_events (case_id, changed_at DESC);

CREATE TABLE IF NOT EXISTS unit_events (
  unit_id     text        NOT NULL,
  at          timestamptz NOT NULL,
  status      text        NOT NULL,
  lon         double precision,
  lat         double precision,
  incident_id text,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (unit_id, at)
);
CREATE INDEX IF NOT EXISTS unit_events_incident ON unit_events (incident_id) WHERE incident_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS dispatches (
  id          text PRIMARY KEY,
  incident_id text        NOT NULL,
  unit_id     text        NOT NULL,
  by_user     text        NOT NULL,
  at          timestamptz NOT NULL,
  instruction text,
  ingested_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dispatches_incident ON dispatches (incident_id);

-- Current state. Each row is a function of the events applied so far, written so that
-- applying them in any order gives the same row (late and out-of-order events).
CREATE TABLE IF NOT EXISTS cases (
  case_id         text PRIMARY KEY,
  kind            text        NOT NULL,
  category        text        NOT NULL,
  status          text        NOT NULL,
  level           text        NOT NULL,
  risk            text        NOT NULL,
  grid_id         text        NOT NULL,
  village_code    text,
  town_code       text,
  assignee        text,
  related_call_id text,
  opened_at       timestamptz NOT NULL,
  changed_at      timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_open ON cases (status, level);

CREATE TABLE IF NOT EXISTS incidents (
  call_id       text PRIMARY KEY,
  received_at   timestamptz NOT NULL,
  category      text        NOT NULL,
  priority      smallint    NOT NULL,
  grid_id       text,
  town_code     text,
  lon           double precision NOT NULL,
  lat           double precision NOT NULL,
  unit_id       text,
  dispatched_at timestamptz,
  on_scene_at   timestamptz,
  handled_at    timestamptz,
  closed_at     timestamptz
);
CREATE INDEX IF NOT EXISTS incidents_received ON incidents (received_at DESC);

CREATE TABLE IF NOT EXISTS units (
  unit_id     text PRIMARY KEY,
  status      text        NOT NULL,
  lon         double precision,
  lat         double precision,
  incident_id text,
  at          timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dead_letters (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  topic    text NOT NULL,
  source   text NOT NULL,   -- kafka | bus | http | replay
  reason   text NOT NULL,
  payload  text NOT NULL    -- as received (truncated to 64 KiB), phones included: access-controlled table
);
CREATE INDEX IF NOT EXISTS dead_letters_at ON dead_letters (at DESC);
