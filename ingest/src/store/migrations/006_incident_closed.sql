-- 结警: an incident closes INCIDENT_CLOSE_AFTER_MS after it was handled
-- (config/src/contracts/incident-states.ts). The writers set closed_at from then on, with
-- the value as a parameter; the incidents handled before this migration get it here, where
-- no parameter can be passed: test/unit/incident-states.test.ts keeps this literal equal to
-- the config's value.
UPDATE incidents SET closed_at = handled_at + INTERVAL '1800000 milliseconds'
WHERE handled_at IS NOT NULL AND closed_at IS NULL;
