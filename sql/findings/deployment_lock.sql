-- grain: drill, evidence
-- upstream: drill_context, events, stg_tasks
-- deployment_lock: a BOSH command other than the cck (bosh vms, bosh logs, ...) held the deployment lock between the power-on and the cck.
-- Grain: one row per (drill, lock-holding task) whose hold overlaps the window [power_on_at, cck_at).
-- Upstream: drill_context, events (kind 'bosh_lock': acquire/release lock:deployment:<d> with task_id), stg_tasks.
-- The seed's lesson: "장애 상황에서 bosh vms/logs 명령은 자제 (bosh가 deployment에 Lock을 건다.)". A hold is an
-- acquire .. release pair of one task's bosh_lock events; a look-up task (retrieve vm-stats = bosh vms, fetch logs =
-- bosh logs, ssh) with no lock event captured counts from its start to its end (bosh tasks). The window starts at
-- the power-on note (else injected_at) and ends at the first cck scan (else recovered_at). The cck's own tasks
-- (scan cloud, apply resolutions) and the resurrector (scan and fix) are no offenders.
-- Severity: critical when another task was refused the lock during the hold ("Unable to get deployment lock") or
-- the hold lasted 5 minutes or more; warning otherwise.
WITH ctx AS (
    SELECT drill, timezone, coalesce(power_on_at, injected_at) AS win_start,
           power_on_at IS NOT NULL AS has_power_on, coalesce(cck_at, recovered_at) AS win_end,
           cck_at IS NOT NULL AS has_cck, cck_task_id
    FROM drill_context WHERE injected_at IS NOT NULL
),
lock_events AS (
    SELECT drill, task_id, ts, source_file, source_line,
           regexp_extract(message, 'lock:deployment:(\S+)', 1) AS deployment,
           CASE WHEN regexp_matches(message, '(?i)^\s*(acquire|acquired)\b') THEN 'acquire'
                WHEN regexp_matches(message, '(?i)^\s*(release|released|deleted)\b') THEN 'release' END AS action
    FROM events
    WHERE kind = 'bosh_lock' AND task_id IS NOT NULL AND message LIKE '%lock:deployment:%'
),
holds AS (
    SELECT drill, task_id, any_value(deployment) AS deployment,
           min(ts) FILTER (WHERE action = 'acquire') AS acquired_at,
           max(ts) FILTER (WHERE action = 'release') AS released_at,
           arg_min(source_file || ':' || source_line, ts) FILTER (WHERE action = 'acquire') AS evidence,
           'lock event' AS basis
    FROM lock_events WHERE action IS NOT NULL
    GROUP BY drill, task_id
    HAVING min(ts) FILTER (WHERE action = 'acquire') IS NOT NULL
    UNION ALL
    SELECT t.drill, t.task_id, t.deployment, t.started_at, t.ended_at, t.source_file || ':' || t.source_line,
           'bosh tasks'
    FROM stg_tasks t
    WHERE regexp_matches(t.description, '(?i)^(retrieve vm-stats|fetch logs|ssh)')
      AND t.started_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM lock_events l WHERE l.drill = t.drill AND l.task_id = t.task_id)
),
offenders AS (
    SELECT h.*, c.timezone, c.win_start, c.win_end, c.has_power_on, c.has_cck, t.description, t."user",
           CASE WHEN t.description ILIKE 'retrieve vm-stats%' THEN 'bosh vms'
                WHEN t.description ILIKE 'fetch logs%' THEN 'bosh logs'
                WHEN t.description ILIKE 'ssh%' THEN 'bosh ssh'
                ELSE coalesce(t.description, 'task') END AS command,
           epoch(least(coalesce(h.released_at, c.win_end), c.win_end) - greatest(h.acquired_at, c.win_start))
               AS held_in_window_s,
           epoch(coalesce(h.released_at, c.win_end) - h.acquired_at) AS held_s
    FROM holds h
    JOIN ctx c USING (drill)
    LEFT JOIN stg_tasks t ON t.drill = h.drill AND t.task_id = h.task_id
    WHERE h.acquired_at < c.win_end AND coalesce(h.released_at, c.win_end) > c.win_start
      AND h.task_id IS DISTINCT FROM c.cck_task_id
      AND NOT regexp_matches(coalesce(t.description, ''), '(?i)^(scan cloud|apply resolutions|scan and fix)')
),
refused AS (
    SELECT o.drill, o.task_id,
           count(*) AS n,
           string_agg('task ' || r.task_id || ' ' || r.description || coalesce(' by ' || r."user", '')
                      || ' at ' || finding_clock(r.started_at, o.timezone), ', ' ORDER BY r.started_at) AS what,
           string_agg(finding_clock(r.started_at, o.timezone) || ' 작업 ' || r.task_id || ' ' || r.description
                      || coalesce('(실행: ' || r."user" || ')', ''), ', ' ORDER BY r.started_at) AS what_ko
    FROM offenders o
    JOIN stg_tasks r ON r.drill = o.drill AND r.task_id <> o.task_id
    WHERE r.result ILIKE '%deployment lock%'
      AND r.started_at >= o.acquired_at AND r.started_at <= coalesce(o.released_at, o.win_end)
    GROUP BY o.drill, o.task_id
)
SELECT o.drill, 'deployment_lock' AS rule,
       CASE WHEN coalesce(r.n, 0) > 0 OR o.held_s >= 300 THEN 'critical' ELSE 'warning' END AS severity,
       format('`{}` (task {} {}{}) held the deployment lock{} for {} ({} .. {}) between the {} at {} and the {} at {}{}.',
              o.command, o.task_id, coalesce(o.description, '?'), coalesce(' by ' || o."user", ''),
              coalesce(' on ' || o.deployment, ''), finding_dur(o.held_s),
              finding_clock(o.acquired_at, o.timezone),
              coalesce(finding_clock(o.released_at, o.timezone), 'not released'),
              CASE WHEN o.has_power_on THEN 'power-on' ELSE 'injection (no power-on note)' END,
              finding_clock(o.win_start, o.timezone),
              CASE WHEN o.has_cck THEN 'cck' ELSE 'recovery (no cck)' END,
              finding_clock(o.win_end, o.timezone),
              CASE WHEN r.n > 0 THEN format('; refused the lock meanwhile: {}', r.what) ELSE '' END) AS finding,
       format('{}({})부터 {}({})까지의 구간에 `{}`(작업 {} {}{}) 명령이 deployment 잠금{}을 {} 동안({} .. {}) 잡고 있었습니다{}.',
              CASE WHEN o.has_power_on THEN '전원 켬' ELSE '장애 주입(전원 켬 메모 없음)' END,
              finding_clock(o.win_start, o.timezone),
              CASE WHEN o.has_cck THEN 'cck' ELSE '복구(cck 없음)' END,
              finding_clock(o.win_end, o.timezone),
              o.command, o.task_id, coalesce(o.description, '?'), coalesce(', 실행: ' || o."user", ''),
              coalesce('(' || o.deployment || ')', ''), finding_dur(o.held_s),
              finding_clock(o.acquired_at, o.timezone),
              coalesce(finding_clock(o.released_at, o.timezone), '해제 안 됨'),
              CASE WHEN r.n > 0 THEN format('; 그동안 잠금을 얻지 못한 작업: {}', r.what_ko) ELSE '' END) AS finding_ko,
       o.evidence, o.acquired_at AS ts
FROM offenders o
LEFT JOIN refused r USING (drill, task_id)
ORDER BY o.drill, o.acquired_at
