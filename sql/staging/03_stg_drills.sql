-- stg_drills: one row per drill with its foundation and injected_at (drill.toml, else inferred) and the evidence.
-- Grain: one row per drill.
-- Upstream: drills, stg_observations, stg_alerts, vm_states, events (kind 'note'), bosh_tasks.
-- CONTRACT §4 (injected_at): "drill.toml, else the earliest failure signal of the drill: a failed probe,
-- a firing alert, a VM not `running`, or a note of the fault. injected_by says which."
-- CONTRACT §1 (foundation): drill.toml, else the BOSH deployment seen in the logs (the most frequent
-- deployment over bosh_tasks and vm_states rows; ties by name).
-- A monitoring folder (kind = 'monitoring': continuous checks for availability_quarterly, no fault) is no drill:
-- nothing is inferred for it.
-- A VM not running: a vm_states row with a time whose process_state is printed and is not `running`.
-- A note of the fault: an operator note that names the drill.toml `fault`, or reads like one (power off,
-- shutdown, 전원 off/차단, 장애 주입, inject, fault, halt, unplug); see fault_note below.
CREATE OR REPLACE MACRO fault_note(message, fault) AS
    regexp_matches(message,
        '(?i)(power(ed)?[ _-]?off|shut ?down|전원\s*(off|오프|차단|끔|내림)|장애\s*(주입|발생)|inject|\bfault\b|\bhalt|unplug|pull(ed)? the plug)')
    OR (fault IS NOT NULL AND contains(lower(message), lower(fault)));

CREATE OR REPLACE VIEW stg_failure_signals AS
SELECT o.drill, o.ts, 'failed probe' AS signal, o.source_type, o.source_file, o.source_line,
       o.capability || ' failed' || coalesce(': ' || o.detail, '') AS what
FROM stg_observations o WHERE NOT o.ok
UNION ALL
SELECT a.drill, a.ts, 'firing alert', a.source_type, a.source_file, a.source_line,
       'alert ' || coalesce(a.alert, a.subject, '?') || ' firing'
FROM stg_alerts a
UNION ALL
SELECT v.drill, v.ts, 'vm not running', v.source_type, v.source_file, v.source_line,
       coalesce(v.instance, '?') || coalesce(' ' || v.process, '') || ' ' || v.process_state
FROM vm_states v
WHERE v.ts IS NOT NULL AND nullif(trim(v.process_state), '') IS NOT NULL
  AND trim(v.process_state) NOT IN ('-', 'running')
UNION ALL
SELECT e.drill, e.ts, 'note of the fault', e.source_type, e.source_file, e.source_line, 'note: ' || e.message
FROM events e JOIN drills d USING (drill)
WHERE e.kind = 'note' AND e.ts IS NOT NULL AND fault_note(e.message, d.fault);

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
