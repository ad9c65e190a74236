-- grain: drill
-- upstream: drill_context, vm_states
-- even_az_count: the deployment spans an even number of AZs, so losing one AZ can leave no majority.
-- Grain: one row per drill whose VMs span an even number (2 or more) of AZs.
-- Upstream: drill_context, vm_states.
-- The AZs are the distinct `az` values of the drill's vm_states rows (blank and `-` ignored). The seed: "3개 이상의
-- AZ로 구성 시 AZ 수는 홀 수여야 한다" (with 3 or more AZs, use an odd number): quorum jobs (etcd/consul, MySQL
-- Galera, NATS) need a majority of their instances. Severity: warning. Evidence: the first row of the capture.
WITH rows_ AS (
    SELECT v.drill, trim(v.az) AS az, v.ts, v.source_file, v.source_line,
           row_number() OVER (PARTITION BY v.drill ORDER BY v.ts NULLS LAST, v.source_file, v.source_line) AS n
    FROM vm_states v JOIN drill_context c USING (drill)
    WHERE nullif(trim(v.az), '') IS NOT NULL AND trim(v.az) <> '-'
),
azs AS (
    SELECT drill, list_sort(list(DISTINCT az)) AS az_list,
           any_value(source_file || ':' || source_line) FILTER (WHERE n = 1) AS evidence,
           any_value(ts) FILTER (WHERE n = 1) AS ts
    FROM rows_ GROUP BY drill
)
SELECT drill, 'even_az_count' AS rule, 'warning' AS severity,
       format('The deployment spans {} AZs ({}): an even number of AZs; losing one leaves quorum jobs (MySQL, NATS, Diego database) without a safe majority; the seed asks for an odd number of AZs.',
              array_length(az_list), array_to_string(az_list, ', ')) AS finding,
       format('deployment가 AZ {}개({})에 걸쳐 있습니다: AZ 수가 짝수여서 하나를 잃으면 쿼럼 작업(MySQL, NATS, Diego 데이터베이스)에 안전한 과반이 남지 않습니다. 시드 문서: AZ가 3개 이상이면 AZ 수는 홀수여야 합니다.',
              array_length(az_list), array_to_string(az_list, ', ')) AS finding_ko,
       evidence, ts
FROM azs
WHERE array_length(az_list) >= 2 AND array_length(az_list) % 2 = 0
ORDER BY drill
