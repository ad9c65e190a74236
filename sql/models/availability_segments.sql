-- model: availability_segments
-- grain: foundation, capability, started_at
-- upstream: probes, drills, drill_metrics
-- availability_segments: the merged up / down pieces of each foundation's capability checks (feeds availability_quarterly).
-- grain: one row per (foundation, capability, piece between two consecutive observations); state in (up, down).
-- upstream: probes, drills, drill_metrics.
-- definition (CONTRACT §4, availability_quarterly): observations of all sources of a foundation are merged in time
--   order (at one instant, any failure wins); a failed check is down until the next observation (a run of failures is
--   down until the next passing check); a passing check is up for its interval (interval_s, else its source's median
--   spacing, else 60 s); whatever no piece covers is unknown. The checks are the continuous ones: a foundation
--   with a monitoring folder (drill.toml `kind = "monitoring"`) is measured by its monitoring folders only (the
--   drills' dense probe loops would skew the sampling); one without uses whatever probes its drills have. `planned_s` is the part of a down piece inside the
--   [injected_at, recovered_at] window of a drill of the same foundation (drill windows assumed not to overlap).
create or replace table availability_segments as
with folders as (
    select d.drill, coalesce(d.foundation, m.foundation) as foundation, d.timezone, d.kind,
           m.injected_at, m.recovered_at
    from drills d left join drill_metrics m using (drill)
),
monitored as (select distinct foundation from folders where kind = 'monitoring'),
raw_obs as (
    select f.foundation, p.capability, p.source_file, p.drill, p.ts, p.ok, p.interval_s,
           epoch(p.ts) - epoch(lag(p.ts) over (partition by p.drill, p.source_file, p.capability order by p.ts)) as gap_s
    from probes p join folders f using (drill)
    where p.ok is not null and f.foundation is not null
      and (f.kind = 'monitoring' or f.foundation not in (select foundation from monitored))
),
spacing as (  -- each source's median spacing (a GROUP BY and a join: cheaper than a median window)
    select drill, source_file, capability, median(gap_s) as median_gap_s
    from raw_obs group by drill, source_file, capability
),
obs as (
    select o.foundation, o.capability, o.ts, bool_and(o.ok) as ok,
           max(coalesce(o.interval_s, s.median_gap_s, 60)) as iv
    from raw_obs o
    join spacing s on s.drill = o.drill and s.source_file is not distinct from o.source_file
                  and s.capability is not distinct from o.capability
    group by o.foundation, o.capability, o.ts
),
seq as (
    select *, lead(ts) over (partition by foundation, capability order by ts) as next_ts from obs
),
pieces as (
    select foundation, capability, 'down' as state, ts as started_at,
           coalesce(next_ts, ts + to_seconds(iv)) as ended_at
    from seq where not ok
    union all
    select foundation, capability, 'up', ts, least(coalesce(next_ts, ts + to_seconds(iv)), ts + to_seconds(iv))
    from seq where ok
),
drill_windows as (
    select foundation, injected_at, recovered_at from folders
    where kind = 'drill' and injected_at is not null and recovered_at is not null
),
-- the planned part of each down piece that meets a drill window (a join and group by, not a correlated
-- subquery: Spark refuses an aggregate over outer and local columns), then joined to every piece: pieces are
-- unique per (foundation, capability, started_at), one per merged observation
planned as (
    select p.foundation, p.capability, p.started_at,
           sum(epoch(least(p.ended_at, w.recovered_at)) - epoch(greatest(p.started_at, w.injected_at))) as planned_s
    from pieces p
    join drill_windows w
        on w.foundation = p.foundation and p.state = 'down'
       and p.started_at < w.recovered_at and p.ended_at > w.injected_at
    group by p.foundation, p.capability, p.started_at
)
select p.foundation, p.capability, p.state, p.started_at, p.ended_at, coalesce(pl.planned_s, 0) as planned_s
from pieces p
left join planned pl
    on pl.foundation = p.foundation and pl.capability is not distinct from p.capability
   and pl.started_at is not distinct from p.started_at and p.state = 'down'
order by foundation, capability, started_at;
