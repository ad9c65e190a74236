-- model: stg_failure_signals
-- grain: drill, signal, source_file, source_line, what
-- upstream: stg_observations, stg_alerts, vm_states, events, drills
-- stg_failure_signals: the signals of a fault that stg_drills infers injected_at from (the earliest one).
-- Grain: one row per signal: a failed probe (per capability: a wide Healthwatch CSV row checks several), a firing
-- alert, a VM not running, a note of the fault.
-- CONTRACT §4 (injected_at): "the earliest failure signal of the drill: a failed probe, a firing alert, a VM
-- not `running`, or a note of the fault".
-- A VM not running: a vm_states row with a time whose process_state is printed and is not `running`.
-- A note of the fault: an operator note that names the drill.toml `fault`, or reads like one (fault_note).
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
