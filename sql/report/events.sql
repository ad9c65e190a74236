-- The event timeline of one drill: every event with its source, for the lane chart and the table.
-- grain: one row per events row; upstream: events, alerts (e-mails as their own lane)
select ts, source_type, kind, coalesce(severity, '') as severity, message, source_file, source_line
from events where drill = $drill and ts is not null
order by ts, source_file, source_line
