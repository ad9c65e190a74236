-- outages: a capability's outages, the union of what its sources see (CONTRACT §3 `outages`).
-- Grain: one row per (drill, capability, merged outage interval).
-- Upstream: source_outages, drill_recovery.
-- CONTRACT §4 (outage): "one still failing at the end of the data ends at recovered_at and has open = true.
-- The capability's outages are the union of its sources' outages (down while any source sees it down;
-- overlapping or touching intervals merge)".
-- An open outage ends at recovered_at (never before its own start: a source that fails after recovered_at is
-- flagged by audits/failing_after_recovery.sql); with no recovered_at at all, at the drill's last observation.
-- start_evidence: the first failing observation of the merged outage; end_evidence: the first passing
-- observation that ends it (NULL when open).
CREATE OR REPLACE TABLE outage_members AS
WITH closed AS (
    SELECT o.*,
           CASE WHEN o.open THEN greatest(o.started_at, coalesce(r.recovered_at, r.data_end)) ELSE o.ended_at END
               AS end_ts
    FROM source_outages o JOIN drill_recovery r USING (drill)
),
marked AS (
    SELECT *,
           max(end_ts) OVER (PARTITION BY drill, capability ORDER BY started_at, end_ts, source_file
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM closed
)
SELECT *,
       sum(CASE WHEN prev_end IS NULL OR started_at > prev_end THEN 1 ELSE 0 END)
           OVER (PARTITION BY drill, capability ORDER BY started_at, end_ts, source_file
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS outage_no
FROM marked;

CREATE OR REPLACE TABLE outages AS
WITH merged AS (
    SELECT drill, capability, outage_no,
           min(started_at) AS started_at,
           max(end_ts) AS ended_at,
           arg_min(source_file || ':' || start_line, (started_at, source_file, start_line)) AS start_evidence,
           list(struct_pack(end_ts, open, ev := source_file || ':' || end_line)) AS ends
    FROM outage_members
    GROUP BY drill, capability, outage_no
)
SELECT drill, capability, started_at, ended_at,
       seconds_between(started_at, ended_at) AS duration_s,
       list_bool_or([e.open FOR e IN ends IF e.end_ts = ended_at]) AS open,
       start_evidence,
       CASE WHEN NOT list_bool_or([e.open FOR e IN ends IF e.end_ts = ended_at])
            THEN list_min([e.ev FOR e IN ends IF e.end_ts = ended_at AND NOT e.open]) END AS end_evidence
FROM merged
ORDER BY drill, capability, started_at;
