-- model: stg_drills
-- grain: drill
-- upstream: drills, stg_failure_signals, bosh_tasks, vm_states
-- stg_drills: one row per drill with its foundation and injected_at (drill.toml, else inferred) and the evidence.
-- Grain: one row per drill.
-- CONTRACT §4 (injected_at): "drill.toml, else the earliest failure signal of the drill: a failed probe,
-- a firing alert, a VM not `running`, or a note of the fault. injected_by says which."
-- CONTRACT §1 (foundation): drill.toml, else the BOSH deployment seen in the logs (the most frequent
-- deployment over bosh_tasks and vm_states rows; ties by name).
-- A monitoring folder (kind = 'monitoring': continuous checks for availability_quarterly, no fault) is no drill:
-- nothing is inferred for it.
CREATE OR REPLACE VIEW stg_drills AS
WITH first_signal AS (
    SELECT * FROM stg_failure_signals
    QUALIFY row_number() OVER (PARTITION BY drill ORDER BY ts, source_file, source_line) = 1
),
deployments AS (
    SELECT drill, deployment FROM bosh_tasks WHERE deployment IS NOT NULL
    UNION ALL
    SELECT drill, deployment FROM vm_states WHERE deployment IS NOT NULL
),
top_deployment AS (
    SELECT drill, deployment FROM deployments GROUP BY drill, deployment
    QUALIFY row_number() OVER (PARTITION BY drill ORDER BY count(*) DESC, deployment) = 1
)
SELECT d.drill AS drill, d.name, d.kind, d.timezone, d.fault, d.az, d.has_toml,
       coalesce(d.foundation, t.deployment) AS foundation,
       coalesce(d.injected_at, s.ts) AS injected_at,
       CASE WHEN d.injected_at IS NOT NULL THEN 'manifest' WHEN s.ts IS NOT NULL THEN 'inferred' END AS injected_by,
       CASE WHEN d.injected_at IS NOT NULL THEN 'drill.toml'
            ELSE s.source_file || ':' || s.source_line END AS injected_evidence,
       CASE WHEN d.injected_at IS NULL THEN s.signal END AS injected_signal,
       CASE WHEN d.injected_at IS NULL THEN s.source_type ELSE 'drill.toml' END AS injected_source_type,
       CASE WHEN d.injected_at IS NULL THEN s.source_file ELSE 'drill.toml' END AS injected_source_file,
       CASE WHEN d.injected_at IS NULL THEN s.source_line END AS injected_source_line,
       CASE WHEN d.injected_at IS NULL THEN s.what END AS injected_what,
       d.recovered_at AS manifest_recovered_at
FROM drills d
LEFT JOIN first_signal s ON s.drill = d.drill AND d.kind IS DISTINCT FROM 'monitoring' AND d.injected_at IS NULL
LEFT JOIN top_deployment t ON t.drill = d.drill;
