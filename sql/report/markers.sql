-- grain: key, task_id, label
-- upstream: bosh_tasks, drill_metrics, drill_window, events, operator_markers
-- Vertical rules on every time chart of a drill: injection, detection, notification (the alert mail received),
-- recovery, BOSH cck start/end, the operator notes of power-on, and the operators' own `[[markers]]` of drill.toml
-- (model operator_markers).
-- grain: one row per marker (key: injection | detection | notification | recovery | cck_start | cck_end | power_on |
-- operator; task_id for the cck ones; label in English, the operator's own for theirs); upstream: drill_metrics, bosh_tasks,
-- events (kind 'note'), operator_markers, drill_window
-- Kept: markers inside drill_window (1 h before the injection to 1 h after the recovery), like the timeline (drill 2's
-- `bosh tasks --recent` capture lists drill 1's cck task: its rules stretched drill 2's axis back by five hours);
-- an operator's marker is always kept (they wrote it for this drill).
with x as (
    select injected_at as ts, 'injection' as key, null::BIGINT as task_id, 'injection' as label from drill_metrics
    where drill = $drill
    union all
    select detected_at, 'detection', null, 'detection' from drill_metrics where drill = $drill
    union all
    select notified_at, 'notification', null, 'notification' from drill_metrics where drill = $drill
    union all
    select recovered_at, 'recovery', null, 'recovery' from drill_metrics where drill = $drill
    union all
    select started_at, 'cck_start', task_id, 'cck ' || task_id || ' start' from bosh_tasks
    where drill = $drill and description = 'apply resolutions'
    union all
    select ended_at, 'cck_end', task_id, 'cck ' || task_id || ' end' from bosh_tasks
    where drill = $drill and description = 'apply resolutions'
    union all
    select min(ts), 'power_on', null, 'power on' from events
    where drill = $drill and kind = 'note'
      and regexp_matches(lower(message), '(power(ed)? on|기동|재기동|restart|boot)')
)
select min(x.ts) as ts, x.key, x.task_id, x.label from x
left join drill_window w on w.drill = $drill
where x.ts is not null and (w.window_from is null or x.ts between w.window_from and w.window_to)
group by x.key, x.task_id, x.label  -- a task seen in several captures is one marker
union all
select ts, 'operator', null, label from operator_markers where drill = $drill and ts is not null
order by ts, key, label
