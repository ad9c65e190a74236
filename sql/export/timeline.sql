-- grain: drill, ts, timestamp_desc, source_file, source_line
-- upstream: alerts, bosh_tasks, events, probes
-- The unified timeline for export: every timed row of every source, one line each.
-- grain: one row per events / probes / alerts / bosh_tasks (start and end) row; upstream: those tables.
-- timestamp_desc says what the instant means (plaso/Timesketch convention): the row's ts_role or kind.
select * from (
    select drill, ts, coalesce(ts_role, 'logged') || coalesce(' (' || kind || ')', '') as timestamp_desc, source_type, kind,
           coalesce(severity, '') as severity, coalesce(capability, '') as capability, message,
           source_file, source_line
    from events where ts is not null
    union all
    select drill, ts, 'probe run', source_type, 'probe', case when ok then 'info' when ok is null then 'info' else 'error' end,
           capability,
           capability || ' ' || coalesce(status, case when ok then 'ok' else 'failed' end) || coalesce(': ' || detail, ''),
           source_file, source_line
    from probes where ts is not null
    union all
    -- a forwarded or replied mail is a notification with no state: its ts is when it was sent
    select drill, ts, coalesce('alert ' || state, coalesce(kind, 'mail') || ' sent'), source_type, 'alert', coalesce(severity, ''), '',
           coalesce(subject, alert), source_file, source_line
    from alerts where ts is not null
    union all
    select drill, started_at, 'task started', source_type, 'bosh_task', '', '',
           'bosh task ' || task_id || ' ' || coalesce(description, '') || ' started', source_file, source_line
    from bosh_tasks where started_at is not null
    union all
    select drill, ended_at, 'task finished', source_type, 'bosh_task', '', '',
           'bosh task ' || task_id || ' ' || coalesce(description, '') || ' ' || coalesce(state, 'ended'),
           source_file, source_line
    from bosh_tasks where ended_at is not null
)
where $drills is null or list_contains($drills, drill)
order by ts, drill, source_file, source_line
