-- macro: fault_note
-- fault_note: an operator note that names the drill.toml `fault`, or reads like one (power off,
-- shutdown, 전원 off/차단, 장애 주입, inject, fault, halt, unplug).
CREATE OR REPLACE MACRO fault_note(message, fault) AS
    regexp_matches(message,
        '(?i)(power(ed)?[ _-]?off|shut ?down|전원\s*(off|오프|차단|끔|내림)|장애\s*(주입|발생)|inject|\bfault\b|\bhalt|unplug|pull(ed)? the plug)')
    OR (fault IS NOT NULL AND contains(lower(message), lower(fault)));
