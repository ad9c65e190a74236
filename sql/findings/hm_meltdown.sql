-- grain: drill
-- upstream: drill_context, events
-- hm_meltdown: the health monitor was in meltdown during the drill, so the resurrector skipped the lost VMs.
-- Grain: one row per drill with at least one meltdown alert between injected_at and recovered_at.
-- Upstream: drill_context, events (kind 'hm_alert': HM log `[ALERT]` lines and `bosh events` alerts by hm).
-- A meltdown alert: "We are in meltdown" or "Skipping resurrection for instance: '<group/id>'; ... N of M agents are
-- unhealthy (P%)". The finding counts the distinct instances skipped and the worst N of M. Severity: warning (a
-- meltdown is BOSH protecting itself; it means the lost VMs wait for a manual cck).
WITH alerts AS (
    SELECT e.drill, e.ts, e.message, e.source_file, e.source_line, c.timezone,
           regexp_extract(e.message, 'instance: ''+([^'']+)''', 1) AS instance,
           try_cast(regexp_extract(e.message, '(\d+) of (\d+) agents are unhealthy', 1) AS INTEGER) AS unhealthy,
           try_cast(regexp_extract(e.message, '(\d+) of (\d+) agents are unhealthy', 2) AS INTEGER) AS agents
    FROM events e JOIN drill_context c USING (drill)
    WHERE e.kind = 'hm_alert'
      AND regexp_matches(e.message, '(?i)(meltdown|skipping resurrection)')
      AND e.ts >= c.injected_at AND (c.recovered_at IS NULL OR e.ts <= c.recovered_at)
),
per_drill AS (
    SELECT drill, any_value(timezone) AS timezone, min(ts) AS first_ts, max(ts) AS last_ts,
           count(DISTINCT nullif(instance, '')) AS skipped,
           max(unhealthy) AS worst, arg_max(agents, unhealthy) AS agents,
           arg_min(source_file || ':' || source_line,
                   [epoch_us(ts), CASE WHEN message ILIKE '%meltdown%' THEN 0 ELSE 1 END]) AS evidence
    FROM alerts GROUP BY drill
)
SELECT drill, 'hm_meltdown' AS rule, 'warning' AS severity,
       format('The BOSH health monitor was in meltdown from {} to {}: the resurrector skipped {} instance(s){}, so the lost VMs waited for a manual cck.',
              finding_clock(first_ts, timezone), finding_clock(last_ts, timezone), skipped,
              CASE WHEN worst IS NOT NULL
                   THEN format(' with up to {} of {} agents unhealthy ({:.1f}%)', worst, agents, 100.0 * worst / agents)
                   ELSE '' END) AS finding,
       format('BOSH health monitor가 {}부터 {}까지 meltdown 상태였습니다: resurrector가 인스턴스 {}개{}를 건너뛰어, 잃은 VM은 수동 cck를 기다렸습니다.',
              finding_clock(first_ts, timezone), finding_clock(last_ts, timezone), skipped,
              CASE WHEN worst IS NOT NULL
                   THEN format('(비정상 agent 최대 {}/{}개, {:.1f}%)', worst, agents, 100.0 * worst / agents)
                   ELSE '' END) AS finding_ko,
       evidence, first_ts AS ts
FROM per_drill
ORDER BY drill
