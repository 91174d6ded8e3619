-- The briefing's and the wall's 化解率 read "cases first registered in a period" (cases.opened_at);
-- without an index every reading scanned every case ever registered.
CREATE INDEX IF NOT EXISTS cases_opened ON cases (opened_at);
