-- macro: finding_dur
-- finding_dur(seconds): a duration like 12m25s or 1h02m03s, for the text of findings.
-- The whole seconds are a BIGINT before `//`: DuckDB's `//` of DOUBLEs divides exactly (90.0 // 60 = 1.5, which
-- the cast would round to 2).
CREATE OR REPLACE MACRO finding_dur(s) AS
    CASE WHEN s IS NULL THEN '?'
         WHEN round(s) >= 3600 THEN format('{:d}h{:02d}m{:02d}s', round(s)::BIGINT // 3600,
                                           (round(s)::BIGINT % 3600) // 60, round(s)::BIGINT % 60)
         ELSE format('{:d}m{:02d}s', round(s)::BIGINT // 60, round(s)::BIGINT % 60) END;
