-- grain: source_file, source_line, alert
-- upstream: mail_delay
-- E-mail delivery delay per alert of one drill. grain: one row per alert mail; upstream: mail_delay
-- A mail saved twice (an .eml and inside an mbox) is one row: its first copy by Message-ID.
SELECT * FROM mail_delay WHERE drill = $drill
QUALIFY row_number() OVER (
    PARTITION BY coalesce(message_id, source_file || ':' || source_line), alert, state
    ORDER BY fired_at, source_file, source_line) = 1
ORDER BY fired_at, source_file, alert
