-- model: stg_alerts
-- grain: drill, source_file, source_line, alert
-- upstream: alerts
-- stg_alerts: firing alerts (kind 'alert': not forwarded/replied notifications), each mail counted once.
-- Grain: one row per (drill, alert, Message-ID): the earliest copy (ts, then source_file, source_line).
-- CONTRACT §4 (detected_at): "the first firing alert ... (the same mail seen twice counts once: Message-ID)".
-- A mail may carry several alerts ([FIRING:3]): they share a Message-ID and stay distinct by alert name.
-- Without a Message-ID (Alertmanager before 2020, BOSH health monitor log), a copy is the same alert,
-- subject and instant.
CREATE OR REPLACE VIEW stg_alerts AS
SELECT drill, ts, alert, state, severity, subject, kind, message_id, sent_at, received_at, source_type, source_file,
       source_line
FROM alerts
WHERE state = 'firing' AND coalesce(kind, 'alert') = 'alert' AND ts IS NOT NULL
QUALIFY row_number() OVER (
    PARTITION BY drill, coalesce(message_id, concat_ws('|', subject, ts::VARCHAR)), coalesce(alert, '')
    ORDER BY ts, source_file, source_line
) = 1;
