-- Sign-in, roles and the audit trail. Sessions live here (not in a process's memory) so that
-- every web instance sees the same ones and an admin's revocation holds everywhere.
CREATE TABLE IF NOT EXISTS users (
  id            bigserial PRIMARY KEY,
  name          text        NOT NULL,
  role          text        NOT NULL CHECK (role IN ('dispatcher', 'analyst', 'admin')),
  password_hash text        NOT NULL,
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- 值班长 and 值班长 typed with another case are one person.
CREATE UNIQUE INDEX IF NOT EXISTS users_name ON users (lower(name));

-- The cookie holds a random id; only its SHA-256 is kept, so a copy of this table opens no session.
CREATE TABLE IF NOT EXISTS sessions (
  id_hash      text PRIMARY KEY,
  user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  data         jsonb       NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);

-- Failed sign-ins per key ('user:<name>' whether or not it exists, 'ip:<address>').
CREATE TABLE IF NOT EXISTS login_throttle (
  key             text PRIMARY KEY,
  failures        integer     NOT NULL,
  last_failure_at timestamptz NOT NULL,
  locked_until    timestamptz
);

-- Append-only and hash-chained: hash = sha256(prev_hash || canonical row), computed by
-- ingest/src/store/audit.ts, which also verifies the chain.
CREATE TABLE IF NOT EXISTS audit_log (
  seq       bigint PRIMARY KEY,
  at        timestamptz NOT NULL,
  actor     text        NOT NULL,
  action    text        NOT NULL,
  target    text,
  ip        text,
  details   jsonb       NOT NULL DEFAULT '{}',
  prev_hash text        NOT NULL,
  hash      text        NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);

CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
