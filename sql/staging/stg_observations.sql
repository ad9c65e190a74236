-- model: stg_observations
-- grain: drill, capability, source_file, source_line, ts
-- upstream: probes
-- stg_observations: every probe that really observed a capability (ok not NULL), with its source's sampling interval.
-- Grain: one row per probe observation (drill, capability, source_file, source_line, ts).
-- CONTRACT §4 (outage): "A probe that did not run (Healthwatch -1) is no observation"; a source is a file.
-- interval_s: the probe's own interval_s, else the median spacing of that source's observations of the
-- capability (NULL when the source has a single observation: it then covers only its instant).
-- An observation covers [ts, ts + interval_s): what capability_metrics counts as known time.
CREATE OR REPLACE VIEW stg_observations AS
WITH obs AS (
    SELECT drill, capability, source_file, source_line, source_type, ts, ok, status, detail, interval_s
    FROM probes
    WHERE ok IS NOT NULL AND ts IS NOT NULL AND capability IS NOT NULL
),
spaced AS (
    SELECT drill, capability, source_file,
           seconds_between(lag(ts) OVER (PARTITION BY drill, capability, source_file ORDER BY ts, source_line), ts)
               AS gap_s
    FROM obs
),
spacing AS (
    SELECT drill, capability, source_file, median(gap_s) FILTER (WHERE gap_s > 0) AS median_gap_s
    FROM spaced
    GROUP BY ALL
)
SELECT o.drill, o.capability, o.source_file, o.source_line, o.source_type, o.ts, o.ok, o.status, o.detail,
       coalesce(o.interval_s, s.median_gap_s, 0)::DOUBLE AS interval_s
FROM obs o
JOIN spacing s USING (drill, capability, source_file);
