-- model: drill_recovery
-- grain: drill
-- upstream: stg_drills, source_outages, bosh_tasks, stg_observations
-- drill_recovery: recovered_at per drill (drill.toml, else inferred) and its evidence; breaks the circularity
-- between recovered_at and open outages (it reads only closed per-source outages and BOSH tasks).
-- Grain: one row per drill.
-- CONTRACT §4 (recovered_at): "drill.toml, else the later of the end of the last closed outage (any
-- capability) and the end of the last BOSH task started after injected_at. Notes never set it."
-- "Started after injected_at" is taken as started_at >= injected_at. A BOSH task counts as a recovery action
-- only when it changes something: the read-only look-ups behind `bosh vms`/`instances` (`retrieve vm-stats`),
-- `bosh logs` (`fetch logs`) and `bosh ssh` (`ssh: …`) are not recovery (an operator's `bosh vms` after the cck
-- must not stretch TTR; a reading of the contract's wording, stated in the README). Ties prefer the outage, then the task as the
-- `bosh tasks` listing shows it (the director's own record), then `bosh task N`, --event, --debug captures.
-- Nothing is inferred for a monitoring folder (kind = 'monitoring').
-- data_end (the drill's last observation) is where open outages end when no recovered_at can be had.
CREATE OR REPLACE TABLE drill_recovery AS
WITH candidates AS (
    SELECT o.drill, o.ended_at AS ts, 0 AS pref, o.source_type, o.source_file, o.end_line AS source_line,
           o.capability || ' restored' AS what
    FROM source_outages o WHERE NOT o.open
    UNION ALL
    SELECT t.drill, t.ended_at, 1, t.source_type, t.source_file, coalesce(t.end_line, t.source_line),
           'bosh task ' || t.task_id || ' ended' || coalesce(' (' || t.state || ')', '')
           || coalesce(': ' || t.description, '')
    FROM bosh_tasks t JOIN stg_drills d USING (drill)
    WHERE t.ended_at IS NOT NULL AND t.started_at >= d.injected_at
      AND coalesce(t.description, '') NOT IN ('retrieve vm-stats', 'fetch logs')
      AND coalesce(t.description, '') NOT LIKE 'ssh%'
),
last_candidate AS (
    SELECT * FROM candidates
    QUALIFY row_number() OVER (
        PARTITION BY drill
        ORDER BY ts DESC, pref,
                 coalesce(list_position(['bosh_table', 'bosh_task', 'bosh_event_log', 'bosh_debug'], source_type), 9),
                 source_file, source_line) = 1
),
data_end AS (
    SELECT drill, max(ts) AS data_end FROM stg_observations GROUP BY drill
)
SELECT d.drill AS drill,
       coalesce(d.manifest_recovered_at, c.ts) AS recovered_at,
       CASE WHEN d.manifest_recovered_at IS NOT NULL THEN 'manifest' WHEN c.ts IS NOT NULL THEN 'inferred' END
           AS recovered_by,
       CASE WHEN d.manifest_recovered_at IS NOT NULL THEN 'drill.toml'
            WHEN c.source_line IS NOT NULL THEN c.source_file || ':' || c.source_line
            ELSE c.source_file END AS recovered_evidence,
       CASE WHEN d.manifest_recovered_at IS NOT NULL THEN 'drill.toml' ELSE c.source_type END AS recovered_source_type,
       CASE WHEN d.manifest_recovered_at IS NOT NULL THEN 'drill.toml' ELSE c.source_file END AS recovered_source_file,
       CASE WHEN d.manifest_recovered_at IS NULL THEN c.source_line END AS recovered_source_line,
       CASE WHEN d.manifest_recovered_at IS NULL THEN c.what END AS recovered_what,
       e.data_end
FROM stg_drills d
LEFT JOIN last_candidate c ON c.drill = d.drill AND d.kind IS DISTINCT FROM 'monitoring'
LEFT JOIN data_end e ON e.drill = d.drill;
