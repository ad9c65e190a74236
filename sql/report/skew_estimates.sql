-- grain: source_type, method, clock
-- upstream: clock_skew_estimates
-- Clock-skew estimates of one drill for the report. grain: drill x source x method; upstream: clock_skew_estimates
SELECT * FROM clock_skew_estimates WHERE drill = $drill ORDER BY kind DESC, source_type, method, clock
