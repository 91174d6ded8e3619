-- Dispatching from the console: each incident and unit row carries a version that every
-- assignment bumps, so two dispatchers acting at once are told apart by a conditional update
-- (the loser sees the version it expected gone), and the incident remembers who assigned it.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS assigned_by text;
ALTER TABLE units ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 0;
