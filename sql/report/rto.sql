-- grain: rto
-- upstream: drill_rto
-- TTR against the drill.toml RTO of one drill. grain: one row per drill with an rto; upstream: drill_rto
select rto, rto_s, ttr_s, rto_result, recovered_evidence from drill_rto where drill = $drill
