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
refs as (
    select 'injected_at' as what, injected_evidence as ref from drill_metrics where drill = $drill
    union all select 'detected_at', detected_evidence from drill_metrics where drill = $drill
    union all select 'recovered_at', recovered_evidence from drill_metrics where drill = $drill
    union all select capability || ' down', start_evidence from shown_outages
    union all select capability || ' restored', end_evidence from shown_outages
    union all select 'finding: ' || rule, evidence from findings where drill = $drill
    union all select 'plan: ' || step, evidence from plan_steps where drill = $drill
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
    select source_file || ':' || source_line, ts, coalesce(instance, '?') || ' (' || coalesce(az, '-') || ') '
           || coalesce(process_state, '')
    from vm_states where drill = $drill
    union all
    select source_file || ':' || source_line, ts, metric || ' = ' || value from metrics where drill = $drill
)
select r.what, r.ref, min(x.ts) as ts, string_agg(distinct x.text, ' | ') as text
from refs r left join rows_ x on x.ref = r.ref
where r.ref is not null
group by r.what, r.ref
order by min(x.ts) nulls last, r.what
