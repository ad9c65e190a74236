-- grain: drill, measure
-- upstream: drill_comparison, drill_measures, drills
-- Drill vs drill: every measure of every drill with its verdict against the foundation's previous drill.
-- grain: one row per (drill, measure); upstream: drill_measures, drill_comparison, drills
select m.foundation, m.drill, coalesce(d.name, m.drill) as name, m.injected_at, m.measure, m.sort, m.value_s,
       c.previous_drill, c.previous_s, c.delta_s, c.verdict
from drill_measures m
left join drill_comparison c using (drill, measure)
left join drills d using (drill)
where m.foundation in (select foundation from drill_measures group by foundation having count(distinct drill) > 1)
union all  -- a measure the previous drill had and this one lacks
select c.foundation, c.drill, coalesce(d.name, c.drill), m.injected_at, c.measure, c.sort, null, c.previous_drill,
       c.previous_s, c.delta_s, c.verdict
from drill_comparison c
join (select distinct drill, injected_at from drill_measures) m using (drill)
left join drills d using (drill)
where c.value_s is null
order by foundation, sort, measure, injected_at, drill
