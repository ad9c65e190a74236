-- BOSH tasks of one drill for the Gantt chart, from 1 h before the injection to 1 h after the recovery
-- (a `bosh tasks --recent` listing also holds last week's tasks). grain: one row per task; upstream: bosh_tasks
with w as (
    select injected_at - interval 1 hour as a, coalesce(recovered_at, injected_at) + interval 1 hour as b
    from drill_metrics where drill = $drill
)
select task_id, coalesce(description, 'task') as description, coalesce(state, '') as state, started_at,
       coalesce(ended_at, started_at) as ended_at, source_file
from bosh_tasks where drill = $drill and started_at is not null
  and (not exists (select 1 from w where a is not null) or started_at between (select a from w) and (select b from w))
qualify row_number() over (partition by task_id order by (ended_at is null), source_file) = 1
order by started_at
