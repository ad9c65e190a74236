-- model: clock_skew
-- grain: drill, key
-- upstream: clock_corrections, events, probes, alerts, metrics, vm_states
-- clock_skew: the clock corrections applied to this database, with how many rows each one moved.
-- Grain: one row per (drill, key) of clock_corrections (key: a source_type, or a source_file that wins over it).
-- Original and corrected times stay side by side: every moved row keeps ts_original; rows_shifted
-- counts the rows whose ts differs from it. The estimates and their evidence are clock_skew_estimates
-- (sql/align/clock_skew_estimates.sql); offset_s = source clock − reference clock, ts = ts_original − offset_s.
CREATE OR REPLACE TABLE clock_skew AS
WITH moved AS (
    SELECT drill, source_file, source_type, count(*) AS n
    FROM (
        SELECT drill, source_file, source_type FROM events WHERE ts IS DISTINCT FROM ts_original
        UNION ALL SELECT drill, source_file, source_type FROM probes WHERE ts IS DISTINCT FROM ts_original
        UNION ALL SELECT drill, source_file, source_type FROM alerts WHERE ts IS DISTINCT FROM ts_original
        UNION ALL SELECT drill, source_file, source_type FROM metrics WHERE ts IS DISTINCT FROM ts_original
        UNION ALL SELECT drill, source_file, source_type FROM vm_states WHERE ts IS DISTINCT FROM ts_original
    )
    GROUP BY ALL
),
by_type AS (  -- moved rows of files that have no file key of their own: their source_type key moved them
    SELECT m.* FROM moved m
    WHERE NOT EXISTS (SELECT 1 FROM clock_corrections f
                      WHERE f.drill = m.drill AND f.key_kind = 'source_file' AND f.key = m.source_file)
)
SELECT c.drill, c.key, c.key_kind, c.source_type, c.offset_s, c.origin, c.evidence,
       (coalesce((SELECT sum(m.n) FROM moved m
                  WHERE m.drill = c.drill AND c.key_kind = 'source_file' AND m.source_file = c.key), 0)
        + coalesce((SELECT sum(t.n) FROM by_type t
                    WHERE t.drill = c.drill AND c.key_kind = 'source_type' AND t.source_type = c.key), 0)
       )::BIGINT AS rows_shifted
FROM clock_corrections c
ORDER BY c.drill, c.key;
