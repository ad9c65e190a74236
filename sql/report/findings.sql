-- grain: rule, evidence
-- upstream: findings
-- The drill's findings for the report's first screen, worst first. grain: one row per finding; upstream: findings
select rule, severity, finding, evidence, ts
from findings where drill = $drill
order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end, ts nulls last, rule
