-- grain: drill, capability, started_at
-- upstream: outages
-- Outages that end before they start (or have no start or end).
-- Grain: one row per offending outage.
-- Upstream: outages.
-- CONTRACT §3/§4 outages: an interval [started_at, ended_at] with duration_s = ended_at − started_at ≥ 0.
SELECT drill, capability, started_at, ended_at, duration_s, start_evidence, end_evidence
FROM outages
WHERE started_at IS NULL OR ended_at IS NULL OR ended_at < started_at
ORDER BY drill, capability, started_at;
