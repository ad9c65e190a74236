-- model: clock_offsets_config
-- grain: drill, key
-- upstream: drills, ingest_files, probes, events, alerts, metrics, vm_states
-- clock_offsets_config: the drill.toml `[clock_offsets]` table, one row per key (read from drills.config).
-- drill.toml [clock_offsets]: `cf_cli = "+35s"`, `"cf/push_probe.log" = -2.5` (numbers are seconds; strings take
-- ms, s, m, min or h). A key is a source_type (all its files) or a source_file (that file only; it wins over its
-- source_type). Director sources are the reference and cannot be shifted; an unknown key or an unreadable value
-- stops the build with a clear message rather than silently correcting nothing.
CREATE OR REPLACE TABLE clock_offsets_config AS
WITH kv AS (
    SELECT drill, unnest(map_keys(m)) AS key, unnest(map_values(m)) AS val
    FROM (
        SELECT drill, json_extract(config, '$.clock_offsets')::MAP(VARCHAR, JSON) AS m
        FROM drills
        WHERE json_type(config, '$.clock_offsets') = 'OBJECT'
    )
),
bad_table AS (
    SELECT drill FROM drills
    WHERE json_type(config, '$.clock_offsets') IS NOT NULL AND json_type(config, '$.clock_offsets') <> 'OBJECT'
),
-- the files a key may name: only those named by a key are looked up in the tables (a DISTINCT over 50 M metric
-- rows cost 1.7 CPU s per build, though most drills have no [clock_offsets])
files AS (
    SELECT DISTINCT drill, source_file, source_type FROM ingest_files WHERE source_type IS NOT NULL
    UNION SELECT DISTINCT drill, source_file, source_type FROM probes WHERE source_file IN (SELECT key FROM kv)
    UNION SELECT DISTINCT drill, source_file, source_type FROM events WHERE source_file IN (SELECT key FROM kv)
    UNION SELECT DISTINCT drill, source_file, source_type FROM alerts WHERE source_file IN (SELECT key FROM kv)
    UNION SELECT DISTINCT drill, source_file, source_type FROM metrics WHERE source_file IN (SELECT key FROM kv)
    UNION SELECT DISTINCT drill, source_file, source_type FROM vm_states WHERE source_file IN (SELECT key FROM kv)
),
parsed AS (
    SELECT kv.drill, kv.key, kv.val::VARCHAR AS raw,
           CASE
               WHEN json_type(kv.val) IN ('UBIGINT', 'BIGINT', 'DOUBLE') THEN kv.val::DOUBLE
               WHEN json_type(kv.val) = 'VARCHAR' THEN
                   try_cast(regexp_extract(kv.val ->> '$', '^\s*([+-]?\d+(\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$', 1)
                            AS DOUBLE)
                   * CASE regexp_extract(kv.val ->> '$', '^\s*[+-]?\d+(\.\d+)?\s*(ms|s|sec|m|min|h)?\s*$', 2)
                         WHEN 'ms' THEN 0.001 WHEN 'm' THEN 60 WHEN 'min' THEN 60 WHEN 'h' THEN 3600 ELSE 1 END
           END AS offset_s,
           CASE
               WHEN kv.key IN ('cf_cli', 'cf_events', 'cf_logs', 'healthwatch', 'email', 'notes', 'bosh_table')
                   THEN 'source_type'
               WHEN kv.key IN ('bosh_task', 'bosh_event_log', 'bosh_debug') THEN 'director'
               WHEN EXISTS (SELECT 1 FROM files f WHERE f.drill = kv.drill AND f.source_file = kv.key)
                   THEN 'source_file'
           END AS key_kind,
           (SELECT any_value(f.source_type) FROM files f WHERE f.drill = kv.drill AND f.source_file = kv.key)
               AS file_source_type
    FROM kv
)
SELECT drill, key,
       CASE
           WHEN key_kind IS NULL THEN error(format(
               'drill {}: drill.toml [clock_offsets] key "{}" is neither a source_type (cf_cli, cf_events, cf_logs, '
               || 'healthwatch, email, notes, bosh_table) nor a source_file of the drill', drill, key))
           WHEN key_kind = 'director' OR file_source_type IN ('bosh_task', 'bosh_event_log', 'bosh_debug')
               THEN error(format('drill {}: drill.toml [clock_offsets] "{}": the BOSH director is the reference '
                                 || 'clock and is never shifted', drill, key))
           ELSE key_kind
       END AS key_kind,
       coalesce(file_source_type, key) AS source_type,
       CASE WHEN offset_s IS NULL THEN error(format(
           'drill {}: drill.toml [clock_offsets] {} = {}: not an offset (use seconds or a string like "+35s")',
           drill, key, raw)) ELSE offset_s END AS offset_s,
       raw
FROM parsed
UNION ALL
SELECT drill, NULL, error(format('drill {}: drill.toml clock_offsets must be a table ([clock_offsets])', drill)),
       NULL, NULL, NULL
FROM bad_table;
