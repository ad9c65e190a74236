"""`cf events APP` tables (v6 legacy table and v7/v8 table) and CC `/v2/events` / `/v3/audit_events` JSON.

Each event becomes an `events` row of kind `app_event` (component = the app); the table and JSON readers
are `cf/events_table.py` (docs/formats/cf.md §4, §7). The capture around the table (prompts, `date`
lines, other cf runs) goes through the shared cf engine (`cf/capture.py`), so a `cf events` run is also a
`cf_api` probe; this module's probe claims captures that start with `cf events` output or an events JSON.
"""

from __future__ import annotations

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.cf.capture import parse_capture, sniff

NAME = "cf_events"
LOOKS_FOR = "a `cf events` table (`time  event  actor  description`) or `/v2/events`, `/v3/audit_events` JSON"

SAMPLE = """\
[drill@jumpbox-01 ~]$ date
Thu Jan  3 10:50:12 KST 2019
[drill@jumpbox-01 ~]$ cf events order-api
Getting events for app order-api in org drill-org / space drill-space as drill-operator...

time                          event                     actor                        description
2019-01-03T10:27:14.00+0900   app.crash                 order-api                    index: 1, reason: CRASHED, exit_description: APP/PROC/WEB: Exited with status 1
2019-01-02T17:13:02.00+0900   audit.app.update          drill-operator@example.com   state: STARTED
"""


def probe(head: str) -> bool:
    return sniff(head) == "events"


def parse(ctx: FileContext) -> None:
    parse_capture(ctx)
