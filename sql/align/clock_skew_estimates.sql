-- model: clock_skew_estimates
-- grain: drill, source_type, method, clock
-- upstream: drills, clock_offsets_config, probes, events, vm_states, alerts
-- clock_skew_estimates: how far each source's clock runs ahead of the reference, from moments two sources both saw.
-- Grain: one row per (drill, source_type, method). Upstream: raw lake tables (probes, vm_states, events, alerts,
-- drills); runs right after the lake is loaded, before sql/align/apply_clock_corrections.sql moves anything, so every figure
-- here is computed on the times as the captures printed them.
--
-- Sign convention (the same in drill.toml and here): offset_s = source clock − reference clock, so a probe laptop
-- 35 s fast has offset_s = +35 and its corrected time is ts = ts_original − offset_s.
-- Reference: the BOSH director (UTC, NTP): bosh_task, bosh_event_log, bosh_debug (task logs and the health
-- monitor log) and the director-printed columns of bosh_table (tasks, events). Healthwatch runs on BOSH-deployed
-- VMs under the same NTP and is taken as on the reference clock (its drill.toml offset, if any, is added).
--
-- Methods:
-- (a) transitions (kind 'point'): each probe file that is not Healthwatch (cf_cli loops, cf_logs) against each
--     Healthwatch file observing the same capability in the drill: the first failure and the first restoration
--     after it, in both. Each pair gives the difference of the first observed changes (the point) and, from the
--     observations just before each change, the offsets that could explain both windows:
--     [prev_A − at_B, at_A − prev_B] (the change happened at one true instant inside both windows).
--     offset_s = median of the pair differences (robust), clamped into the intersection of the pair bounds;
--     n = pairs. Sampling every minute or more leaves bounds tens of seconds wide: `applicable` (what --align
--     applies) requires the bounds to exclude 0, i.e. the clocks provably differ beyond the sampling resolution,
--     and the pairs to agree (a non-empty intersection).
-- (b) vm_snapshot_vs_hm (kind 'bound', never applied): a `bosh vms` snapshot timed by the operator's `date` line
--     (bosh_table, ts_basis 'date_line': the operator's clock) showing an instance `unresponsive agent`, the last
--     snapshot before it showing it `running`, and the health monitor's first alert about that instance (director
--     clock). The VM stopped at D inside (running snapshot, unresponsive snapshot] and the HM noticed it at
--     h ∈ [D, D + 180 s] (agent heartbeat 30 s + agent_timeout 60 s + analysis interval 60 s, rounded up), so
--     offset ∈ (s_running − h, s_unresponsive − h + 180]. A bound, not a point: offset_s stays NULL.
-- (c) mail_hops (kind 'bound', never applied): a mail cannot reach the first Received hop before its Date header,
--     so (mail server clock − sender clock) ≤ min(received_at − sent_at) over the drill's mails; and a relay cannot
--     send before the alert fired, so (sender clock − alerting clock) ≤ min(sent_at − firing time stated in the
--     body). Per-alert delays are the mail_delay model (sql/models/mail_delay.sql).
-- Monitoring folders (drills.kind = 'monitoring') get no estimates.
CREATE OR REPLACE TABLE clock_skew_estimates AS
WITH drill_kinds AS (
    SELECT drill FROM drills WHERE kind IS DISTINCT FROM 'monitoring'
),
ref_offset AS (  -- a configured Healthwatch offset moves the reference of method (a)
    SELECT drill, key, key_kind, offset_s FROM clock_offsets_config WHERE source_type = 'healthwatch'
),
-- (a) transitions -----------------------------------------------------------------------------------------------
instants AS (  -- several series of one file at one instant are one observation, failed when any failed
    SELECT p.drill, p.capability, p.source_type, p.source_file, p.ts,
           bool_and(p.ok) AS ok,
           coalesce(min(p.source_line) FILTER (WHERE NOT p.ok), min(p.source_line)) AS source_line
    FROM probes p JOIN drill_kinds USING (drill)
    WHERE p.ok IS NOT NULL AND p.ts IS NOT NULL AND p.capability IS NOT NULL
    GROUP BY ALL
),
first_fail AS (
    SELECT drill, capability, source_file, min(ts) AS fail_ts FROM instants WHERE NOT ok GROUP BY ALL
),
restored AS (
    SELECT i.drill, i.capability, i.source_file, min(i.ts) AS restored_ts
    FROM instants i JOIN first_fail f USING (drill, capability, source_file)
    WHERE i.ok AND i.ts > f.fail_ts
    GROUP BY ALL
),
transitions AS (  -- the change (at) and the last observation before it (prev), in the source's own clock
    SELECT i.drill, i.capability, any_value(i.source_type) AS source_type, i.source_file, 1 AS k,
           'first failure' AS transition,
           f.fail_ts AS at_ts, min(i.source_line) FILTER (WHERE i.ts = f.fail_ts) AS at_line,
           max(i.ts) FILTER (WHERE i.ts < f.fail_ts AND i.ok) AS prev_ts,
           arg_max(i.source_line, i.ts) FILTER (WHERE i.ts < f.fail_ts AND i.ok) AS prev_line
    FROM instants i JOIN first_fail f USING (drill, capability, source_file)
    GROUP BY i.drill, i.capability, i.source_file, f.fail_ts
    UNION ALL
    SELECT i.drill, i.capability, any_value(i.source_type), i.source_file, 2, 'restoration',
           r.restored_ts, min(i.source_line) FILTER (WHERE i.ts = r.restored_ts),
           max(i.ts) FILTER (WHERE i.ts < r.restored_ts AND NOT i.ok),
           arg_max(i.source_line, i.ts) FILTER (WHERE i.ts < r.restored_ts AND NOT i.ok)
    FROM instants i JOIN restored r USING (drill, capability, source_file)
    GROUP BY i.drill, i.capability, i.source_file, r.restored_ts
),
pairs AS (
    SELECT a.drill, a.source_type, a.capability, a.k, a.transition,
           seconds_between(b.at_ts, a.at_ts) + coalesce(ro.offset_s, 0) AS diff_s,
           seconds_between(b.at_ts, a.prev_ts) + coalesce(ro.offset_s, 0) AS lo_s,
           seconds_between(b.prev_ts, a.at_ts) + coalesce(ro.offset_s, 0) AS hi_s,
           a.source_file || ':' || a.at_line AS a_ref, b.source_file || ':' || b.at_line AS b_ref,
           format('{} {} {}:{} at {} (previous {}) vs healthwatch {}:{} at {} (previous {}): {:+.1f} s',
                  a.capability, a.transition, a.source_file, a.at_line, align_hms(a.at_ts),
                  coalesce(align_hms(a.prev_ts), 'none'), b.source_file, b.at_line, align_hms(b.at_ts),
                  coalesce(align_hms(b.prev_ts), 'none'),
                  seconds_between(b.at_ts, a.at_ts) + coalesce(ro.offset_s, 0)) AS evidence
    FROM transitions a
    JOIN transitions b ON b.drill = a.drill AND b.capability = a.capability AND b.k = a.k
                      AND b.source_type = 'healthwatch'
    LEFT JOIN ref_offset ro ON ro.drill = b.drill
                           AND ((ro.key_kind = 'source_file' AND ro.key = b.source_file)
                                OR (ro.key_kind = 'source_type' AND NOT EXISTS (
                                    SELECT 1 FROM ref_offset r2 WHERE r2.drill = b.drill
                                      AND r2.key_kind = 'source_file' AND r2.key = b.source_file)))
    WHERE a.source_type NOT IN ('healthwatch', 'bosh_task', 'bosh_event_log', 'bosh_debug')
),
point AS (
    SELECT drill, source_type,
           median(diff_s) AS median_s,
           max(lo_s) AS lo_s, min(hi_s) AS hi_s,
           count(*) AS n,
           arg_min(evidence, (k, capability, a_ref, b_ref)) AS evidence,
           arg_min(a_ref, (k, capability, a_ref, b_ref)) AS evidence_ref,
           arg_min(b_ref, (k, capability, a_ref, b_ref)) AS reference_ref
    FROM pairs GROUP BY ALL
),
a_rows AS (
    SELECT drill, source_type,
           CASE source_type WHEN 'cf_cli' THEN 'cf probe host (date/ts lines, CF_TRACE)'
                            WHEN 'cf_logs' THEN 'loggregator timestamps'
                            ELSE source_type END AS clock,
           'healthwatch (director NTP)' AS reference,
           'transitions' AS method, 'point' AS kind,
           CASE WHEN lo_s IS NULL OR hi_s IS NULL OR lo_s <= hi_s
                THEN greatest(lo_s, least(hi_s, median_s)) ELSE median_s END AS offset_s,
           lo_s AS offset_min_s, hi_s AS offset_max_s, n,
           (lo_s IS NULL OR hi_s IS NULL OR lo_s <= hi_s) AS consistent,
           evidence, evidence_ref, reference_ref
    FROM point
),
-- (b) vm snapshot vs health monitor ---------------------------------------------------------------------------
hm AS (
    SELECT e.drill, e.instance, min(e.ts) AS hm_ts,
           arg_min(e.source_file || ':' || e.source_line, (e.ts, e.source_file, e.source_line)) AS hm_ref
    FROM events e JOIN drill_kinds USING (drill)
    WHERE e.kind = 'hm_alert' AND e.instance IS NOT NULL AND e.ts IS NOT NULL
      AND e.source_type IN ('bosh_debug', 'bosh_table')
      AND regexp_matches(e.message, '(?i)timed out|recreate|resurrection|unresponsive|meltdown')
    GROUP BY ALL
),
snaps AS (
    SELECT drill, instance, ts, trim(process_state) AS state, source_file, source_line
    FROM vm_states
    WHERE process IS NULL AND ts IS NOT NULL AND ts_basis = 'date_line' AND instance IS NOT NULL
),
down AS (
    SELECT drill, instance, min(ts) AS down_ts,
           arg_min(source_file || ':' || source_line, (ts, source_file, source_line)) AS down_ref
    FROM snaps WHERE state = 'unresponsive agent' GROUP BY ALL
),
vm_pairs AS (
    SELECT d.drill, d.instance, d.down_ts, d.down_ref, h.hm_ts, h.hm_ref,
           (SELECT max(s.ts) FROM snaps s WHERE s.drill = d.drill AND s.instance = d.instance
              AND s.state = 'running' AND s.ts < d.down_ts) AS up_ts
    FROM down d JOIN hm h USING (drill, instance)
),
b_rows AS (
    SELECT drill, 'bosh_table' AS source_type, 'operator shell date lines (bosh vms captures)' AS clock,
           'BOSH health monitor alert (director)' AS reference,
           'vm_snapshot_vs_hm' AS method, 'bound' AS kind, NULL::DOUBLE AS offset_s,
           max(seconds_between(hm_ts, up_ts)) AS offset_min_s,
           min(seconds_between(hm_ts, down_ts) + 180) AS offset_max_s,
           count(*) AS n,
           coalesce(max(seconds_between(hm_ts, up_ts)) <= min(seconds_between(hm_ts, down_ts) + 180), true) AS consistent,
           arg_min(format('{} unresponsive agent in {} at {} (last running {}) vs HM alert {} at {}',
                          instance, down_ref, align_hms(down_ts), coalesce(align_hms(up_ts), 'never seen'),
                          hm_ref, align_hms(hm_ts)),
                   (down_ts, instance)) AS evidence,
           arg_min(down_ref, (down_ts, instance)) AS evidence_ref,
           arg_min(hm_ref, (down_ts, instance)) AS reference_ref
    FROM vm_pairs GROUP BY drill
),
-- (c) mail hops ---------------------------------------------------------------------------------------------------
mails AS (  -- one row per mail (a grouped mail carries several alerts with one Message-ID)
    SELECT a.drill, a.source_file, a.source_line, any_value(a.ts) AS fired_ts, any_value(a.sent_at) AS sent_at,
           any_value(a.received_at) AS received_at,
           bool_or(e.ts_role = 'fired') AS body_time
    FROM alerts a JOIN drill_kinds USING (drill)
    LEFT JOIN events e ON e.drill = a.drill AND e.source_file = a.source_file AND e.source_line = a.source_line
                      AND e.source_type = a.source_type AND e.kind IN ('alert_email', 'email_notification')
    WHERE a.source_type = 'email'
    GROUP BY a.drill, a.source_file, a.source_line
),
c_rows AS (
    SELECT drill, 'email' AS source_type, 'mail server (first Received hop)' AS clock,
           'mail sender (Date header)' AS reference, 'mail_hops' AS method, 'bound' AS kind,
           NULL::DOUBLE AS offset_s, NULL::DOUBLE AS offset_min_s,
           min(seconds_between(sent_at, received_at)) AS offset_max_s, count(*) AS n, true AS consistent,
           arg_min(format('{}:{} Date {} → first Received {}: {:+.1f} s', source_file, source_line,
                          align_hms(sent_at), align_hms(received_at), seconds_between(sent_at, received_at)),
                   (seconds_between(sent_at, received_at), source_file)) AS evidence,
           arg_min(source_file || ':' || source_line, (seconds_between(sent_at, received_at), source_file)) AS evidence_ref,
           NULL AS reference_ref
    FROM mails WHERE sent_at IS NOT NULL AND received_at IS NOT NULL
    GROUP BY drill
    UNION ALL
    SELECT drill, 'email', 'mail sender (Date header)', 'alert firing time stated in the body', 'mail_hops', 'bound',
           NULL, NULL, min(seconds_between(fired_ts, sent_at)), count(*), true,
           arg_min(format('{}:{} fired {} (body) → Date {}: {:+.1f} s', source_file, source_line,
                          align_hms(fired_ts), align_hms(sent_at), seconds_between(fired_ts, sent_at)),
                   (seconds_between(fired_ts, sent_at), source_file)),
           arg_min(source_file || ':' || source_line, (seconds_between(fired_ts, sent_at), source_file)),
           NULL
    FROM mails WHERE body_time AND sent_at IS NOT NULL AND fired_ts IS NOT NULL
    GROUP BY drill
),
est AS (
    SELECT * FROM a_rows UNION ALL BY NAME SELECT * FROM b_rows UNION ALL BY NAME SELECT * FROM c_rows
)
SELECT drill, source_type, clock, reference, method, kind,
       round(offset_s, 3) AS offset_s, round(offset_min_s, 3) AS offset_min_s,
       round(offset_max_s, 3) AS offset_max_s, n, consistent,
       (kind = 'point' AND consistent AND offset_s IS NOT NULL
        AND (offset_min_s > 0 OR offset_max_s < 0)) AS applicable,
       CASE
           WHEN kind = 'bound' THEN 'a bound, not a point: never applied'
           WHEN NOT consistent THEN 'the pairs disagree (no offset explains all of them): not applied'
           WHEN offset_min_s > 0 OR offset_max_s < 0 THEN 'the bounds exclude 0: --align applies offset_s'
           ELSE 'consistent with 0 within the sampling resolution: --align applies nothing'
       END AS note,
       evidence, evidence_ref, reference_ref
FROM est
ORDER BY drill, source_type, method, clock;
