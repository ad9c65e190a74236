-- grain: drill, capability, source_file
-- upstream: drill_metrics, stg_observations
-- A source still failing after recovered_at: a failed observation after recovered_at with no later passing one
-- in the same source (file) for that capability, i.e. the source never saw the capability come back.
-- Grain: one row per offending (drill, capability, source_file): its first such failure.
-- Upstream: stg_observations, drill_metrics.
-- CONTRACT §4 (outage, recovered_at): an open outage ends at recovered_at, which is only sound when every source
-- has seen the capability pass again by then (or stops observing before it).
SELECT o.drill, o.capability, o.source_file, min(o.ts) AS failing_at, arg_min(o.source_line, o.ts) AS source_line,
       any_value(m.recovered_at) AS recovered_at
FROM stg_observations o
JOIN drill_metrics m USING (drill)
WHERE NOT o.ok AND o.ts > m.recovered_at
  AND NOT EXISTS (SELECT 1 FROM stg_observations p
                  WHERE p.drill = o.drill AND p.capability = o.capability AND p.source_file = o.source_file
                    AND p.ok AND p.ts > o.ts)
GROUP BY o.drill, o.capability, o.source_file
ORDER BY o.drill, o.capability, o.source_file;
