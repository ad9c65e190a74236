-- grain: capability, state, started_at
-- upstream: drill_metrics, outages, probes
-- Capability swimlanes for one drill: observed coverage, outages, and the drill window.
-- grain: one row per (capability, interval, state); state in ('window', 'observed', 'down'). Observed intervals and
-- outages are drawn merged where less than 1/2000 of the window apart (under a pixel: the same picture, a few
-- rectangles instead of one per observation or per failed request; a busy app's `cf logs` gave 70 k outages and a
-- 100 MB page); a merged outage keeps the evidence of its first.
-- upstream: probes, outages, drill_metrics
-- definition: an observation covers [ts, ts + interval) where interval is the probe's interval_s, else the
-- median spacing of its source's observations (CONTRACT §4 "unknown"); down intervals are the outages.
with d as (
    select drill, injected_at, recovered_at from drill_metrics where drill = $drill
),
obs as (
    select p.capability, p.source_file, p.ts, p.interval_s,
           epoch(p.ts) - epoch(lag(p.ts) over (partition by p.capability, p.source_file order by p.ts)) as gap_s
    from probes p
    where p.drill = $drill and p.ok is not null
),
cov as (
    select capability, ts as started_at,
           ts + to_seconds(coalesce(interval_s, median(gap_s) over (partition by capability, source_file), 60)) as ended_at,
           null as evidence
    from obs
),
win as (
    select least(coalesce(d.injected_at, (select min(started_at) from cov)), (select min(started_at) from cov)) as a,
           greatest(coalesce(d.recovered_at, (select max(ended_at) from cov)), (select max(ended_at) from cov)) as b
    from d
),
tol as (select to_microseconds(((epoch_us(b) - epoch_us(a)) / 2000)::BIGINT) as t from win),
pieces as (
    select 'observed' as state, capability, started_at, ended_at, evidence from cov
    union all
    select 'down', capability, started_at, ended_at, start_evidence from outages where drill = $drill
),
marked as (
    select *, max(ended_at) over (partition by state, capability order by started_at, ended_at
                                  rows between unbounded preceding and 1 preceding) as prev_end
    from pieces
),
merged as (
    select state, capability, min(started_at) as started_at, max(ended_at) as ended_at,
           arg_min(evidence, started_at) as evidence
    from (select *, sum(case when prev_end is null
                              or started_at > prev_end + coalesce((select t from tol), interval 0 second)
                             then 1 else 0 end)
                        over (partition by state, capability order by started_at, ended_at
                              rows between unbounded preceding and current row) as piece
          from marked)
    group by state, capability, piece
),
caps as (select distinct capability from probes where drill = $drill and ok is not null)
select c.capability, 'window' as state, w.a as started_at, w.b as ended_at, null as evidence
from caps c cross join win w
union all
select capability, state, started_at, ended_at, evidence from merged
order by capability, state, started_at
