-- grain: drill
-- upstream: availability_quarterly, drill_metrics
-- The drills of one quarter with their TTD and TTR. grain: one row per drill; upstream: drill_metrics, availability_quarterly
select distinct m.drill, m.foundation, m.injected_at, m.ttd_s, m.ttr_s
from drill_metrics m
join availability_quarterly a
  on a.foundation = m.foundation and m.injected_at >= a.window_start and m.injected_at < a.window_end
where a.quarter = $quarter and ($foundation is null or m.foundation = $foundation)
order by m.injected_at
