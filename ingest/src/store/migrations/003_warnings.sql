-- Warnings (预警): current state and full history. Ids are deterministic (rule + subject +
-- episode start), so a recomputation after a restart updates the same rows.
CREATE TABLE IF NOT EXISTS warnings (
  id              text PRIMARY KEY,
  rule            text        NOT NULL,
  colour          text        NOT NULL,
  region_code     text        NOT NULL,
  subject         text        NOT NULL,
  reason          text        NOT NULL,
  evidence        text[]      NOT NULL DEFAULT '{}',
  figures         jsonb       NOT NULL DEFAULT '{}',
  raised_at       timestamptz NOT NULL,   -- event time the episode began
  updated_at      timestamptz NOT NULL,   -- event time of the last change
  status          text        NOT NULL,   -- raised | acknowledged | resolved
  resolved_at     timestamptz,
  resolved_by     text,                   -- null when the condition cleared by itself
  acknowledged_at timestamptz,
  acknowledged_by text,
  ack_note        text
);
CREATE INDEX IF NOT EXISTS warnings_active ON warnings (raised_at DESC) WHERE status <> 'resolved';
CREATE INDEX IF NOT EXISTS warnings_raised ON warnings (raised_at DESC);
CREATE INDEX IF NOT EXISTS warnings_open_subject ON warnings (rule, subject) WHERE status <> 'resolved';

CREATE TABLE IF NOT EXISTS warning_history (
  id         bigserial PRIMARY KEY,
  warning_id text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  kind       text        NOT NULL,   -- raised | updated | resolved | acknowledged | resolved_by_hand
  colour     text,
  reason     text,
  by_user    text,
  note       text
);
CREATE INDEX IF NOT EXISTS warning_history_warning ON warning_history (warning_id, id);
