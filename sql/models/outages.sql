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
WITH members AS (  -- the sources' outages whose end is the merged outage's end decide open and end_evidence
    SELECT *, max(end_ts) OVER (PARTITION BY drill, capability, outage_no) AS merged_end
    FROM outage_members
)
SELECT drill, capability,
       min(started_at) AS started_at,
       max(end_ts) AS ended_at,
       seconds_between(min(started_at), max(end_ts)) AS duration_s,
       bool_or(open) FILTER (WHERE end_ts = merged_end) AS open,
       arg_min(source_file || ':' || start_line, (started_at, source_file, start_line)) AS start_evidence,
       CASE WHEN NOT bool_or(open) FILTER (WHERE end_ts = merged_end)
            THEN min(source_file || ':' || end_line) FILTER (WHERE end_ts = merged_end AND NOT open) END
           AS end_evidence
FROM members
GROUP BY drill, capability, outage_no
ORDER BY drill, capability, started_at;
