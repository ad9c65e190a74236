-- grain: ts, phase, what, source_file, source_line
-- upstream: drill_metrics, drills, timeline
-- The drill's key moments for the report table, with the capability a moment is about (for the page's filter) and
-- the operators' own `[[markers]]` of drill.toml listed among them (source_type 'drill.toml', phase: the phase the
-- timeline is in at that instant).
-- grain: one row per timeline row or operator marker; a phase with more than 500 rows (a flapping check or a busy
-- app's failed requests: tens of thousands of outages) shows its first and last 250 and one row saying how many are
-- left out of the page (all stay in table `timeline`). upstream: timeline, report/markers (operator markers: the
-- same parsing of `at`)
with t as (
    select ts, phase, what, source_type, source_file, source_line,
           row_number() over (partition by phase order by ts, source_file, source_line) as k,
           count(*) over (partition by phase) as n
    from timeline where drill = $drill
),
cfg as (
    select r.config, coalesce(r.timezone, 'UTC') as tz, r.date, m.injected_at
    from drills r left join drill_metrics m using (drill)
    where r.drill = $drill and json_valid(r.config) and json_type(r.config, '$.markers') = 'ARRAY'
),
operator as (
    select json_extract_string(c.config, '$.markers[' || i || '].at') as at_text,
           json_extract_string(c.config, '$.markers[' || i || '].label') as label, c.tz, c.date, c.injected_at
    from cfg c, range(json_array_length(c.config, '$.markers')::BIGINT) r(i)
),
marks as (
    select case
               when regexp_matches(at_text, '^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$')
                   then timezone(tz, (coalesce(date, timezone(tz, injected_at)::DATE)
                                      + try_cast(trim(at_text) as TIME))::TIMESTAMP)
               when regexp_matches(at_text, '(Z|[+-]\d{2}:?\d{2})\s*$') then try_cast(at_text as TIMESTAMPTZ)
               else timezone(tz, try_cast(at_text as TIMESTAMP))
           end as ts,
           'marker: ' || coalesce(label, at_text) as what
    from operator
),
rows_ as (
    select ts, phase, what, source_type, source_file, source_line
    from t where n <= 500 or k <= 250 or k > n - 250
    union all
    select min(ts), phase,
           format('… {:,} more {} rows left out of this page (all are in table timeline)', count(*), phase),
           null, null, null
    from t where n > 500 and k > 250 and k <= n - 250
    group by phase
    union all
    select m.ts, coalesce((select arg_max(t.phase, t.ts) from t where t.ts <= m.ts), 'baseline'), m.what,
           'drill.toml', 'drill.toml', null
    from marks m where m.ts is not null
)
select ts, phase, what, source_type, source_file, source_line,
       nullif(regexp_extract(what, '^(cf_push|cf_login|cf_api|apps_manager|app_traffic|healthwatch|bosh_director|ops_manager)\b', 1), '')
           as capability
from rows_
order by ts, phase
