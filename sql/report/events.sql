-- grain: ts, source_type, kind, severity, source_file, source_line
-- upstream: alerts, drill_window, events
-- The event timeline of one drill: its events from 1 h before the injection to 1 h after the recovery.
-- grain: one row per events row; past 5,000 events in the window (a director debug log of a big deployment holds
-- hundreds of thousands) one row per (400th of the window, source_type, kind, severity): "N events; first: …" with
-- the first one's evidence, so the chart stays drawable and still points at the log.
-- upstream: events, drill_window, alerts
-- A mail saved twice (Message-ID) is one event: its first copy.
with mail_copies as (  -- the same mail saved twice (an .eml and inside an mbox): its later copies, by Message-ID
    select distinct source_file, source_line from alerts
    where drill = $drill and message_id is not null
    qualify (source_file, source_line) <> first((source_file, source_line)) over (
        partition by message_id order by ts, source_file, source_line)
),
e as (
    select ts, source_type, kind, coalesce(severity, '') as severity, message, source_file, source_line
    from events left join drill_window w using (drill)
    where drill = $drill and ts is not null and (w.window_from is null or ts between w.window_from and w.window_to)
      and (source_type <> 'email' or (source_file, source_line) not in (select (source_file, source_line) from mail_copies))
),
span as (
    select count(*) as n, min(ts) as t0,
           greatest((epoch_us(max(ts)) - epoch_us(min(ts))) / 400.0 / 1e6, 1) as width_s
    from e
)
select ts, source_type, kind, severity, message, source_file, source_line
from e where (select n from span) <= 5000
union all
select any_value(s.t0) + to_microseconds(((b.k + 0.5) * any_value(s.width_s) * 1e6)::BIGINT) as ts,
       b.source_type, b.kind, b.severity,
       count(*) || ' events; first: ' || arg_min(b.message, (b.ts, b.source_file, b.source_line)) as message,
       arg_min(b.source_file, (b.ts, b.source_file, b.source_line)) as source_file,
       arg_min(b.source_line, (b.ts, b.source_file, b.source_line)) as source_line
from (select e.*, least(floor((epoch_us(e.ts) - epoch_us(s.t0)) / 1e6 / s.width_s), 399) as k
      from e, span s where s.n > 5000) b,
     span s
group by b.k, b.source_type, b.kind, b.severity
order by ts, source_file, source_line
