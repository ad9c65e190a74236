-- grain: ref, source_line
-- upstream: alerts, events, log_lines, metrics, probes, quarantine, source_lines, vm_states
-- The lines around each cited `file:line` of one drill, for the evidence snippets of the page: up to 3 lines before
-- and after, from the redacted text of the input kept at ingest (source_lines, small inputs); for an input too big
-- to keep, the parsed rows of that file near the line (log_lines, events, probes, alerts, metrics, vm_states,
-- quarantine).
-- grain: one row per (ref, line shown); cited = the line the ref points at. $refs: the refs of the page.
with refs as (
    select ref, regexp_extract(ref, '^(.*):\d+$', 1) as file, cast(regexp_extract(ref, ':(\d+)$', 1) as BIGINT) as line
    from (select unnest($refs::VARCHAR[]) as ref)
    where regexp_matches(ref, ':\d+$')
),
kept as (
    select r.ref, s.source_line, s.text
    from refs r join source_lines s
      on s.drill = $drill and s.source_file = r.file and s.source_line between r.line - 3 and r.line + 3
),
parsed as (
    select source_file, source_line, message as text from log_lines where drill = $drill
    union all
    select source_file, source_line, message from events where drill = $drill
    union all
    select source_file, source_line,
           capability || ' ' || coalesce(status, case when ok then 'ok' else 'failed' end) || coalesce(': ' || detail, '')
    from probes where drill = $drill
    union all
    select source_file, source_line, state || ': ' || coalesce(subject, alert, '') from alerts where drill = $drill
    union all
    select source_file, source_line, metric || ' = ' || value from metrics where drill = $drill
    union all
    select source_file, source_line, coalesce(instance, '?') || ' ' || coalesce(process_state, '')
    from vm_states where drill = $drill
    union all
    select source_file, source_line, raw from quarantine where drill = $drill
),
rebuilt as (
    select r.ref, p.source_line, string_agg(distinct p.text, ' | ') as text
    from refs r join parsed p on p.source_file = r.file and p.source_line between r.line - 3 and r.line + 3
    where r.ref not in (select ref from kept)
    group by r.ref, p.source_line
)
select k.ref, k.source_line, k.text, k.source_line = r.line as cited, true as verbatim
from kept k join refs r using (ref)
union all
select b.ref, b.source_line, b.text, b.source_line = r.line, false
from rebuilt b join refs r using (ref)
order by ref, source_line
