-- BOSH tasks of one drill for the Gantt chart. grain: one row per task; upstream: bosh_tasks
select task_id, coalesce(description, 'task') as description, coalesce(state, '') as state, started_at,
       coalesce(ended_at, started_at) as ended_at, source_file
from bosh_tasks where drill = $drill and started_at is not null
qualify row_number() over (partition by task_id order by (ended_at is null), source_file) = 1
order by started_at
