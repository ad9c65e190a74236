-- grain: drill
-- upstream: drill_metrics
-- A recovery before the injection.
-- Grain: one row per offending drill.
-- Upstream: drill_metrics.
-- CONTRACT §4: ttr_s = recovered_at − injected_at must not be negative.
SELECT drill, injected_at, injected_evidence, recovered_at, recovered_evidence, ttr_s
FROM drill_metrics
WHERE recovered_at < injected_at
ORDER BY drill;
