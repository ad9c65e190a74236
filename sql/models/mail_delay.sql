-- model: mail_delay
-- grain: drill, source_file, source_line, alert
-- upstream: alerts, events
-- mail_delay: how long each alert e-mail took, from the firing time to the sender's Date header to the first hop.
-- Grain: one row per alerts row of an e-mail (a grouped Alertmanager mail gives one row per alert it carries).
-- The e-mail delivery delay per alert. Three clocks meet here: the firing time stated in the
-- body (the alerting server), the Date header (the sending server: the alerting server or a relay), the first
-- Received hop (the receiving mail server). All three are taken as the mail printed them (alerts.ts_original,
-- sent_at, received_at), never corrected: a negative delay shows a clock disagreement, not a time machine.
-- fired_from: 'body' when the body states the firing time; else the parser fell back to the Date header
-- ('Date header') or the first hop ('Received'), and the firing-based delays are NULL (unknown, not zero).
CREATE OR REPLACE TABLE mail_delay AS
WITH basis AS (
    SELECT drill, source_file, source_line, any_value(ts_role) AS ts_role
    FROM events
    WHERE source_type = 'email' AND kind IN ('alert_email', 'email_notification')
    GROUP BY ALL
)
SELECT a.drill, a.alert, a.state, a.kind, a.severity, a.subject, a.message_id, a.sender,
       a.ts_original AS fired_at,
       CASE b.ts_role WHEN 'fired' THEN 'body' WHEN 'sent' THEN 'Date header' WHEN 'received' THEN 'Received'
                      ELSE 'unknown' END AS fired_from,
       a.sent_at, a.received_at,
       CASE WHEN b.ts_role = 'fired' THEN (epoch_us(a.sent_at) - epoch_us(a.ts_original)) / 1000000.0
            END AS firing_to_sent_s,
       (epoch_us(a.received_at) - epoch_us(a.sent_at)) / 1000000.0 AS sent_to_received_s,
       CASE WHEN b.ts_role = 'fired' THEN (epoch_us(a.received_at) - epoch_us(a.ts_original)) / 1000000.0
            END AS firing_to_received_s,
       a.source_file, a.source_line, a.source_file || ':' || a.source_line AS evidence
FROM alerts a
LEFT JOIN basis b USING (drill, source_file, source_line)
WHERE a.source_type = 'email'
ORDER BY a.drill, a.ts_original, a.source_file, a.source_line, a.alert;
