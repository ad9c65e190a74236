-- The drill's key moments for the report table. grain: one row per timeline row; upstream: timeline
select ts, phase, what, source_type, source_file, source_line from timeline where drill = $drill order by ts, phase
