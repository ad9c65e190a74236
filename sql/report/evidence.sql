-- grain: what, ref
-- upstream: alerts, bosh_tasks, drill_metrics, events, findings, metrics, outages, plan_steps, probes, vm_states
-- What the log says at each evidence reference of one drill (metric -> file:line).
-- grain: one row per (reference, matching row); upstream: drill_metrics, outages, findings, plan_steps, events, probes,
-- alerts, bosh_tasks, vm_states, metrics
-- Past 500 outages only the first and last 250 are looked up (the timeline table shows those; all stay in `outages`).
with shown_outages as (
    select * from (
        select *, row_number() over (order by started_at, capability) as k, count(*) over () as n
        from outages where drill = $drill
    ) where n <= 500 or k <= 250 or k > n - 250
),
refs as (  -- `at`: the instant the reference stands for (a row that shows two instants, such as a `bosh tasks` row
           -- with its start and end, is shown at that one)
    select 'injected_at' as what, injected_evidence as ref, injected_at as at from drill_metrics where drill = $drill
    union all select 'detected_at', detected_evidence, detected_at from drill_metrics where drill = $drill
    union all select 'notified_at', notified_evidence, notified_at from drill_metrics where drill = $drill
    union all select 'recovered_at', recovered_evidence, recovered_at from drill_metrics where drill = $drill
    union all select capability || ' down', start_evidence, started_at from shown_outages
    union all select capability || ' restored', end_evidence, ended_at from shown_outages
    union all select 'finding: ' || rule, evidence, ts from findings where drill = $drill
    union all select 'plan: ' || step, evidence, observed_at from plan_steps where drill = $drill
),
rows_ as (
    select source_file || ':' || source_line as ref, ts, message as text from events where drill = $drill
    union all
    select source_file || ':' || source_line, ts,
           capability || ' ' || case when ok then 'ok' else 'FAILED' end || coalesce(' — ' || detail, '')
    from probes where drill = $drill
    union all
    select source_file || ':' || source_line, ts, state || ': ' || subject from alerts where drill = $drill
    union all
    select source_file || ':' || source_line, started_at,
           'bosh task ' || task_id || ' ' || coalesce(state, '') || ': ' || coalesce(description, '')
           || coalesce(' — ' || result, '')
    from bosh_tasks where drill = $drill
    union all
    select source_file || ':' || coalesce(end_line, source_line), ended_at,
           'bosh task ' || task_id || ' ended' || coalesce(' (' || state || ')', '') || ': ' || coalesce(description, '')
           || coalesce(' — ' || result, '')
    from bosh_tasks where drill = $drill and ended_at is not null
    union all
    select source_file || ':' || source_line, ts, coalesce(instance, '?') || ' (' || coalesce(az, '-') || ') '
           || coalesce(process_state, '')
    from vm_states where drill = $drill
    union all
    select source_file || ':' || source_line, ts, metric || ' = ' || value from metrics where drill = $drill
)
select r.what, r.ref,
       coalesce(min(x.ts) filter (where x.ts = r.at), min(x.ts)) as ts,
       coalesce(string_agg(distinct x.text, ' | ') filter (where x.ts = r.at), string_agg(distinct x.text, ' | ')) as text
from refs r left join rows_ x on x.ref = r.ref
where r.ref is not null
group by r.what, r.ref, r.at
order by ts nulls last, r.what
