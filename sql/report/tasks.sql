-- grain: task_id
-- upstream: bosh_tasks, drill_window
-- BOSH tasks of one drill for the Gantt chart, from 1 h before the injection to 1 h after the recovery
-- (drill_window: a `bosh tasks --recent` listing also holds last week's tasks). grain: one row per task;
-- upstream: bosh_tasks, drill_window
select task_id, coalesce(description, 'task') as description, coalesce(state, '') as state, started_at,
       coalesce(ended_at, started_at) as ended_at, source_file
from bosh_tasks t left join drill_window w using (drill)
where t.drill = $drill and started_at is not null
  and (w.window_from is null or started_at between w.window_from and w.window_to)
qualify row_number() over (partition by task_id order by (ended_at is null), source_file) = 1
order by started_at
