-- model: outage_members
-- grain: drill, capability, source_file, started_at
-- upstream: source_outages, drill_recovery
-- outage_members: each source's outages, closed (an open one ends at recovered_at) and numbered into the merged
-- outages of their capability (outage_no): the members `outages` merges and the timeline draws its moments from.
-- Grain: one row per source_outages row.
-- CONTRACT §4 (outage): "one still failing at the end of the data ends at recovered_at and has open = true.
-- The capability's outages are the union of its sources' outages (down while any source sees it down;
-- overlapping or touching intervals merge)". An open outage ends at recovered_at, never before its own start;
-- with no recovered_at at all, at the drill's last observation (drill_recovery.data_end).
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
