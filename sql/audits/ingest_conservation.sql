-- grain: drill, source_file
-- upstream: ingest_files
-- Files whose lines are not all accounted for.
-- Grain: one row per offending ingest_files row.
-- Upstream: ingest_files.
-- CONTRACT §3/§5: "lines = parsed_lines + quarantined + ignorable" for every recognized file (status ok/partial).
SELECT drill, source_file, source_type, lines, parsed_lines, quarantined, ignorable, status
FROM ingest_files
WHERE status IN ('ok', 'partial')
  AND lines IS DISTINCT FROM parsed_lines + quarantined + ignorable
ORDER BY drill, source_file;
