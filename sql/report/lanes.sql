-- Capability swimlanes for one drill: observed coverage, outages, and the drill window.
-- grain: one row per (capability, interval, state); state in ('window', 'observed', 'down'); observed intervals
-- are merged where they touch or overlap
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
           ts + to_seconds(coalesce(interval_s, median(gap_s) over (partition by capability, source_file), 60)) as ended_at
    from obs
),
-- consecutive coverage merged into islands (the same picture, a few rectangles instead of one per observation:
-- a day of 30 s checks is thousands of them)
cov_marked as (
    select *, max(ended_at) over (partition by capability order by started_at, ended_at
                                  rows between unbounded preceding and 1 preceding) as prev_end
    from cov
),
islands as (
    select capability, min(started_at) as started_at, max(ended_at) as ended_at
    from (select *, sum(case when prev_end is null or started_at > prev_end then 1 else 0 end)
                        over (partition by capability order by started_at, ended_at
                              rows between unbounded preceding and current row) as island
          from cov_marked)
    group by capability, island
),
caps as (select distinct capability from probes where drill = $drill and ok is not null)
select c.capability, 'window' as state,
       least(coalesce(d.injected_at, (select min(started_at) from cov)), (select min(started_at) from cov)) as started_at,
       greatest(coalesce(d.recovered_at, (select max(ended_at) from cov)), (select max(ended_at) from cov)) as ended_at,
       null as evidence
from caps c cross join d
union all
select capability, 'observed', started_at, ended_at, null from islands
union all
select capability, 'down', started_at, ended_at, start_evidence from outages where drill = $drill
order by capability, state, started_at
