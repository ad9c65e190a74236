-- grain: key
-- upstream: clock_skew
-- Clock corrections applied to one drill. grain: drill x key; upstream: clock_skew
SELECT * FROM clock_skew WHERE drill = $drill ORDER BY key
