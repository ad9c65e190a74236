-- grain: ts, phase, what, source_file, source_line
-- upstream: timeline
-- The drill's key moments for the report table.
-- grain: one row per timeline row; a phase with more than 500 rows (a flapping check or a busy app's failed requests:
-- tens of thousands of outages) shows its first and last 250 and one row saying how many are left out of the page
-- (all stay in table `timeline`). upstream: timeline
with t as (
    select ts, phase, what, source_type, source_file, source_line,
           row_number() over (partition by phase order by ts, source_file, source_line) as k,
           count(*) over (partition by phase) as n
    from timeline where drill = $drill
)
select ts, phase, what, source_type, source_file, source_line
from t where n <= 500 or k <= 250 or k > n - 250
union all
select min(ts), phase,
       format('… {:,} more {} rows left out of this page (all are in table timeline)', count(*), phase),
       null, null, null
from t where n > 500 and k > 250 and k <= n - 250
group by phase
order by ts, phase
