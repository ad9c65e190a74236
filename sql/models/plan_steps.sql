-- model: plan_steps
-- grain: drill, step_no
-- upstream: drills, stg_drills, events, stg_tasks
-- plan_steps: the drill's planned steps (drill.toml `[[plan]]`) against what was observed.
-- Grain: one row per (drill, planned step).
-- drill.toml (all keys optional):
--   rto = "60m"                    # a DuckDB interval ("60m", "1h30m", "45 minutes") or seconds (3600)
--   tolerance = "5m"               # how far from its planned time a step still counts as on time (default 5m)
--   [[plan]]
--   step = "stop server"           # what the step is
--   step_ko = "서버 중지"           # the step in Korean, for `report --lang ko` (default: step)
--   at = "10:25"                   # planned wall-clock time on the drill's date (HH:MM[:SS], drill `timezone`),
--                                  # or a full date-time ("2019-01-03T10:25:00+09:00"); or instead:
--   after = "4m"                   # planned offset from injected_at
--   match = "전원\\s*off|power off" # case-insensitive regex; default: the step text, as a plain substring
--   tolerance = "10m"              # per-step override
-- observed_at: the first event (any kind: notes, BOSH stages and alerts, cf errors, mails ...) or BOSH task
-- ("bosh task N: <description>", at its start) matching `match`, at or after the drill start (the earlier of
-- injected_at and the first planned time). A date-less `at` earlier than 12 h before injected_at is the next day.
-- status: on time (|observed − planned| ≤ tolerance), early, late, not observed, bad match (the regex does not
-- compile).
CREATE OR REPLACE TABLE plan_steps AS
WITH cfg AS (
    SELECT r.drill, r.config, coalesce(r.timezone, 'UTC') AS tz, r.date, s.injected_at,
           coalesce(epoch(try_cast(json_extract_string(r.config, '$.tolerance') AS INTERVAL)), 300) AS tolerance_s
    FROM drills r JOIN stg_drills s USING (drill)
    WHERE r.config IS NOT NULL AND json_valid(r.config) AND s.kind IS DISTINCT FROM 'monitoring'
      AND json_type(r.config, '$.plan') = 'ARRAY'
),
raw AS (
    SELECT c.drill, c.tz, c.date, c.injected_at, c.tolerance_s, i + 1 AS step_no,
           json_extract_string(c.config, '$.plan[' || i || '].step') AS step,
           json_extract_string(c.config, '$.plan[' || i || '].step_ko') AS step_ko,
           json_extract_string(c.config, '$.plan[' || i || '].at') AS at_text,
           json_extract_string(c.config, '$.plan[' || i || '].after') AS after_text,
           json_extract_string(c.config, '$.plan[' || i || '].match') AS match,
           epoch(try_cast(json_extract_string(c.config, '$.plan[' || i || '].tolerance') AS INTERVAL)) AS step_tol_s
    FROM cfg c, range(json_array_length(c.config, '$.plan')::BIGINT) r(i)
),
timed AS (
    SELECT r.*, coalesce(r.step_tol_s, r.tolerance_s) AS tol_s,
           CASE
               WHEN r.after_text IS NOT NULL THEN r.injected_at + try_cast(r.after_text AS INTERVAL)
               WHEN regexp_matches(r.at_text, '^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$')
                   THEN timezone(r.tz, (coalesce(r.date, timezone(r.tz, r.injected_at::TIMESTAMPTZ)::DATE)
                                        + try_cast(trim(r.at_text) AS TIME))::TIMESTAMP)
               WHEN regexp_matches(r.at_text, '(Z|[+-]\d{2}:?\d{2})\s*$') THEN try_cast(r.at_text AS TIMESTAMPTZ)
               ELSE timezone(r.tz, try_cast(r.at_text AS TIMESTAMP))
           END AS at_ts,
           r.after_text IS NULL AND regexp_matches(r.at_text, '^\s*\d{1,2}:\d{2}') AS dateless
    FROM raw r
),
planned AS (
    SELECT t.* EXCLUDE (at_ts, dateless),
           CASE WHEN t.dateless AND t.at_ts < t.injected_at - INTERVAL 12 HOUR THEN t.at_ts + INTERVAL 1 DAY
                ELSE t.at_ts END AS planned_at
    FROM timed t
),
bounds AS (
    SELECT drill, least(any_value(injected_at), min(planned_at)) AS drill_start FROM planned GROUP BY drill
),
corpus AS (
    SELECT drill, ts, message AS what, source_file, source_line FROM events
    WHERE ts IS NOT NULL AND message IS NOT NULL
    UNION ALL
    SELECT drill, started_at, 'bosh task ' || task_id || ': ' || description, source_file, source_line FROM stg_tasks
    WHERE started_at IS NOT NULL AND description IS NOT NULL
),
observed AS (
    SELECT p.drill, p.step_no, c.ts, c.what, c.source_file || ':' || c.source_line AS evidence
    FROM planned p
    JOIN bounds b USING (drill)
    JOIN corpus c ON c.drill = p.drill AND c.ts >= b.drill_start
    WHERE CASE WHEN p.match IS NOT NULL THEN try(regexp_matches(c.what, '(?i)' || p.match))
               ELSE contains(lower(c.what), lower(p.step)) END
    QUALIFY row_number() OVER (PARTITION BY p.drill, p.step_no ORDER BY c.ts, c.source_file, c.source_line) = 1
)
SELECT p.drill, p.step_no, p.step, p.step_ko, p.at_text, p.after_text, p.match, p.planned_at, p.tol_s AS tolerance_s,
       o.ts AS observed_at, epoch(o.ts - p.planned_at) AS delta_s, o.what AS observed_what, o.evidence,
       CASE WHEN p.match IS NOT NULL AND try(regexp_matches('', '(?i)' || p.match)) IS NULL THEN 'bad match'
            WHEN o.ts IS NULL THEN 'not observed'
            WHEN p.planned_at IS NULL THEN 'observed'
            WHEN epoch(o.ts - p.planned_at) > p.tol_s THEN 'late'
            WHEN epoch(o.ts - p.planned_at) < -p.tol_s THEN 'early'
            ELSE 'on time' END AS status
FROM planned p
LEFT JOIN observed o USING (drill, step_no)
ORDER BY p.drill, p.step_no;
