-- Healthwatch series of one drill for the small multiples; gaps stay gaps (a row per present sample only).
-- grain: one row per sample; upstream: metrics
select ts, metric, value, coalesce(interval_s, 60) as interval_s
from metrics where drill = $drill
order by metric, ts
