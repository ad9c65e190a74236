-- grain: ts, phase, what, source_file, source_line
-- upstream: timeline
-- The drill's key moments for the report table (the operators' own `[[markers]]` among them), with the capability a
-- moment is about (for the page's filter).
-- grain: one row per timeline row; a phase with more than 500 rows (a flapping check or a busy
-- app's failed requests: tens of thousands of outages) shows its first and last 250 and one row saying how many are
-- left out of the page (all stay in table `timeline`); rows from drill.toml (the injection it sets, the operators'
-- markers) are always shown.
with p as (
    select *, coalesce(source_file = 'drill.toml', false) as pinned from timeline where drill = $drill
),
t as (
    select ts, phase, what, source_type, source_file, source_line, pinned,
           row_number() over (partition by phase, pinned order by ts, source_file, source_line) as k,
           count(*) over (partition by phase, pinned) as n
    from p
),
rows_ as (
    select ts, phase, what, source_type, source_file, source_line
    from t where pinned or n <= 500 or k <= 250 or k > n - 250
    union all
    select min(ts), phase,
           format('… {:,} more {} rows left out of this page (all are in table timeline)', count(*), phase),
           null, null, null
    from t where not pinned and n > 500 and k > 250 and k <= n - 250
    group by phase
)
select ts, phase, what, source_type, source_file, source_line,
       nullif(regexp_extract(what, '^(cf_push|cf_login|cf_api|apps_manager|app_traffic|healthwatch|bosh_director|ops_manager)\b', 1), '')
           as capability
from rows_
order by ts, phase
