-- grain: foundation, quarter, capability
-- upstream: availability_quarterly
-- Availability per quarter up to the chosen one (the trend), a quarter more than half unobserved marked.
-- grain: foundation x quarter x capability; upstream: availability_quarterly
select foundation, quarter, capability, availability, availability_min, availability_unplanned,
       unknown_s / window_s as unknown_share, unknown_s > window_s / 2 as mostly_unknown
from availability_quarterly
where quarter <= $quarter and ($foundation is null or foundation = $foundation)
order by foundation, capability, quarter
