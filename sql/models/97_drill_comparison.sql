-- drill_measures / drill_comparison: drills of the same foundation side by side, and what improved or regressed.
-- Grain: drill_measures one row per (drill, measure); drill_comparison one row per (drill, measure) of every drill
-- that has an earlier drill of its foundation (compared with the drill just before it, by injected_at).
-- Upstream: drill_metrics, timeline, capability_metrics.
-- Measures (seconds): phase durations from drill_metrics and timeline: `detection` (injected_at → detected_at =
-- TTD), `response` (detected_at, else injected_at → the first mitigation moment of the timeline), `mitigation` (the
-- first mitigation moment → recovered_at), `ttr` (TTR); and `downtime:<capability>` (capability_metrics.downtime_s).
-- verdict: improved (shorter) or regressed (longer) when the change is at least 60 s and at least 10 % of the
-- earlier value; unchanged otherwise; `not observed` / `not observed before` when only one of the two has it.
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

CREATE OR REPLACE TABLE drill_comparison AS
WITH seq AS (
    SELECT drill, foundation, injected_at,
           lag(drill) OVER (PARTITION BY foundation ORDER BY injected_at, drill) AS previous_drill
    FROM (SELECT DISTINCT drill, foundation, injected_at FROM drill_measures)
),
pairs AS (
    SELECT s.foundation, s.drill, s.previous_drill, s.injected_at, coalesce(a.measure, b.measure) AS measure,
           coalesce(a.sort, b.sort) AS sort, a.value_s, b.value_s AS previous_s
    FROM seq s
    JOIN drill_measures b ON b.drill = s.previous_drill
    LEFT JOIN drill_measures a ON a.drill = s.drill AND a.measure = b.measure
    WHERE s.previous_drill IS NOT NULL
    UNION ALL  -- measures only the later drill has
    SELECT s.foundation, s.drill, s.previous_drill, s.injected_at, a.measure, a.sort, a.value_s, NULL
    FROM seq s JOIN drill_measures a ON a.drill = s.drill
    WHERE s.previous_drill IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM drill_measures b WHERE b.drill = s.previous_drill AND b.measure = a.measure)
)
SELECT foundation, drill, previous_drill, measure, sort, value_s, previous_s, value_s - previous_s AS delta_s,
       CASE WHEN value_s IS NULL THEN 'not observed'
            WHEN previous_s IS NULL THEN 'not observed before'
            WHEN abs(value_s - previous_s) >= greatest(60, 0.1 * previous_s)
                THEN CASE WHEN value_s < previous_s THEN 'improved' ELSE 'regressed' END
            ELSE 'unchanged' END AS verdict
FROM pairs
WHERE drill IS NOT NULL
ORDER BY foundation, injected_at, drill, sort, measure;
