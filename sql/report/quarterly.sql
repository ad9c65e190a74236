-- grain: foundation, capability
-- upstream: availability_quarterly
-- The quarterly table for one quarter: availability per foundation and capability against the SLO.
-- grain: foundation x capability; upstream: availability_quarterly.
-- mostly_unknown: more than half of the window unobserved (availability counts unknown as up; see availability_min).
-- $slo (fraction, NULL = the table's) recomputes budget_used = downtime_s / ((1 − slo) · window_s).
select foundation, quarter, capability,
       round(availability * 100, 4) as availability_pct,
       round(availability_min * 100, 4) as availability_min_pct,
       round(availability_unplanned * 100, 4) as availability_unplanned_pct,
       coalesce($slo, slo) * 100 as slo_pct,
       cast(window_s as bigint) as window_s, cast(downtime_s as bigint) as downtime_s,
       cast(planned_downtime_s as bigint) as planned_downtime_s, cast(unknown_s as bigint) as unknown_s,
       round(downtime_s / ((1 - coalesce($slo, slo)) * window_s), 6) as budget_used,
       availability >= coalesce($slo, slo) as meets_slo,
       round(unknown_s / window_s, 6) as unknown_share,
       unknown_s > window_s / 2 as mostly_unknown  -- its availability says little: most of it was not observed
from availability_quarterly
where quarter = $quarter and ($foundation is null or foundation = $foundation)
order by foundation, capability
