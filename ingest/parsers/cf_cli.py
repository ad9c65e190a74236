"""Captured cf CLI runs: `cf push`, `cf login` / `cf auth`, `cf apps`, `cf app`, `cf curl /v2/info`.

Follows docs/formats/cf.md §0-§3, §6-§8 (cli@v6.41.0 util/ui and cf/terminal, command/translatableerror
templates, the CF_TRACE request loggers; cli@v8.18.4 command/v7): wrapper loops with `date` lines (C and
ko_KR locales, zone abbreviations such as KST), moreutils `ts` prefixes, `CF_TRACE=true` dumps
(refactored and legacy CRLF), both error styles, retries, Go 1.11 and >= 1.14 URL quoting, ANSI colour.
Each run is one `probes` row (cf_push / cf_login / cf_api), its error blocks `cf_error` events and its
app tables `app_state` events. The engine is shared with cf_events and cf_logs (`cf/capture.py`), since
one capture often mixes commands; this module's probe claims captures that start with such a run.
"""

from __future__ import annotations

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.cf.capture import parse_capture, sniff

NAME = "cf_cli"
LOOKS_FOR = "a cf command at a prompt or cf output (`Pushing app …`, `API endpoint:`, `FAILED`, a CF_TRACE `REQUEST:`)"

SAMPLE = """\
===== Thu Jan  3 10:29:49 KST 2019 =====
Unexpected Response
Response code: 502
CC code:       0
CC error code: 
Description:   502 Bad Gateway: Registered endpoint failed to handle the request.

FAILED
exit code: 1
"""  # noqa: W291


def probe(head: str) -> bool:
    return sniff(head) == "cli"


def parse(ctx: FileContext) -> None:
    parse_capture(ctx)
