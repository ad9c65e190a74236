-- grain: step_no
-- upstream: plan_steps
-- Planned vs observed steps of one drill (drill.toml [[plan]]). grain: one row per planned step; upstream: plan_steps
select step_no, step, step_ko, planned_at, observed_at, delta_s, tolerance_s, status, observed_what, evidence, match
from plan_steps where drill = $drill order by step_no
