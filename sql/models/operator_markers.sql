-- model: operator_markers
-- grain: drill, marker_no
-- upstream: drills, stg_drills
-- operator_markers: the operators' own moments, drill.toml `[[markers]]` (`at`, `label`), one row each.
-- Grain: one row per marker (marker_no: its position in drill.toml, from 1).
-- `at` is a wall-clock time HH:MM[:SS] on the drill's `date` (default: the local date of injected_at) in its
-- `timezone`, or a full ISO-8601 time (with an offset, else read in the drill's timezone); ingest has checked it
-- parses. The timeline lists them (phase: the phase at that instant) and every time chart of the report draws them.
CREATE OR REPLACE TABLE operator_markers AS
WITH cfg AS (
    SELECT r.drill, r.config, coalesce(r.timezone, 'UTC') AS tz, r.date, s.injected_at
    FROM drills r LEFT JOIN stg_drills s USING (drill)
    WHERE r.config IS NOT NULL AND json_valid(r.config) AND json_type(r.config, '$.markers') = 'ARRAY'
),
raw AS (
    SELECT c.drill, c.tz, c.date, c.injected_at, i + 1 AS marker_no,
           json_extract_string(c.config, '$.markers[' || i || '].at') AS at_text,
           json_extract_string(c.config, '$.markers[' || i || '].label') AS label
    FROM cfg c, range(json_array_length(c.config, '$.markers')::BIGINT) r(i)
)
SELECT drill, marker_no,
       CASE
           WHEN regexp_matches(at_text, '^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$')
               THEN timezone(tz, (coalesce(date, timezone(tz, injected_at::TIMESTAMPTZ)::DATE)
                                  + try_cast(trim(at_text) AS TIME))::TIMESTAMP)
           WHEN regexp_matches(at_text, '(Z|[+-]\d{2}:?\d{2})\s*$') THEN try_cast(at_text AS TIMESTAMPTZ)
           ELSE timezone(tz, try_cast(at_text AS TIMESTAMP))
       END AS ts,
       coalesce(label, at_text) AS label, at_text
FROM raw
ORDER BY drill, marker_no;
