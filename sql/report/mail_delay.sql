-- grain: source_file, source_line, alert
-- upstream: mail_delay
-- E-mail delivery delay per alert of one drill. grain: one row per alert mail; upstream: mail_delay
SELECT * FROM mail_delay WHERE drill = $drill ORDER BY fired_at, source_file, alert
