-- even_az_count: the deployment spans an even number of AZs, so losing one AZ can leave no majority.
-- Grain: one row per drill whose VMs span an even number (2 or more) of AZs.
-- Upstream: drill_context, vm_states.
-- The AZs are the distinct `az` values of the drill's vm_states rows (blank and `-` ignored). The seed: "3개 이상의
-- AZ로 구성 시 AZ 수는 홀 수여야 한다" (with 3 or more AZs, use an odd number): quorum jobs (etcd/consul, MySQL
-- Galera, NATS) need a majority of their instances. Severity: warning. Evidence: the first row of the capture.
WITH azs AS (
    SELECT v.drill, list_sort(list(DISTINCT trim(v.az))) AS az_list,
           arg_min(v.source_file || ':' || v.source_line, [epoch_us(coalesce(v.ts, TIMESTAMPTZ '1970-01-01')), v.source_line]) AS evidence,
           min(v.ts) AS ts
    FROM vm_states v JOIN drill_context c USING (drill)
    WHERE nullif(trim(v.az), '') IS NOT NULL AND trim(v.az) <> '-'
    GROUP BY v.drill
)
SELECT drill, 'even_az_count' AS rule, 'warning' AS severity,
       format('The deployment spans {} AZs ({}): an even number of AZs; losing one leaves quorum jobs (MySQL, NATS, Diego database) without a safe majority; the seed asks for an odd number of AZs.',
              len(az_list), array_to_string(az_list, ', ')) AS finding,
       evidence, ts
FROM azs
WHERE len(az_list) >= 2 AND len(az_list) % 2 = 0
ORDER BY drill
