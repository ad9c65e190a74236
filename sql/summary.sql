-- grain: drill
-- upstream: capability_metrics, drill_metrics, stg_drills
-- summary: one row per drill for `drillscope run`: its key instants in the drill's time zone, TTD, TTR and
-- the downtime per capability; TTN (time to notify: the detecting mail's arrival) beside TTD; a note when the
-- injection was inferred from the first alert (TTD 0 by construction).
-- Grain: one row per drill (drill_metrics: monitoring folders are no drills).
-- Upstream: drill_metrics, capability_metrics, stg_drills.
-- CONTRACT §4: ttd_s and ttr_s (shown as mm:ss, minutes may pass 59), downtime_s per capability (shown as
-- XmYYs, XhYYmZZs past an hour); instants as 'YYYY-MM-DD HH:MM:SS' wall-clock time in the drill's `timezone`.
WITH fmt AS (
    SELECT d.drill, d.timezone, m.injected_at, m.injected_by, m.detected_at, m.notified_at, m.recovered_at,
           m.ttd_s, m.ttn_s, m.ttr_s
    FROM drill_metrics m JOIN stg_drills d USING (drill)
),
downtime AS (
    SELECT drill,
           string_agg(capability || ' ' || CASE
                WHEN round(downtime_s) >= 3600 THEN
                    printf('%dh%02dm%02ds', round(downtime_s)::BIGINT // 3600,
                           (round(downtime_s)::BIGINT % 3600) // 60, round(downtime_s)::BIGINT % 60)
                ELSE printf('%dm%02ds', round(downtime_s)::BIGINT // 60, round(downtime_s)::BIGINT % 60) END,
                ', ' ORDER BY downtime_s DESC, capability) AS downtime
    FROM capability_metrics
    GROUP BY drill
)
SELECT f.drill,
       f.timezone,
       strftime(timezone(f.timezone, f.injected_at), '%Y-%m-%d %H:%M:%S')
           || CASE WHEN f.injected_by = 'inferred' THEN ' (inferred)' ELSE '' END AS injected,
       strftime(timezone(f.timezone, f.detected_at), '%Y-%m-%d %H:%M:%S') AS detected,
       CASE WHEN f.ttd_s IS NOT NULL THEN
           CASE WHEN f.ttd_s < 0 THEN '-' ELSE '' END
           || printf('%02d:%02d', floor(abs(f.ttd_s))::BIGINT // 60, floor(abs(f.ttd_s))::BIGINT % 60) END AS ttd,
       strftime(timezone(f.timezone, f.notified_at), '%Y-%m-%d %H:%M:%S') AS notified,
       CASE WHEN f.ttn_s IS NOT NULL THEN
           CASE WHEN f.ttn_s < 0 THEN '-' ELSE '' END
           || printf('%02d:%02d', floor(abs(f.ttn_s))::BIGINT // 60, floor(abs(f.ttn_s))::BIGINT % 60) END AS ttn,
       strftime(timezone(f.timezone, f.recovered_at), '%Y-%m-%d %H:%M:%S') AS recovered,
       CASE WHEN f.ttr_s IS NOT NULL THEN
           CASE WHEN f.ttr_s < 0 THEN '-' ELSE '' END
           || printf('%02d:%02d', floor(abs(f.ttr_s))::BIGINT // 60, floor(abs(f.ttr_s))::BIGINT % 60) END AS ttr,
       coalesce(dt.downtime, '') AS downtime,
       CASE WHEN f.injected_by = 'inferred' AND f.ttd_s = 0
            THEN 'injection inferred from the first alert (TTD 0): set injected_at in drill.toml' ELSE '' END AS note
FROM fmt f LEFT JOIN downtime dt USING (drill)
ORDER BY f.injected_at NULLS LAST, f.drill;
