-- model: drill_metrics
-- grain: drill
-- upstream: stg_drills, stg_alerts, drill_recovery
-- drill_metrics: per drill, injection, detection and recovery with TTD/TTR and their evidence (CONTRACT §3).
-- Grain: one row per drill (monitoring folders, kind = 'monitoring', are no drills and have no row).
-- CONTRACT §4: injected_at (stg_drills); "detected_at: the first firing alert at or after injected_at (the same
-- mail seen twice counts once: Message-ID). ttd_s = detected_at − injected_at; both null when no alert fired";
-- "notified_at: that alert's received_at, else its sent_at; ttn_s = notified_at − injected_at" (the mail copy
-- stg_alerts keeps: the earliest of the same Message-ID);
-- recovered_at (drill_recovery); "ttr_s = recovered_at − injected_at". Evidence: `source_file:source_line`,
-- or `drill.toml` when the manifest set the instant. Seconds are DOUBLE.
CREATE OR REPLACE TABLE drill_metrics AS
WITH detection AS (
    SELECT a.drill, a.ts AS detected_at, a.source_file || ':' || a.source_line AS detected_evidence,
           coalesce(a.received_at, a.sent_at) AS notified_at
    FROM stg_alerts a JOIN stg_drills d USING (drill)
    WHERE a.ts >= d.injected_at
    -- alerts firing at the same instant (a relay of the same alert): the one that reached a mail server first
    QUALIFY row_number() OVER (
        PARTITION BY a.drill ORDER BY a.ts, coalesce(a.received_at, a.sent_at) NULLS LAST, a.source_file, a.source_line
    ) = 1
)
SELECT d.drill, d.foundation, d.injected_at, d.injected_by, x.detected_at, x.notified_at, r.recovered_at,
       seconds_between(d.injected_at, x.detected_at) AS ttd_s,
       seconds_between(d.injected_at, x.notified_at) AS ttn_s,
       seconds_between(d.injected_at, r.recovered_at) AS ttr_s,
       d.injected_evidence, x.detected_evidence,
       CASE WHEN x.notified_at IS NOT NULL THEN x.detected_evidence END AS notified_evidence, r.recovered_evidence
FROM stg_drills d
LEFT JOIN detection x USING (drill)
LEFT JOIN drill_recovery r USING (drill)
WHERE d.kind IS DISTINCT FROM 'monitoring'
ORDER BY d.drill;
