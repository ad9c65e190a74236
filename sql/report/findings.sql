-- grain: rule, evidence
-- upstream: findings
-- The drill's findings for the report's first screen, worst first, with each wording the build made (finding,
-- finding_ko: a Spark build collects `finding` only). grain: one row per finding; upstream: findings
select * exclude (drill)
from findings where drill = $drill
order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end, ts nulls last, rule
