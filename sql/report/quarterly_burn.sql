-- grain: foundation, capability, day_end
-- upstream: availability_quarterly, availability_segments
-- Error-budget burn-down over one quarter: budget left at the end of each day, per foundation and capability.
-- grain: foundation x capability x day; upstream: availability_quarterly, availability_segments, drills.
-- budget = (1 − slo) · window_s; left = budget − downtime so far (unplanned and planned alike).
with q as (
    select foundation, capability, window_start, window_end,
           (1 - coalesce($slo, slo)) * window_s as budget_s
    from availability_quarterly
    where quarter = $quarter and ($foundation is null or foundation = $foundation)
),
days as (
    select q.*, unnest(generate_series(q.window_start + interval 1 day, q.window_end, interval 1 day)) as day_end
    from q
)
select d.foundation, d.capability, d.day_end,
       d.budget_s - coalesce(sum(
           epoch(least(s.ended_at, d.day_end)) - epoch(greatest(s.started_at, d.window_start))
       ) filter (where s.started_at < d.day_end), 0) as budget_left_s,
       d.budget_s
from days d
left join availability_segments s
  on s.foundation = d.foundation and s.capability = d.capability and s.state = 'down'
 and s.ended_at > d.window_start and s.started_at < d.window_end
group by d.foundation, d.capability, d.day_end, d.budget_s
order by d.foundation, d.capability, d.day_end
