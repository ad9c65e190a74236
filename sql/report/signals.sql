-- grain: capability, series, mapped_by, source_file
-- upstream: probes
-- Which metric series fed which capability on one drill, by which rule (CONTRACT §4 "probes from metric series"):
-- the probes read from Healthwatch, Prometheus and Grafana series carry their series and rule; samples counts
-- the observations (a Healthwatch −1 "did not run" is a sample, no observation), failed the failed ones.
select capability, series, mapped_by, source_file, count(*) as samples, count(*) filter (where ok = false) as failed
from probes
where drill = $drill and series is not null
group by all
order by capability, series, source_file
