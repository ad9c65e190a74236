-- grain: capability
-- upstream: capability_metrics
-- Per-capability figures of one drill for the summary table. grain: drill x capability; upstream: capability_metrics
select capability, first_failure_at, restored_at, downtime_s, availability, known_up_s, known_down_s, unknown_s,
       availability_min, availability_max
from capability_metrics where drill = $drill order by capability
