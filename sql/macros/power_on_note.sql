-- macro: power_on_note
-- power_on_note: an operator note that reads like the server coming back (power on, boot, 기동, 재기동,
-- 전원 on, ...); drill_context.power_on_at is the first one at or after injected_at.
CREATE OR REPLACE MACRO power_on_note(message) AS
    regexp_matches(message,
        '(?i)(power(ed)?[ _-]?on\b|\bboot(ed)?\b|전원\s*(on|온|인가|켬)|재기동|기동|부팅|server (is )?(up|started|back))');
