-- Replay's open cases at a past instant (store/queries/replay.ts, wallCasesAt) look up in
-- their history only the cases changed since that instant; without an index finding them
-- scanned every case ever registered.
CREATE INDEX IF NOT EXISTS cases_changed ON cases (changed_at);
