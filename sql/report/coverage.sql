-- grain: source_file
-- upstream: ingest_files, ingest_segments
-- What of the drill's files was read: per file its kind, lines read, quarantined and in no parser's reach, and
-- why (its ingest message). grain: one row per file; upstream: ingest_files, ingest_segments
with unread as (
    select drill, source_file, sum(lines) as n
    from ingest_segments where status = 'unrecognized' group by all
)
select f.source_file, coalesce(nullif(f.source_type, ''), '-') as kind, f.status,
       case when f.status in ('ok', 'partial') then f.lines - f.quarantined - coalesce(u.n, 0) else 0 end as lines_read,
       coalesce(f.quarantined, 0) as quarantined,
       case when f.status in ('ok', 'partial') then coalesce(u.n, 0) else coalesce(f.lines, 0) end as unrecognized,
       coalesce(f.message, '') as why
from ingest_files f left join unread u using (drill, source_file)
where f.drill = $drill
order by f.status = 'ok', f.source_file
