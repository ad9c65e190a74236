-- model: clock_corrections
-- grain: drill, key
-- upstream: clock_offsets_config, clock_skew_estimates
-- clock_corrections: the clock offsets applied to this database, one per source_type or source_file.
-- Grain: one row per (drill, key) whose offset is applied; key is a source_type or a source_file (a file key
-- wins over its source_type). Also reads the DuckDB variable `align` (set by `drillscope build --align`).
-- Applied: drill.toml `[clock_offsets]` always; the estimates only with --align, only those marked `applicable`
-- (a point estimate whose bounds exclude 0), and never over a drill.toml key of the same drill.
-- sql/align/apply_clock_corrections.sql moves the times.
CREATE OR REPLACE TABLE clock_corrections AS
WITH cfg AS (
    SELECT drill, key, key_kind, source_type, offset_s, 'drill.toml' AS origin,
           format('drill.toml [clock_offsets] {} = {}', key, raw) AS evidence
    FROM clock_offsets_config
),
est AS (
    SELECT e.drill, e.source_type AS key, 'source_type' AS key_kind, e.source_type, e.offset_s,
           'estimate' AS origin, e.method || ': ' || e.evidence AS evidence
    FROM clock_skew_estimates e
    WHERE coalesce(getvariable('align'), false) AND e.applicable
      AND NOT EXISTS (SELECT 1 FROM cfg c WHERE c.drill = e.drill AND c.key = e.source_type)
)
SELECT * FROM cfg
UNION ALL
SELECT * FROM est
ORDER BY drill, key;
