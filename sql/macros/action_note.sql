-- macro: action_note
-- action_note: an operator note that reads like an operator action: cck, recreate, restart, reboot, power on,
-- 재기동, 기동, 복구 작업 (timeline: such a note is an `action` moment; other notes are observations).
CREATE OR REPLACE MACRO action_note(message) AS
    regexp_matches(message,
        '(?i)(\bcck\b|cloud ?check|recreate|restart|reboot|power(ed)?[ _-]?on|전원\s*on|재기동|기동|재시작|복구\s*작업|resurrect)');
