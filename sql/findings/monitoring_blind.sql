-- grain: drill
-- upstream: drill_context, metrics, probes
-- monitoring_blind: Healthwatch was blind while the platform was down: metric series stopped or its checks did not run.
-- Grain: one row per drill with a metric gap or a not-run health check inside the drill window.
-- Upstream: drill_context, metrics, probes (status 'not_run': Healthwatch -1).
-- A gap of a series (drill, source_file, metric, labels): two consecutive samples further apart than 1.5 × its
-- step (interval_s, else the series' median spacing); the samples missing run from the earlier sample + step to the
-- later one − step. It counts when that stretch overlaps [injected_at, recovered_at]. The seed's drills: "healthwatch
-- 일부 지표 집계가 잘 안됨". Severity: warning. Evidence: the last sample before the longest gap.
WITH series AS (
    SELECT m.drill, m.source_file, m.metric, coalesce(m.labels, '') AS labels, m.ts, m.source_line, m.interval_s,
           lag(m.ts) OVER w AS prev_ts, lag(m.source_line) OVER w AS prev_line
    FROM metrics m JOIN drill_context c USING (drill)
    WINDOW w AS (PARTITION BY m.drill, m.source_file, m.metric, coalesce(m.labels, '') ORDER BY m.ts, m.source_line)
),
steps AS (
    SELECT drill, source_file, metric, labels,
           coalesce(any_value(interval_s), median(epoch(ts - prev_ts))) AS step_s
    FROM series WHERE prev_ts IS NOT NULL AND ts > prev_ts
    GROUP BY ALL
),
gaps AS (
    SELECT s.drill, s.source_file, s.metric, s.prev_ts + to_microseconds((p.step_s * 1e6)::BIGINT) AS first_missing,
           s.ts - to_microseconds((p.step_s * 1e6)::BIGINT) AS last_missing,
           round(epoch(s.ts - s.prev_ts) / p.step_s)::BIGINT - 1 AS missing,
           epoch(s.ts - s.prev_ts) - p.step_s AS blind_s,
           s.source_file || ':' || s.prev_line AS evidence
    FROM series s JOIN steps p USING (drill, source_file, metric, labels)
    WHERE s.prev_ts IS NOT NULL AND p.step_s > 0 AND epoch(s.ts - s.prev_ts) > 1.5 * p.step_s
),
in_window AS (
    SELECT g.*, c.timezone FROM gaps g JOIN drill_context c USING (drill)
    WHERE g.last_missing >= c.injected_at AND (c.recovered_at IS NULL OR g.first_missing <= c.recovered_at)
),
per_drill AS (
    SELECT drill, any_value(timezone) AS timezone, count(DISTINCT (source_file, metric)) AS series,
           string_agg(DISTINCT metric, ', ' ORDER BY metric) AS metrics,
           min(first_missing) AS first_missing, max(last_missing) AS last_missing,
           max(blind_s) AS longest_s, arg_max(evidence, blind_s) AS evidence,
           arg_max(missing, blind_s) AS missing
    FROM in_window GROUP BY drill
),
not_run AS (
    SELECT p.drill, count(*) AS n, string_agg(DISTINCT p.capability, ', ' ORDER BY p.capability) AS caps, min(p.ts) AS first_ts,
           arg_min(p.source_file || ':' || p.source_line, p.ts) AS evidence
    FROM probes p JOIN drill_context c USING (drill)
    WHERE p.status = 'not_run' AND p.ts >= c.injected_at AND (c.recovered_at IS NULL OR p.ts <= c.recovered_at)
    GROUP BY p.drill
)
SELECT c.drill, 'monitoring_blind' AS rule, 'warning' AS severity,
       concat_ws('; ',
           CASE WHEN g.drill IS NOT NULL THEN format(
               'Healthwatch was blind while the platform was down: {} series ({}) had no samples between {} and {} (longest gap {}, {} samples missing)',
               g.series, g.metrics, finding_clock(g.first_missing, c.timezone), finding_clock(g.last_missing, c.timezone),
               finding_dur(g.longest_s), g.missing) END,
           CASE WHEN x.drill IS NOT NULL THEN format(
               '{} check(s) did not run {} time(s) during the drill (first at {})',
               CASE WHEN g.drill IS NULL THEN 'Healthwatch was partly blind while the platform was down: the ' || x.caps
                    ELSE 'the ' || x.caps END,
               x.n, finding_clock(x.first_ts, c.timezone)) END) || '.' AS finding,
       concat_ws('; ',
           CASE WHEN g.drill IS NOT NULL THEN format(
               '플랫폼이 중단된 동안 Healthwatch가 보지 못했습니다: 지표 계열 {}개({})에 {}부터 {}까지 샘플이 없었습니다(가장 긴 공백 {}, 누락 샘플 {}개)',
               g.series, g.metrics, finding_clock(g.first_missing, c.timezone), finding_clock(g.last_missing, c.timezone),
               finding_dur(g.longest_s), g.missing) END,
           CASE WHEN x.drill IS NOT NULL THEN format(
               '{} 점검이 훈련 중 {}번 실행되지 않았습니다(처음 {})',
               CASE WHEN g.drill IS NULL THEN '플랫폼이 중단된 동안 Healthwatch가 일부를 보지 못했습니다: ' || x.caps
                    ELSE x.caps END,
               x.n, finding_clock(x.first_ts, c.timezone)) END) || '.' AS finding_ko,
       coalesce(g.evidence, x.evidence) AS evidence,
       coalesce(g.first_missing, x.first_ts) AS ts
FROM drill_context c
LEFT JOIN per_drill g USING (drill)
LEFT JOIN not_run x USING (drill)
WHERE g.drill IS NOT NULL OR x.drill IS NOT NULL
ORDER BY c.drill
