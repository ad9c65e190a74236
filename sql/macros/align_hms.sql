-- macro: align_hms
-- align_hms(ts): HH:MM:SSZ in UTC, for the evidence text of clock_skew_estimates.
CREATE OR REPLACE MACRO align_hms(t) AS strftime(t AT TIME ZONE 'UTC', '%H:%M:%S') || 'Z';
