-- model: source_outages
-- grain: drill, capability, source_file, started_at
-- upstream: stg_observations, probes
-- source_outages: outages of a capability as one source (file) sees them, before the union across sources.
-- Grain: one row per (drill, capability, source_file, outage).
-- CONTRACT §4 (outage): "within each source (file) that observes it, an outage starts at a failed observation
-- that follows a passing one (or the start of that source's data) and ends at the first passing observation
-- after it". Gaps and islands: grp = passing observations so far, so the failures after the k-th pass share
-- grp k and the (k+1)-th pass ends them. (A running sum, not `count(*) FILTER (WHERE ok) OVER`: DuckDB 2.0
-- evaluates the filtered windowed count per row, 55 s against 0.3 s on 2.5 M probes.) Open outages (no pass after them) keep ended_at NULL here: they end at
-- recovered_at, which needs the closed ones first (drill_recovery), and are closed in `outages`.
-- Several series of one capability in one file (e.g. a Prometheus response with one series per instance) give
-- several observations at one instant: they are one observation, failed when any of them failed.
CREATE OR REPLACE TABLE source_outages AS
WITH instants AS (
    SELECT drill, capability, source_file, ts,
           bool_and(ok) AS ok,
           any_value(source_type) AS source_type,
           coalesce(min(source_line) FILTER (WHERE NOT ok), min(source_line)) AS source_line
    FROM stg_observations
    GROUP BY drill, capability, source_file, ts
),
numbered AS (
    SELECT *,
           sum(ok::INTEGER) OVER w AS grp,
           max(ts) OVER (PARTITION BY drill, capability, source_file) AS data_end
    FROM instants
    WINDOW w AS (PARTITION BY drill, capability, source_file ORDER BY ts, source_line
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
fails AS (
    SELECT drill, capability, source_file, grp,
           any_value(source_type) AS source_type,
           min(ts) AS started_at,
           arg_min(source_line, (ts, source_line)) AS start_line,
           max(ts) AS last_failure_at,
           count(*) AS failures,
           any_value(data_end) AS data_end
    FROM numbered WHERE NOT ok
    GROUP BY drill, capability, source_file, grp
),
passes AS (
    SELECT drill, capability, source_file, grp, ts AS ended_at, source_line AS end_line
    FROM numbered WHERE ok
),
-- the detail of each outage's first failed instant, looked up once the outages are known (carried through the
-- grouping and window of every instant it cost ~0.8 CPU s and ~240 MiB on 1.25 M probes): the detail of its failed
-- observation with the lowest source_line, else of its first. The probes with ok at an outage's (drill,
-- capability, source_file, ts) are exactly its stg_observations rows (the view's other conditions hold there).
start_details AS (
    SELECT f.drill, f.capability, f.source_file, f.started_at,
           coalesce(arg_min(o.detail, o.source_line) FILTER (WHERE NOT o.ok), arg_min(o.detail, o.source_line))
               AS start_detail
    FROM fails f
    JOIN probes o ON o.drill = f.drill AND o.capability = f.capability AND o.source_file = f.source_file
                 AND o.ts = f.started_at AND o.ok IS NOT NULL
    GROUP BY f.drill, f.capability, f.source_file, f.started_at
)
SELECT f.drill, f.capability, f.source_file, f.source_type, f.started_at, f.start_line, d.start_detail,
       f.last_failure_at, f.failures, p.ended_at, p.end_line, p.ended_at IS NULL AS open, f.data_end
FROM fails f
LEFT JOIN passes p ON p.drill = f.drill AND p.capability = f.capability
                  AND p.source_file = f.source_file AND p.grp = f.grp + 1
LEFT JOIN start_details d ON d.drill = f.drill AND d.capability = f.capability
                         AND d.source_file = f.source_file AND d.started_at = f.started_at;
