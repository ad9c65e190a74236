-- grain: drill, capability
-- upstream: capability_metrics, stg_observations
-- A capability the drill claims (a capability_metrics row) that no probe ever observed (ok not NULL).
-- Grain: one row per offending (drill, capability).
-- Upstream: capability_metrics, stg_observations.
-- CONTRACT §4: "A probe that did not run (Healthwatch −1) is no observation": a capability known only from
-- not-run probes or from drill.toml `capabilities` has no measured availability.
SELECT c.drill, c.capability, c.unknown_s
FROM capability_metrics c
WHERE NOT EXISTS (SELECT 1 FROM stg_observations o WHERE o.drill = c.drill AND o.capability = c.capability)
ORDER BY c.drill, c.capability;
