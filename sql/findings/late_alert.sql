-- grain: drill
-- upstream: drill_context, events
-- late_alert: the first alert arrived after the operators had already noted the outage (or no alert fired at all).
-- Grain: one row per drill whose first symptom note precedes detected_at, or that has a symptom note and no alert.
-- Upstream: drill_context (injected_at, detected_at, recovered_at), events (kind 'note').
-- A symptom note: an operator note at or after injected_at (and not after recovered_at) that reports something
-- broken (안됨, 안 됨, 불가, 실패, 오류, 에러, 순단, 접속 안, down, fail, error, unavailable, timeout, 5xx) and is not
-- the note of the fault itself (fault_note). detected_at is CONTRACT §4's first firing alert at or after injected_at.
-- Severity: warning when the alert came late, critical when none fired. Evidence: the operators' note.
WITH noticed AS (
    SELECT e.drill, e.ts, e.message, e.source_file || ':' || e.source_line AS evidence
    FROM events e JOIN drill_context c USING (drill)
    WHERE e.kind = 'note' AND e.ts >= c.injected_at AND (c.recovered_at IS NULL OR e.ts <= c.recovered_at)
      AND regexp_matches(e.message,
          '(?i)(안\s*됨|안\s*되|불가|실패|오류|에러|순단|접속\s*안|\bdown\b|\bfail|\berror|unavailable|not (working|responding|reachable)|time(d)? ?out|\b5\d\d\b)')
      AND NOT fault_note(e.message, c.fault)
    QUALIFY row_number() OVER (PARTITION BY e.drill ORDER BY e.ts, e.source_file, e.source_line) = 1
)
SELECT n.drill, 'late_alert' AS rule,
       CASE WHEN c.detected_at IS NULL THEN 'critical' ELSE 'warning' END AS severity,
       CASE WHEN c.detected_at IS NULL
            THEN format('No alert fired during the drill, although the operators noted the outage at {} ("{}").',
                        finding_clock(n.ts, c.timezone), n.message)
            ELSE format('The first alert ({}, {}) arrived {} after the operators had noted the outage at {} ("{}").',
                        finding_clock(c.detected_at, c.timezone), coalesce(c.detected_evidence, '?'),
                        finding_dur(epoch(c.detected_at - n.ts)), finding_clock(n.ts, c.timezone), n.message)
       END AS finding,
       CASE WHEN c.detected_at IS NULL
            THEN format('운영자가 {}에 장애를 기록했지만("{}") 훈련 중 경보가 한 번도 발생하지 않았습니다.',
                        finding_clock(n.ts, c.timezone), n.message)
            ELSE format('첫 경보({}, {})는 운영자가 {}에 장애를 기록한 뒤("{}") {} 늦게 도착했습니다.',
                        finding_clock(c.detected_at, c.timezone), coalesce(c.detected_evidence, '?'),
                        finding_clock(n.ts, c.timezone), n.message, finding_dur(epoch(c.detected_at - n.ts)))
       END AS finding_ko,
       n.evidence, n.ts
FROM noticed n JOIN drill_context c USING (drill)
WHERE c.detected_at IS NULL OR c.detected_at > n.ts
ORDER BY n.drill
