-- The event timeline of one drill: its events from 1 h before the injection to 1 h after the recovery.
-- grain: one row per events row; upstream: events, drill_metrics
with w as (
    select injected_at - interval 1 hour as a, coalesce(recovered_at, injected_at) + interval 1 hour as b
    from drill_metrics where drill = $drill
)
select ts, source_type, kind, coalesce(severity, '') as severity, message, source_file, source_line
from events where drill = $drill and ts is not null
  and (not exists (select 1 from w where a is not null) or ts between (select a from w) and (select b from w))
order by ts, source_file, source_line
