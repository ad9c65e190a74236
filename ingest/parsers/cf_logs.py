"""`cf logs APP --recent` output: `   2019-01-03T10:25:01.42+0900 [RTR/1] OUT <text>` lines.

Each record is a `log_lines` row, each RTR access-log record an `app_traffic` probe, CELL/API/HEALTH
lifecycle lines `app_instance` events; the vectorized reader is `cf/log_lines.py` (docs/formats/cf.md
§5). Everything else in the capture (prompts, `date` lines, a failed `cf logs` run) goes through the
shared cf engine (`cf/capture.py`); this module's probe claims captures that start with log lines.
"""

from __future__ import annotations

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.cf.capture import parse_capture, sniff

NAME = "cf_logs"
LOOKS_FOR = "`cf logs` lines (`2019-01-03T10:25:01.42+0900 [RTR/1] OUT …`)"

SAMPLE = """\
Retrieving logs for app order-api in org drill-org / space drill-space as drill-operator...

   2019-01-03T10:25:01.42+0900 [RTR/1] OUT order-api.apps.pcf.example.com - [2019-01-03T01:24:56.350+0000] "GET /actuator/health HTTP/1.1" 502 0 67 "-" "curl/7.29.0" "10.193.71.10:40119" "10.193.70.41:61012" x_forwarded_for:"10.10.4.21, 10.193.71.10" x_forwarded_proto:"https" vcap_request_id:"d3f530d3-b247-4695-a980-7b76bf6a0aae" response_time:5.069916572 app_id:"a3f1c9e2-6b7d-4e21-8f35-2c9d0b7e4a61" app_index:"0"
   2019-01-03T10:25:01.42+0900 [RTR/1] OUT 
   2019-01-03T10:27:14.12+0900 [API/1] OUT Process has crashed with type: "web"
"""  # noqa: W291


def probe(head: str) -> bool:
    return sniff(head) == "logs"


def parse(ctx: FileContext) -> None:
    parse_capture(ctx)
