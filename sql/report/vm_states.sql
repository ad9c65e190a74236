-- grain: ts, instance
-- upstream: vm_states
-- VM process states over time (instance x snapshot), for the heatmap grouped by AZ.
-- grain: one row per VM row of a timed snapshot; upstream: vm_states (process rows excluded)
select ts, instance, coalesce(az, '-') as az, process_state
from vm_states where drill = $drill and ts is not null and process is null
order by az, instance, ts
