-- grain: drill
-- upstream: drill_context, metrics, vm_states
-- diego_capacity: the Diego cells left after losing the AZ had less free memory than the lost AZ's app instances need.
-- Grain: one row per drill whose surviving cells cannot (critical) or can barely (warning) hold the lost AZ's apps.
-- Upstream: drill_context (lost_az), metrics (Healthwatch `Diego.TotalPercentageAvailableMemoryCapacity*`), vm_states.
-- p = the last sample of the available-memory percentage at or before injected_at (within 1 h; a value above 1 is a
-- percentage); N = Diego cells (groups diego_cell, isolated_diego_cell*, compute) in the drill's vm_states, k = those
-- in the lost AZ. With app instances spread evenly, the lost AZ held (1 − p)·k/N of the total capacity and the
-- surviving cells have p·(N − k)/N free. Critical when the need exceeds the free memory; warning when less than 10 % of
-- the surviving cells' capacity would stay free. The seed: "Diego Cell의 Application Instance 들이 다른 Diego
-- Cell에 이동 함으로 다른 Diego Cell의 용량이 충분한지를 확인해야 한다".
WITH baseline AS (
    SELECT m.drill, CASE WHEN m.value > 1 THEN m.value / 100 ELSE m.value END AS p, m.metric, m.ts,
           m.source_file || ':' || m.source_line AS evidence
    FROM metrics m JOIN drill_context c USING (drill)
    WHERE m.metric ILIKE '%TotalPercentageAvailableMemoryCapacity%' AND m.value IS NOT NULL
      AND m.ts <= c.injected_at AND m.ts >= c.injected_at - INTERVAL 1 HOUR
    QUALIFY row_number() OVER (PARTITION BY m.drill ORDER BY m.ts DESC, m.source_file, m.source_line) = 1
),
cells AS (
    SELECT v.drill, count(DISTINCT v.instance) AS n,
           count(DISTINCT v.instance) FILTER (WHERE lower(trim(v.az)) = lower(trim(c.lost_az))) AS k
    FROM vm_states v JOIN drill_context c USING (drill)
    WHERE regexp_matches(split_part(v.instance, '/', 1), '(?i)^(diego_cell|isolated_diego_cell.*|compute)$')
      AND c.lost_az IS NOT NULL
    GROUP BY v.drill
),
calc AS (
    SELECT b.drill, b.p, b.metric, b.ts, b.evidence, x.n, x.k, c.lost_az, c.timezone,
           (1 - b.p) * x.k / x.n AS need, b.p * (x.n - x.k) / x.n AS free_after,
           b.p * (x.n - x.k) / x.n - (1 - b.p) * x.k / x.n AS margin,
           (x.n - x.k)::DOUBLE / x.n AS surviving
    FROM baseline b JOIN cells x USING (drill) JOIN drill_context c USING (drill)
    WHERE x.k > 0 AND x.n > x.k
)
SELECT drill, 'diego_capacity' AS rule,
       CASE WHEN margin < 0 THEN 'critical' ELSE 'warning' END AS severity,
       format('Before the injection the Diego cells had {:.1f}% of their memory free ({} at {}; {} cells, {} in {}): the lost AZ''s app instances need {:.1f}% of the total capacity but the other {} cells had {:.1f}% free, {}.',
              100 * p, metric, finding_clock(ts, timezone), n, k, lost_az, 100 * need, n - k, 100 * free_after,
              CASE WHEN margin < 0 THEN format('{:.1f}% short', -100 * margin)
                   ELSE format('leaving only {:.1f}% of their capacity free', 100 * margin / surviving) END) AS finding,
       format('장애 주입 전 Diego 셀의 여유 메모리는 {:.1f}%였습니다({}, {}; 셀 {}개 중 {}개가 {}에 있음): 잃은 AZ의 앱 인스턴스에는 전체 용량의 {:.1f}%가 필요하지만 나머지 셀 {}개의 여유는 {:.1f}%로, {}.',
              100 * p, metric, finding_clock(ts, timezone), n, k, lost_az, 100 * need, n - k, 100 * free_after,
              CASE WHEN margin < 0 THEN format('{:.1f}% 부족합니다', -100 * margin)
                   ELSE format('남는 여유가 용량의 {:.1f}%뿐입니다', 100 * margin / surviving) END) AS finding_ko,
       evidence, ts
FROM calc
WHERE margin < 0.10 * surviving
ORDER BY drill
