-- model: drill_window
-- grain: drill
-- upstream: drill_metrics
-- drill_window: the stretch of time a drill's report pages show: from 1 h before the injection to 1 h after the
-- recovery (a `bosh tasks --recent` listing or a long capture also holds other days).
-- Grain: one row per drill with drill metrics. Upstream: drill_metrics.
-- window_to falls back to the injection when there is no recovery; both NULL without an injection (no limit).
CREATE OR REPLACE VIEW drill_window AS
SELECT drill,
       injected_at - INTERVAL 1 HOUR AS window_from,
       coalesce(recovered_at, injected_at) + INTERVAL 1 HOUR AS window_to
FROM drill_metrics;
