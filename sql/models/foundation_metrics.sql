-- model: foundation_metrics
-- grain: foundation
-- upstream: drill_metrics
-- foundation_metrics: MTTR per foundation: the number of drills and the mean, min and max of their ttr_s.
-- Grain: one row per foundation (NULL when neither drill.toml nor the BOSH logs name it).
-- CONTRACT §4 (recovered_at): "MTTR is the mean of ttr_s over drills" (drills without a ttr_s are counted in
-- drills but not in the mean).
CREATE OR REPLACE VIEW foundation_metrics AS
SELECT foundation, count(*) AS drills, count(ttr_s) AS drills_recovered,
       avg(ttr_s) AS mttr_s, min(ttr_s) AS min_ttr_s, max(ttr_s) AS max_ttr_s,
       avg(ttd_s) AS mttd_s
FROM drill_metrics
GROUP BY foundation
ORDER BY foundation;
