-- grain: table, drill, source_file, source_line
-- upstream: alerts, bosh_tasks, cck_problems, events, metrics, probes, quarantine, vm_states
-- Rows without provenance: every input-derived row names its source_file and source_line.
-- Grain: one row per offending lake row (table, drill, source_file, source_line).
-- Upstream: events, probes, metrics, alerts, vm_states, cck_problems, quarantine, bosh_tasks.
-- CONTRACT §3: "Every row that comes from an input carries source_file ... and source_line". bosh_tasks rows
-- may lack a source_line (a task is assembled from several lines or files), never a source_file.
SELECT 'events' AS "table", drill, source_file, source_line FROM events
WHERE source_file IS NULL OR source_line IS NULL
UNION ALL SELECT 'probes', drill, source_file, source_line FROM probes
WHERE source_file IS NULL OR source_line IS NULL
UNION ALL SELECT 'metrics', drill, source_file, source_line FROM metrics
WHERE source_file IS NULL OR source_line IS NULL
UNION ALL SELECT 'alerts', drill, source_file, source_line FROM alerts
WHERE source_file IS NULL OR source_line IS NULL
UNION ALL SELECT 'vm_states', drill, source_file, source_line FROM vm_states
WHERE source_file IS NULL OR source_line IS NULL
UNION ALL SELECT 'cck_problems', drill, source_file, source_line FROM cck_problems
WHERE source_file IS NULL OR source_line IS NULL
UNION ALL SELECT 'quarantine', drill, source_file, source_line FROM quarantine
WHERE source_file IS NULL OR source_line IS NULL
UNION ALL SELECT 'bosh_tasks', drill, source_file, source_line FROM bosh_tasks
WHERE source_file IS NULL
ORDER BY ALL;
