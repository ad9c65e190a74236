-- model: drill_measures
-- grain: drill, measure
-- upstream: drill_metrics, timeline, capability_metrics
-- drill_measures: what drill_comparison compares, per drill: phase durations and downtime per capability.
-- Grain: one row per (drill, measure) with a value.
-- Measures (seconds): phase durations from drill_metrics and timeline: `detection` (injected_at → detected_at =
-- TTD), `response` (detected_at, else injected_at → the first mitigation moment of the timeline), `mitigation` (the
-- first mitigation moment → recovered_at), `ttr` (TTR); and `downtime:<capability>` (capability_metrics.downtime_s).
CREATE OR REPLACE TABLE drill_measures AS
WITH d AS (
    SELECT m.drill, coalesce(m.foundation, '(unknown foundation)') AS foundation, m.injected_at, m.detected_at,
           m.recovered_at, m.ttd_s, m.ttr_s,
           (SELECT min(t.ts) FROM timeline t WHERE t.drill = m.drill AND t.phase = 'mitigation') AS mitigation_at
    FROM drill_metrics m
)
SELECT drill, foundation, injected_at, measure, sort, value_s FROM (
    SELECT drill, foundation, injected_at, 'detection' AS measure, 1 AS sort, ttd_s AS value_s FROM d
    UNION ALL
    SELECT drill, foundation, injected_at, 'response', 2, epoch(mitigation_at - coalesce(detected_at, injected_at))
    FROM d
    UNION ALL
    SELECT drill, foundation, injected_at, 'mitigation', 3, epoch(recovered_at - mitigation_at) FROM d
    UNION ALL
    SELECT drill, foundation, injected_at, 'ttr', 4, ttr_s FROM d
    UNION ALL
    SELECT c.drill, d.foundation, d.injected_at, 'downtime:' || c.capability, 10, c.downtime_s
    FROM capability_metrics c JOIN d USING (drill)
)
WHERE value_s IS NOT NULL
ORDER BY foundation, injected_at, drill, sort, measure;
