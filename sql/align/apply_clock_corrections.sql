-- updates: events, probes, alerts, metrics, vm_states
-- upstream: clock_corrections, probes, events, alerts, metrics, vm_states
-- Move each corrected source's times onto the reference clock (clock_corrections), keeping what it printed.
-- Correction: ts = ts_original − offset_s (offset_s = source clock − reference, see clock_skew_estimates.sql).
-- Tables: events, probes, alerts, metrics, vm_states carry `ts_original` (= ts when nothing applies: load_lake in
-- drillscope/build.py loads it as a copy of ts, cheaper than an UPDATE of every row), and `ts` is shifted here
-- for the rows of a corrected source only. Exceptions, because those times come from the director's clock:
-- bosh_table `events` (the Time column of `bosh events`) and vm_states not timed by an operator `date` line
-- (ts_basis <> 'date_line'). alerts.sent_at / received_at stay as the mail headers say (mail_delay reads them
-- with ts_original). bosh_tasks and cck_problems are director times and are never shifted.
-- Without a drill.toml offset and without --align nothing moves: ts_original = ts everywhere.

-- the effective shift of each (drill, source_file): its file key, else its source_type key
CREATE OR REPLACE TEMP TABLE align_file_shift AS
WITH files AS (
    SELECT DISTINCT drill, source_file, source_type FROM probes
    UNION SELECT DISTINCT drill, source_file, source_type FROM events
    UNION SELECT DISTINCT drill, source_file, source_type FROM alerts
    UNION SELECT DISTINCT drill, source_file, source_type FROM metrics
    UNION SELECT DISTINCT drill, source_file, source_type FROM vm_states
)
SELECT f.drill, f.source_file, f.source_type,
       to_microseconds(round(coalesce(byfile.offset_s, bytype.offset_s) * 1000000)::BIGINT) AS shift
FROM files f
LEFT JOIN clock_corrections byfile
       ON byfile.drill = f.drill AND byfile.key_kind = 'source_file' AND byfile.key = f.source_file
LEFT JOIN clock_corrections bytype
       ON bytype.drill = f.drill AND bytype.key_kind = 'source_type' AND bytype.key = f.source_type
WHERE coalesce(byfile.offset_s, bytype.offset_s, 0) <> 0;

UPDATE events SET ts = events.ts - s.shift
FROM align_file_shift s
WHERE s.drill = events.drill AND s.source_file = events.source_file AND s.source_type = events.source_type
  AND events.source_type <> 'bosh_table';

UPDATE probes SET ts = probes.ts - s.shift
FROM align_file_shift s
WHERE s.drill = probes.drill AND s.source_file = probes.source_file AND s.source_type = probes.source_type;

UPDATE alerts SET ts = alerts.ts - s.shift
FROM align_file_shift s
WHERE s.drill = alerts.drill AND s.source_file = alerts.source_file AND s.source_type = alerts.source_type;

UPDATE metrics SET ts = metrics.ts - s.shift
FROM align_file_shift s
WHERE s.drill = metrics.drill AND s.source_file = metrics.source_file AND s.source_type = metrics.source_type;

UPDATE vm_states SET ts = vm_states.ts - s.shift
FROM align_file_shift s
WHERE s.drill = vm_states.drill AND s.source_file = vm_states.source_file
  AND s.source_type = vm_states.source_type AND vm_states.ts_basis = 'date_line';

DROP TABLE align_file_shift;
