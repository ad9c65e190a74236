-- model: drill_comparison
-- grain: drill, measure
-- upstream: drill_measures
-- drill_comparison: drills of the same foundation side by side, and what improved or regressed.
-- Grain: one row per (drill, measure) of every drill that has an earlier drill of its foundation (compared with
-- the drill just before it, by injected_at).
-- verdict: improved (shorter) or regressed (longer) when the change is at least 60 s and at least 10 % of the
-- earlier value; unchanged otherwise; `not observed` / `not observed before` when only one of the two has it.
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
