-- model: drill_context
-- grain: drill
-- upstream: stg_drills, drill_metrics, drills, events, vm_states, stg_tasks
-- drill_context: per drill, the instants and facts the finding rules (sql/findings) share: lost AZ, power-on, cck.
-- Grain: one row per drill (monitoring folders are no drills and have no row).
-- lost_az: drill.toml `az` (lost_az_by 'manifest'), else the AZ with the most VMs not `running` in the drill window
-- (injected_at .. recovered_at; 'inferred'). power_on_at: the first operator note at or after injected_at that reads
-- like the server coming back (power_on_note: power on, boot, 기동, 재기동, 전원 on, ...). cck_at: the start of the
-- first `scan cloud` task (bosh cck) at or after injected_at.
CREATE OR REPLACE TABLE drill_context AS
WITH base AS (
    SELECT d.drill, d.foundation, d.fault, d.az AS manifest_az, coalesce(r.timezone, 'UTC') AS timezone,
           m.injected_at, m.detected_at, m.recovered_at, m.detected_evidence
    FROM stg_drills d
    JOIN drill_metrics m USING (drill)
    LEFT JOIN drills r USING (drill)
    WHERE d.kind IS DISTINCT FROM 'monitoring'
),
down_az AS (
    SELECT v.drill, v.az, count(DISTINCT v.instance) AS n
    FROM vm_states v JOIN base b USING (drill)
    WHERE v.ts >= b.injected_at AND (b.recovered_at IS NULL OR v.ts <= b.recovered_at)
      AND nullif(trim(v.az), '') IS NOT NULL AND trim(v.az) <> '-'
      AND nullif(trim(v.process_state), '') IS NOT NULL AND trim(v.process_state) NOT IN ('-', 'running')
    GROUP BY v.drill, v.az
    QUALIFY row_number() OVER (PARTITION BY v.drill ORDER BY count(DISTINCT v.instance) DESC, v.az) = 1
),
power_on AS (
    SELECT e.drill, e.ts, e.source_file || ':' || e.source_line AS evidence, e.message
    FROM events e JOIN base b USING (drill)
    WHERE e.kind = 'note' AND e.ts >= b.injected_at AND power_on_note(e.message)
      AND NOT fault_note(e.message, b.fault)
    QUALIFY row_number() OVER (PARTITION BY e.drill ORDER BY e.ts, e.source_file, e.source_line) = 1
),
cck AS (
    SELECT t.drill, t.started_at AS ts, t.task_id, t.source_file || ':' || t.source_line AS evidence
    FROM stg_tasks t JOIN base b USING (drill)
    WHERE t.description ILIKE 'scan cloud%' AND t.started_at >= b.injected_at
    QUALIFY row_number() OVER (PARTITION BY t.drill ORDER BY t.started_at, t.task_id) = 1
)
SELECT b.drill, b.foundation, b.timezone, b.fault, b.injected_at, b.detected_at, b.recovered_at, b.detected_evidence,
       coalesce(b.manifest_az, z.az) AS lost_az,
       CASE WHEN b.manifest_az IS NOT NULL THEN 'manifest' WHEN z.az IS NOT NULL THEN 'inferred' END AS lost_az_by,
       p.ts AS power_on_at, p.evidence AS power_on_evidence, p.message AS power_on_note,
       c.ts AS cck_at, c.task_id AS cck_task_id, c.evidence AS cck_evidence
FROM base b
LEFT JOIN down_az z USING (drill)
LEFT JOIN power_on p USING (drill)
LEFT JOIN cck c USING (drill)
ORDER BY b.drill;
