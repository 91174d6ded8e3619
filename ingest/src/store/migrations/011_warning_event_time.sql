-- Replay rebuilds the warnings as they stood at a past moment, and the rules run on event
-- time: a warning's step needs the event time it happened at, beside `at` (when it was
-- stored, which for a back-fill or a rebuild is long after). Engine steps carry the
-- warning's updatedAt; a person's acknowledgement or resolution happens at storage time.
ALTER TABLE warning_history ADD COLUMN IF NOT EXISTS event_at timestamptz;
-- Steps stored before this column: raised at the episode's start, resolved at its end, the
-- rest at their storage time kept within the episode (the best the rows still tell).
UPDATE warning_history h SET event_at = CASE
    WHEN h.kind = 'raised' THEN w.raised_at
    WHEN h.kind = 'resolved' THEN coalesce(w.resolved_at, h.at)
    WHEN h.kind IN ('acknowledged', 'resolved_by_hand') THEN h.at
    ELSE greatest(w.raised_at, least(h.at, coalesce(w.resolved_at, h.at))) END
  FROM warnings w WHERE w.id = h.warning_id AND h.event_at IS NULL;
UPDATE warning_history SET event_at = at WHERE event_at IS NULL;
