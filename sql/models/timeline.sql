-- model: timeline
-- grain: drill, ts, what
-- upstream: stg_drills, drill_recovery, drill_metrics, outage_members, outages, stg_alerts, events, bosh_tasks, cck_problems, operator_markers
-- timeline: the key moments of each drill, each in its phase (CONTRACT §3 `timeline`).
-- Grain: one row per key moment (drill, ts, what).
-- CONTRACT §3 phases: baseline, injection, detection, degraded, mitigation, recovered. Moments: the injection;
-- each outage's start (the first one per capability: "<cap> down") and end ("<cap> restored"); the first firing of
-- each alert; operator actions: notes (events kind 'note'), BOSH task starts and ends, cck resolutions; the recovery;
-- the operators' own markers (operator_markers: what = 'marker: <label>', source_type and source_file 'drill.toml',
-- no line), which are no operator action.
-- Phase of a moment: before injected_at baseline; at injected_at injection; the first alert at or after injected_at
-- (detected_at) detection; at or after recovered_at recovered; at or after the first operator action after
-- injected_at mitigation; otherwise degraded. Operator actions: BOSH tasks other than look-ups (`retrieve
-- vm-stats` = bosh vms, `fetch logs`, `ssh:`), cck resolutions, and notes that read like one (action_note: cck,
-- recreate, restart, reboot, power on, 재기동, 기동, 복구 작업); other notes are observations. A note of the fault
-- (fault_note) at or before the first operator action is part of the injection.
-- Kept: moments from 1 h before injected_at to 1 h after recovered_at (a `bosh tasks` capture lists days of
-- unrelated tasks); an operator's marker is always kept (they wrote it for this drill). A task or cck resolution
-- seen in several captures is one moment (its earliest copy); two markers with the same time and label are one.
CREATE OR REPLACE TABLE timeline AS
WITH moments AS (
    -- the injection
    SELECT d.drill, d.injected_at AS ts, 'injection' AS moment,
           CASE WHEN d.injected_by = 'manifest' THEN 'fault injected' || coalesce(': ' || d.fault, '')
                ELSE 'fault injected (inferred: first ' || d.injected_signal || '): ' || d.injected_what END AS what,
           d.injected_source_type AS source_type, d.injected_source_file AS source_file,
           d.injected_source_line AS source_line
    FROM stg_drills d WHERE d.injected_at IS NOT NULL
    UNION ALL
    -- outage starts and ends per capability
    SELECT m.drill, m.started_at, 'failure',
           m.capability || CASE WHEN m.outage_no = 1 THEN ' down' ELSE ' down again' END
               || coalesce(': ' || m.start_detail, ''),
           m.source_type, m.source_file, m.start_line
    FROM outage_members m
    QUALIFY row_number() OVER (PARTITION BY m.drill, m.capability, m.outage_no
                               ORDER BY m.started_at, m.source_file, m.start_line) = 1
    UNION ALL
    SELECT m.drill, m.end_ts, 'restoration', m.capability || ' restored', m.source_type, m.source_file, m.end_line
    FROM outage_members m
    JOIN outages o ON o.drill = m.drill AND o.capability = m.capability AND o.ended_at = m.end_ts
                  AND NOT o.open AND NOT m.open
    QUALIFY row_number() OVER (PARTITION BY m.drill, m.capability, m.outage_no ORDER BY m.source_file, m.end_line) = 1
    UNION ALL
    -- the first firing of each alert
    SELECT a.drill, a.ts, 'alert', 'alert firing: ' || coalesce(a.alert, a.subject, '?'),
           a.source_type, a.source_file, a.source_line
    FROM stg_alerts a
    QUALIFY row_number() OVER (PARTITION BY a.drill, coalesce(a.alert, a.subject) ORDER BY a.ts, a.source_file,
                                                                                       a.source_line) = 1
    UNION ALL
    -- operator actions
    SELECT e.drill, e.ts,
           CASE WHEN fault_note(e.message, d.fault) THEN 'fault_note'
                WHEN action_note(e.message) THEN 'action' ELSE 'note' END,
           'note: ' || e.message, e.source_type, e.source_file, e.source_line
    FROM events e JOIN stg_drills d USING (drill)
    WHERE e.kind = 'note' AND e.ts IS NOT NULL  -- the note that dated an inferred injection is that row
      AND (e.source_file, e.source_line) IS DISTINCT FROM (d.injected_source_file, d.injected_source_line)
    UNION ALL
    SELECT t.drill, t.started_at,
           CASE WHEN regexp_matches(coalesce(t.description, ''), '(?i)^(retrieve vm-stats|fetch logs|ssh:)')
                THEN 'lookup' ELSE 'action' END,
           'bosh task ' || t.task_id || ' started' || coalesce(': ' || t.description, ''),
           t.source_type, t.source_file, t.source_line
    FROM bosh_tasks t WHERE t.started_at IS NOT NULL
    -- a task seen in several captures (bosh tasks, bosh task N, --event, --debug) is one moment
    QUALIFY row_number() OVER (PARTITION BY t.drill, coalesce(t.task_id::VARCHAR, t.source_file || t.source_line)
                               ORDER BY t.started_at, t.description IS NULL, t.source_file) = 1
    UNION ALL
    SELECT t.drill, t.ended_at, 'task_end',
           'bosh task ' || t.task_id || ' ' || coalesce(t.state, 'ended') || coalesce(': ' || t.description, ''),
           t.source_type, t.source_file, t.source_line
    FROM bosh_tasks t WHERE t.ended_at IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY t.drill, coalesce(t.task_id::VARCHAR, t.source_file || t.source_line)
                               ORDER BY t.state IS NULL, t.ended_at, t.source_file) = 1
    UNION ALL
    SELECT c.drill, c.ts, 'action',
           'cck ' || coalesce(c.plan, c.resolution) || coalesce(': ' || c.instance, '')
               || coalesce(' (' || c.problem_type || ')', ''),
           c.source_type, c.source_file, c.source_line
    FROM cck_problems c WHERE c.ts IS NOT NULL AND coalesce(c.plan, c.resolution) IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY c.drill, c.task_id, c.instance, coalesce(c.plan, c.resolution)
                               ORDER BY c.ts, c.source_file, c.source_line) = 1
    UNION ALL
    -- the recovery
    SELECT r.drill, r.recovered_at, 'recovery',
           CASE WHEN r.recovered_by = 'manifest' THEN 'recovered'
                ELSE 'recovered (inferred: ' || r.recovered_what || ')' END,
           r.recovered_source_type, r.recovered_source_file, r.recovered_source_line
    FROM drill_recovery r WHERE r.recovered_at IS NOT NULL
    UNION ALL
    -- the operators' own markers
    SELECT DISTINCT o.drill, o.ts, 'marker', 'marker: ' || o.label, 'drill.toml', 'drill.toml', NULL::BIGINT
    FROM operator_markers o
),
marks AS (
    SELECT d.drill, d.injected_at, m.detected_at, m.detected_evidence, r.recovered_at,
           (SELECT min(x.ts) FROM moments x
            WHERE x.drill = d.drill AND x.moment = 'action' AND x.ts > d.injected_at) AS mitigation_at
    FROM stg_drills d JOIN drill_metrics m USING (drill) JOIN drill_recovery r USING (drill)
)
SELECT x.drill, x.ts,
       CASE WHEN k.injected_at IS NULL OR x.ts < k.injected_at THEN 'baseline'
            WHEN x.moment = 'injection' OR x.ts = k.injected_at THEN 'injection'
            WHEN x.moment = 'alert' AND x.ts = k.detected_at
                 AND x.source_file || ':' || x.source_line = k.detected_evidence THEN 'detection'
            WHEN x.ts >= k.recovered_at THEN 'recovered'
            WHEN x.moment = 'fault_note' AND x.ts <= coalesce(k.mitigation_at, x.ts) THEN 'injection'
            WHEN x.ts >= k.mitigation_at THEN 'mitigation'
            ELSE 'degraded' END AS phase,
       x.what, x.source_type, x.source_file, x.source_line
FROM moments x JOIN marks k USING (drill)
WHERE x.ts IS NOT NULL
  AND (x.moment = 'marker'
       OR (k.injected_at IS NULL OR x.ts >= k.injected_at - INTERVAL 1 HOUR)
          AND (k.recovered_at IS NULL OR x.ts <= greatest(k.recovered_at, k.injected_at) + INTERVAL 1 HOUR))
ORDER BY x.drill, x.ts,
         list_position(['injection', 'fault_note', 'failure', 'alert', 'note', 'lookup', 'action', 'task_end',
                        'restoration', 'recovery', 'marker'], x.moment),
         x.what;
