-- grain: foundation, quarter, capability
-- upstream: availability_quarterly
-- Availability per quarter up to the chosen one (the trend). grain: foundation x quarter x capability
select foundation, quarter, capability, availability, availability_min, availability_unplanned
from availability_quarterly
where quarter <= $quarter and ($foundation is null or foundation = $foundation)
order by foundation, capability, quarter
