-- grain: label
-- upstream: bosh_tasks, drill_metrics, drill_window, events
-- Vertical rules on the drill's charts: injection, detection, recovery, BOSH cck start/end, operator notes of power-on.
-- grain: one row per marker; upstream: drill_metrics, bosh_tasks, events (kind 'note'), drill_window
-- Kept: markers inside drill_window (1 h before the injection to 1 h after the recovery), like the timeline (drill 2's
-- `bosh tasks --recent` capture lists drill 1's cck task: its rules stretched drill 2's axis back by five hours).
select min(x.ts) as ts, x.label, x.kind from (
    select injected_at as ts, 'injection' as label, 'injection' as kind from drill_metrics where drill = $drill
    union all
    select detected_at, 'detection', 'detection' from drill_metrics where drill = $drill
    union all
    select recovered_at, 'recovery', 'recovered' from drill_metrics where drill = $drill
    union all
    select started_at, 'cck ' || task_id || ' start', 'mitigation' from bosh_tasks
    where drill = $drill and description = 'apply resolutions'
    union all
    select ended_at, 'cck ' || task_id || ' end', 'mitigation' from bosh_tasks
    where drill = $drill and description = 'apply resolutions'
    union all
    select min(ts), 'power on', 'mitigation' from events
    where drill = $drill and kind = 'note'
      and regexp_matches(lower(message), '(power(ed)? on|기동|재기동|restart|boot)')
) x
left join drill_window w on w.drill = $drill
where x.ts is not null and (w.window_from is null or x.ts between w.window_from and w.window_to)
group by x.label, x.kind  -- a task seen in several captures is one marker
order by ts, x.label
