-- grain: metric, ts
-- upstream: drill_window, metrics
-- Healthwatch series of one drill for the small multiples, from 1 h before the injection to 1 h after the recovery;
-- gaps stay gaps (a row per present sample only).
-- grain: one row per sample; a metric with more than 2,000 samples in the window (a day of a whole foundation's
-- indicators) is averaged into 400 buckets of equal width placed at their centres, interval_s = the bucket width, so
-- the chart draws a few hundred points, not millions (vl-convert ran out of memory on 2 M), and an empty bucket
-- still breaks the line.
-- upstream: metrics, drill_window
with m as (
    select ts, metric, value, coalesce(interval_s, 60) as interval_s
    from metrics left join drill_window w using (drill)
    where drill = $drill and ts is not null and (w.window_from is null or ts between w.window_from and w.window_to)
),
per_metric as (
    select metric, count(*) as n, min(ts) as t0,
           greatest((epoch_us(max(ts)) - epoch_us(min(ts))) / 400.0 / 1e6, max(interval_s)) as width_s
    from m group by metric
),
bucketed as (
    select m.metric, least(floor((epoch_us(m.ts) - epoch_us(p.t0)) / 1e6 / p.width_s), 399) as k, p.t0, p.width_s,
           m.value  -- (the last sample sits on the end of bucket 399)
    from m join per_metric p using (metric)
    where p.n > 2000
)
select ts, metric, value, interval_s
from m join per_metric p using (metric)
where p.n <= 2000
union all
select t0 + to_microseconds(((k + 0.5) * width_s * 1e6)::BIGINT) as ts, metric, avg(value) as value,
       any_value(width_s) as interval_s
from bucketed
group by metric, k, t0, width_s
order by metric, ts
