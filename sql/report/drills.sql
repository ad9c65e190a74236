-- grain: drill
-- upstream: drill_metrics, drills
-- All drills for the index page, with drill.toml's Korean name_ko and fault_ko for `report --lang ko`. grain: one row
-- per drill; upstream: drill_metrics, drills
select m.drill, coalesce(d.name, m.drill) as name, m.foundation, coalesce(d.timezone, 'UTC') as timezone, d.fault,
       case when json_valid(d.config) then json_extract_string(d.config, '$.name_ko') end as name_ko,
       case when json_valid(d.config) then json_extract_string(d.config, '$.fault_ko') end as fault_ko,
       m.injected_at, m.injected_by, m.detected_at, m.notified_at, m.recovered_at, m.ttd_s, m.ttn_s, m.ttr_s,
       m.injected_evidence, m.detected_evidence, m.notified_evidence, m.recovered_evidence
from drill_metrics m left join drills d using (drill)
where coalesce(d.kind, 'drill') = 'drill'
order by m.injected_at nulls last, m.drill
