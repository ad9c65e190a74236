-- macro: finding_dur
-- finding_dur(seconds): a duration like 12m25s or 1h02m03s, for the text of findings.
CREATE OR REPLACE MACRO finding_dur(s) AS
    CASE WHEN s IS NULL THEN '?'
         WHEN round(s) >= 3600 THEN format('{:d}h{:02d}m{:02d}s', (round(s) // 3600)::BIGINT,
                                           ((round(s) % 3600) // 60)::BIGINT, (round(s) % 60)::BIGINT)
         ELSE format('{:d}m{:02d}s', (round(s) // 60)::BIGINT, (round(s) % 60)::BIGINT) END;
