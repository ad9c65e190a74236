-- Vertical rules on the drill's charts: injection, detection, recovery, BOSH cck start/end, operator notes of power-on.
-- grain: one row per marker; upstream: drill_metrics, bosh_tasks, events (kind 'note')
-- Kept: markers from 1 h before the injection to 1 h after the recovery, as the timeline keeps its moments (drill 2's
-- `bosh tasks --recent` capture lists drill 1's cck task: its rules stretched drill 2's axis back by five hours).
with w as (
    select injected_at - interval 1 hour as a, coalesce(recovered_at, injected_at) + interval 1 hour as b
    from drill_metrics where drill = $drill
)
select min(ts) as ts, label, kind from (
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
) where ts is not null
  and (not exists (select 1 from w where a is not null) or ts between (select a from w) and (select b from w))
group by label, kind  -- a task seen in several captures is one marker
order by ts, label
