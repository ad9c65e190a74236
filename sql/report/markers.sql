-- grain: key, task_id, label
-- upstream: bosh_tasks, drill_metrics, drill_window, drills, events
-- Vertical rules on every time chart of a drill: injection, detection, notification (the alert mail received),
-- recovery, BOSH cck start/end, the operator
-- notes of power-on, and the operators' own `[[markers]]` of drill.toml (`at` = HH:MM[:SS] on the drill's date in
-- its timezone, or a full ISO time; `label`).
-- grain: one row per marker (key: injection | detection | notification | recovery | cck_start | cck_end | power_on |
-- operator; task_id for the cck ones; label in English, the operator's own for theirs); upstream: drill_metrics, bosh_tasks,
-- events (kind 'note'), drills (config), drill_window
-- Kept: markers inside drill_window (1 h before the injection to 1 h after the recovery), like the timeline (drill 2's
-- `bosh tasks --recent` capture lists drill 1's cck task: its rules stretched drill 2's axis back by five hours);
-- an operator's marker is always kept (they wrote it for this drill).
with cfg as (
    select r.drill, r.config, coalesce(r.timezone, 'UTC') as tz, r.date, m.injected_at
    from drills r left join drill_metrics m using (drill)
    where r.drill = $drill and json_valid(r.config) and json_type(r.config, '$.markers') = 'ARRAY'
),
operator as (
    select json_extract_string(c.config, '$.markers[' || i || '].at') as at_text,
           json_extract_string(c.config, '$.markers[' || i || '].label') as label, c.tz, c.date, c.injected_at
    from cfg c, range(json_array_length(c.config, '$.markers')::BIGINT) r(i)
),
operator_ts as (
    select case
               when regexp_matches(at_text, '^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$')
                   then timezone(tz, (coalesce(date, timezone(tz, injected_at)::DATE)
                                      + try_cast(trim(at_text) as TIME))::TIMESTAMP)
               when regexp_matches(at_text, '(Z|[+-]\d{2}:?\d{2})\s*$') then try_cast(at_text as TIMESTAMPTZ)
               else timezone(tz, try_cast(at_text as TIMESTAMP))
           end as ts,
           coalesce(label, at_text) as label
    from operator
),
x as (
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
select ts, 'operator', null, label from operator_ts where ts is not null
order by ts, key, label
