-- macro: finding_clock
-- finding_clock(ts, tz): HH:MM:SS in the drill's zone, for the text of findings.
CREATE OR REPLACE MACRO finding_clock(ts, tz) AS strftime(timezone(coalesce(tz, 'UTC'), ts::TIMESTAMPTZ), '%H:%M:%S');
