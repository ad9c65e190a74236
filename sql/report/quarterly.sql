-- The quarterly table for one quarter: availability per foundation and capability against the SLO.
-- grain: foundation x capability; upstream: availability_quarterly.
-- $slo (fraction, NULL = the table's) recomputes budget_used = downtime_s / ((1 − slo) · window_s).
select foundation, quarter, capability,
       round(availability * 100, 4) as availability_pct,
       round(availability_min * 100, 4) as availability_min_pct,
       round(availability_unplanned * 100, 4) as availability_unplanned_pct,
       coalesce($slo, slo) * 100 as slo_pct,
       window_s, downtime_s, planned_downtime_s, unknown_s,
       downtime_s / ((1 - coalesce($slo, slo)) * window_s) as budget_used,
       availability >= coalesce($slo, slo) as meets_slo
from availability_quarterly
where quarter = $quarter and ($foundation is null or foundation = $foundation)
order by foundation, capability
