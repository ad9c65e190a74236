-- grain: capability, started_at
-- upstream: outages
-- The outage table of one drill: every outage of every capability with its start and end evidence.
-- grain: one row per outage; past 500 outages the first and last 250 and one row counting the rest (n_left_out)
-- (all stay in table `outages`). upstream: outages
with o as (
    select capability, started_at, ended_at, duration_s, open, start_evidence, end_evidence,
           row_number() over (order by started_at, capability) as k, count(*) over () as n
    from outages where drill = $drill
)
select capability, started_at, ended_at, duration_s, open, start_evidence, end_evidence, null::BIGINT as n_left_out
from o where n <= 500 or k <= 250 or k > n - 250
union all
select null, min(started_at), null, null, null, null, null, count(*)
from o where n > 500 and k > 250 and k <= n - 250
having count(*) > 0
order by started_at, capability nulls last
