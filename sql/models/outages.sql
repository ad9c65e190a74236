-- model: outages
-- grain: drill, capability, started_at
-- upstream: outage_members
-- outages: a capability's outages, the union of what its sources see (CONTRACT §3 `outages`).
-- Grain: one row per (drill, capability, merged outage interval).
-- CONTRACT §4 (outage): "one still failing at the end of the data ends at recovered_at and has open = true.
-- The capability's outages are the union of its sources' outages (down while any source sees it down;
-- overlapping or touching intervals merge)".
-- An open outage ends at recovered_at (never before its own start: a source that fails after recovered_at is
-- flagged by audits/failing_after_recovery.sql); with no recovered_at at all, at the drill's last observation.
-- start_evidence: the first failing observation of the merged outage; end_evidence: the first passing
-- observation that ends it (NULL when open).
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
