-- grain: quarter
-- upstream: availability_quarterly
-- The quarters with availability data, for the index's links to the quarterly pages. grain: one row per quarter;
-- upstream: availability_quarterly
select quarter, count(distinct foundation) as foundations, bool_or(unknown_s > window_s / 2) as any_mostly_unknown
from availability_quarterly
group by quarter
order by quarter
