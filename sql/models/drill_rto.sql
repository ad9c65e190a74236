-- model: drill_rto
-- grain: drill
-- upstream: drills, drill_metrics
-- drill_rto: TTR against the drill.toml `rto` of each drill that sets one.
-- Grain: one row per drill whose drill.toml sets `rto`.
-- rto = "60m": a DuckDB interval ("60m", "1h30m", "45 minutes") or seconds (3600).
-- rto_result: pass when ttr_s ≤ rto_s, fail when larger, NULL when there is no TTR (or the rto does not read).
CREATE OR REPLACE TABLE drill_rto AS
SELECT r.drill, json_extract_string(r.config, '$.rto') AS rto,
       epoch(try_cast(json_extract_string(r.config, '$.rto') AS INTERVAL)) AS rto_s, m.ttr_s,
       CASE WHEN m.ttr_s IS NULL OR try_cast(json_extract_string(r.config, '$.rto') AS INTERVAL) IS NULL THEN NULL
            WHEN m.ttr_s <= epoch(try_cast(json_extract_string(r.config, '$.rto') AS INTERVAL)) THEN 'pass'
            ELSE 'fail' END AS rto_result,
       m.recovered_evidence
FROM drills r JOIN drill_metrics m USING (drill)
WHERE r.config IS NOT NULL AND json_valid(r.config) AND json_extract_string(r.config, '$.rto') IS NOT NULL
ORDER BY r.drill;
