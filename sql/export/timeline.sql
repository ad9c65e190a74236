-- grain: drill, ts, timestamp_desc, source_file, source_line
-- upstream: alerts, bosh_tasks, drill_metrics, events, operator_markers, outages, probes
-- The unified timeline for export: every timed row of every source, one line each, plus the drill's milestones
-- (injection, detection, notification, recovery), one row per outage start and end, so a timeline tool shows the verdicts
-- beside the evidence, and the operators' own drill.toml `[[markers]]`.
-- timestamp_desc says what the instant means (plaso/Timesketch convention): the row's ts_role or kind, `drill
-- injection` … for the milestones, `outage start` / `outage end` for the outages, `operator marker` for a marker
-- (message `marker: <label>`, source_file drill.toml, no line). severity is one scale
-- (critical, error, warning, info): BOSH health-monitor numbers 1 (alert), 2 (critical), 3 (error), 4 (warning).
with ms as (
    select drill, ts, what, ref from (
        select drill, injected_at as ts, 'injection' as what, injected_evidence as ref, 1 as k from drill_metrics
        union all select drill, detected_at, 'detection', detected_evidence, 2 from drill_metrics
        union all select drill, notified_at, 'notification', notified_evidence, 3 from drill_metrics
        union all select drill, recovered_at, 'recovery', recovered_evidence, 4 from drill_metrics
    ) where ts is not null
),
edges as (
    select drill, started_at as ts, 'outage start' as what, 'error' as severity, capability, start_evidence as ref,
           capability || ' down' || case when open then ' (still down at the end of the data)' else
           ' ' || cast(round(duration_s) as bigint) || ' s (until ' || strftime(ended_at, '%Y-%m-%dT%H:%M:%SZ') || ')' end
           as message
    from outages
    union all
    select drill, ended_at, 'outage end', 'info', capability, end_evidence,
           capability || ' up again after ' || cast(round(duration_s) as bigint) || ' s down'
    from outages where not open
)
select * from (
    select drill, ts, coalesce(ts_role, 'logged') || coalesce(' (' || kind || ')', '') as timestamp_desc, source_type, kind,
           case severity when '1' then 'critical' when '2' then 'critical' when '3' then 'error'
                when '4' then 'warning' else coalesce(severity, '') end as severity,
           coalesce(capability, '') as capability, coalesce(message, kind) as message,
           source_file, source_line
    from events where ts is not null
    union all
    select drill, ts, 'probe run', source_type, 'probe', case when ok then 'info' when ok is null then 'info' else 'error' end,
           coalesce(capability, ''),
           coalesce(capability, 'probe') || ' ' || coalesce(status, case when ok then 'ok' else 'failed' end)
           || coalesce(': ' || detail, ''),
           source_file, source_line
    from probes where ts is not null
    union all
    -- a forwarded or replied mail is a notification with no state: its ts is when it was sent
    select drill, ts, coalesce('alert ' || state, coalesce(kind, 'mail') || ' sent'), source_type, 'alert', coalesce(severity, ''), '',
           coalesce(subject, alert, kind, 'mail'), source_file, source_line
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
    union all
    select drill, ts, 'drill ' || what, 'drillscope', 'milestone', '', '', 'drill ' || what || coalesce(' (' || ref || ')', ''),
           coalesce(nullif(regexp_extract(ref, '^(.*):\d+$', 1), ''), ref), try_cast(regexp_extract(ref, ':(\d+)$', 1) as bigint)
    from ms
    union all
    select drill, ts, what, 'drillscope', 'outage', severity, capability, message,
           coalesce(nullif(regexp_extract(ref, '^(.*):\d+$', 1), ''), ref), try_cast(regexp_extract(ref, ':(\d+)$', 1) as bigint)
    from edges where ts is not null
    union all
    select drill, ts, 'operator marker', 'drill.toml', 'marker', '', '', 'marker: ' || label, 'drill.toml', null
    from operator_markers where ts is not null
)
where $drills is null or list_contains($drills, drill)
order by ts, drill, source_file, source_line
