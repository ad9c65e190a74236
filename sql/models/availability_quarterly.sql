-- model: availability_quarterly
-- grain: foundation, quarter, capability
-- upstream: availability_segments, drills, drill_metrics
-- availability_quarterly: availability per foundation, calendar quarter and capability, with bounds and error budget.
-- grain: one row per (foundation, quarter, capability) for every quarter between the foundation's first and last check.
-- upstream: availability_segments, drills, drill_metrics.
-- definition (CONTRACT §4): availability = 1 − downtime_s / window_s over the quarter; budget_used =
--   downtime_s / ((1 − slo) · window_s). Quarters are calendar quarters in the foundation's time zone (the zone of
--   its monitoring folder, else of its drills), so window_s follows DST (Q1 2019 in New York is 1 h short). Pieces
--   crossing a quarter boundary are split at it. unknown_s = window_s − down − up (gaps, and time before the first
--   or after the last check); availability_min counts unknown as down, availability_max (= availability) as up;
--   availability_unplanned leaves out downtime inside drill windows (planned_downtime_s).
--   slo: `slo` of the foundation's monitoring drill.toml, else 0.999; `drillscope quarterly --slo` recomputes.
create or replace table availability_quarterly as
with folders as (
    select d.drill, coalesce(d.foundation, m.foundation) as foundation, d.timezone, d.kind,
           try_cast(json_extract_string(d.config, '$.slo') as double) as slo
    from drills d left join drill_metrics m using (drill)
),
foundations as (
    select foundation,
           coalesce(max(timezone) filter (where kind = 'monitoring'), max(timezone)) as tz,
           coalesce(max(slo) filter (where kind = 'monitoring'), 0.999) as slo
    from folders where foundation is not null group by foundation
),
bounds as (
    select s.foundation, f.tz, f.slo, min(s.started_at) as first_ts, max(s.started_at) as last_ts
    from availability_segments s join foundations f using (foundation) group by all
),
quarters as (
    select b.foundation, b.slo, q.local_start,
           timezone(b.tz, q.local_start::timestamp) as q_start,
           timezone(b.tz, (q.local_start + interval 3 month)::timestamp) as q_end
    from bounds b,
         lateral (
             select unnest(generate_series(
                 date_trunc('quarter', timezone(b.tz, b.first_ts::timestamptz)),
                 date_trunc('quarter', timezone(b.tz, b.last_ts::timestamptz)),
                 interval 3 month)) as local_start
         ) q
),
caps as (select distinct foundation, capability from availability_segments),
clipped as (
    select q.foundation, q.local_start, s.capability, s.state,
           epoch(least(s.ended_at, q.q_end)) - epoch(greatest(s.started_at, q.q_start)) as dur_s,
           -- the planned part of a piece, in proportion when the piece is cut at the boundary
           s.planned_s * (epoch(least(s.ended_at, q.q_end)) - epoch(greatest(s.started_at, q.q_start)))
               / nullif(epoch(s.ended_at) - epoch(s.started_at), 0) as planned_s
    from availability_segments s
    join quarters q on q.foundation = s.foundation and s.started_at < q.q_end and s.ended_at > q.q_start
),
per_q as (
    select q.foundation, q.local_start, q.q_start, q.q_end, q.slo, k.capability,
           epoch(q.q_end) - epoch(q.q_start) as window_s,
           coalesce(sum(c.dur_s) filter (where c.state = 'down'), 0) as downtime_s,
           coalesce(sum(c.dur_s) filter (where c.state = 'up'), 0) as up_s,
           coalesce(sum(c.planned_s) filter (where c.state = 'down'), 0) as planned_s
    from quarters q join caps k using (foundation)
    left join clipped c on c.foundation = q.foundation and c.local_start = q.local_start and c.capability = k.capability
    group by all
)
select foundation,
       strftime(local_start, '%Y') || 'Q' || cast(quarter(local_start) as varchar) as quarter,
       capability,
       q_start as window_start, q_end as window_end,
       window_s, downtime_s,
       planned_s as planned_downtime_s,
       window_s - downtime_s - up_s as unknown_s,
       1 - downtime_s / window_s as availability,
       1 - (window_s - up_s) / window_s as availability_min,
       1 - downtime_s / window_s as availability_max,
       1 - (downtime_s - planned_s) / window_s as availability_unplanned,
       slo,
       downtime_s / ((1 - slo) * window_s) as budget_used
from per_q
order by foundation, quarter, capability;
