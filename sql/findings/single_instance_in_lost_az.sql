-- grain: drill, evidence
-- upstream: drill_context, vm_states
-- single_instance_in_lost_az: an instance group with a single instance (blobstore, HAProxy, NFS server, ...) sat in the lost AZ.
-- Grain: one row per (drill, single-instance group in the lost AZ).
-- Upstream: drill_context (lost_az), vm_states.
-- A group is `instance` before the `/`; it is single-instance when every `bosh vms`/`bosh instances` capture of
-- the drill shows one instance of it. The seed: "BlobStore의 instance 수는 무조건 1개로만 배포된다 ... BlobStore가
-- 구성 된 AZ가 내려갈 시 플랫폼을 살릴수 없을 수 있는"; drill 1 lost HAProxy with its AZ. Severity: critical for
-- stateful or entry-point singletons (blobstore, nfs_server, ha_proxy/haproxy, mysql, credhub, uaa), else warning.
-- Evidence: the instance's row in the lost AZ, preferring one that shows it not running during the drill.
WITH inst AS (
    SELECT v.drill, split_part(v.instance, '/', 1) AS grp, v.instance, v.az, v.ts, v.process_state,
           v.source_file, v.source_line, c.lost_az, c.lost_az_by, c.timezone, c.injected_at
    FROM vm_states v JOIN drill_context c USING (drill)
    WHERE nullif(trim(v.instance), '') IS NOT NULL AND c.lost_az IS NOT NULL
),
singles AS (
    SELECT drill, grp FROM inst GROUP BY drill, grp HAVING count(DISTINCT instance) = 1
),
pick AS (
    SELECT i.* FROM inst i JOIN singles s USING (drill, grp)
    WHERE lower(trim(i.az)) = lower(trim(i.lost_az))
    QUALIFY row_number() OVER (
        PARTITION BY i.drill, i.grp
        ORDER BY (i.ts >= i.injected_at AND trim(coalesce(i.process_state, '')) NOT IN ('', '-', 'running')) DESC,
                 i.ts NULLS LAST, i.source_file, i.source_line) = 1
)
SELECT drill, 'single_instance_in_lost_az' AS rule,
       CASE WHEN regexp_matches(grp, '(?i)(blobstore|nfs|ha_?proxy|mysql|credhub|uaa)') THEN 'critical'
            ELSE 'warning' END AS severity,
       format('{} has a single instance ({}) and it sat in the lost AZ {} ({}){}: the platform had no copy of it in the other AZs.',
              grp, instance, lost_az, CASE WHEN lost_az_by = 'manifest' THEN 'drill.toml' ELSE 'inferred' END,
              CASE WHEN ts >= injected_at AND trim(coalesce(process_state, '')) NOT IN ('', '-', 'running')
                   THEN format('; `{}` at {}', process_state, finding_clock(ts, timezone)) ELSE '' END) AS finding,
       format('{} 그룹은 인스턴스가 하나({})뿐이고 잃은 AZ {}({})에 있었습니다{}: 다른 AZ에는 사본이 없었습니다.',
              grp, instance, lost_az, CASE WHEN lost_az_by = 'manifest' THEN 'drill.toml' ELSE '추정' END,
              CASE WHEN ts >= injected_at AND trim(coalesce(process_state, '')) NOT IN ('', '-', 'running')
                   THEN format('; {}에 `{}`', finding_clock(ts, timezone), process_state) ELSE '' END) AS finding_ko,
       source_file || ':' || source_line AS evidence, ts
FROM pick
ORDER BY drill, grp
