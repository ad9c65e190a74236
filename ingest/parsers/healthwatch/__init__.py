"""Healthwatch data: 1.x as read through Log Cache PromQL, Firehose nozzle text and operator CSV
exports; 2.x Prometheus `query_range` JSON and Grafana panel CSV exports.

Format reference: docs/formats/healthwatch-email.md §1.2–1.5, §2.1–2.4 (docs-pcf-healthwatch 1.4
and 2.x, cloudfoundry/log-cache, prometheus/prometheus docs, grafana/grafana csv.ts and
file_export.ts). The readers live in `json_export.py`, `csv_export.py`, `nozzle.py`; names, times,
gaps and the probe mapping in `series.py`.

Into `metrics`: one row per sample, `metric` the Healthwatch 1.x dotted name when known
(`health.check.cliCommand.push`, also for PromQL `health_check_cliCommand_push`), labels as a JSON
object string, `interval_s` the series' expected step (median spacing of its samples: query_range
responses do not echo `step`). A missing sample (omitted point, empty cell, `null`, `NaN`) is a gap:
no row, never a zero.

Into `probes`: `health.check.cliCommand.push` → cf_push, `.login` → cf_login,
`health.check.CanaryApp.available` → apps_manager, `health.check.OpsMan.available` → ops_manager,
`health.check.bosh.director.success` → bosh_director (1 ok, 0 failed, −1 did not run → ok NULL,
status `not_run`); Healthwatch 2 `probe_success{instance=<URL>}` (Apps Manager canary, or Ops Manager
by host name) and the pas-sli-exporter failures of task push/login (`increase(...)` > 0 = failed).
"""

from __future__ import annotations

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.healthwatch import csv_export, json_export, nozzle

NAME = "healthwatch"
LOOKS_FOR = (
    "Healthwatch/Prometheus JSON (`resultType`, Log Cache envelopes), nozzle text or a metrics CSV header"
)

SAMPLE = """\
{
  "status": "success",
  "data": {
    "resultType": "matrix",
    "result": [
      {
        "metric": {"deployment": "p-healthwatch-5f3c0a9d2b7e41c6a8d1", "job": "healthwatch-forwarder",
                   "origin": "healthwatch"},
        "values": [
          [1546478880, "1"],
          [1546478940, "0"],
          [1546479240, "-1"]
        ]
      }
    ]
  }
}
"""

_READERS = (json_export, nozzle, csv_export)


def probe(head: str) -> bool:
    return any(r.probe(head) for r in _READERS)


def parse(ctx: FileContext) -> None:
    head = ctx.head()  # not ctx.text: a large CSV is streamed, never read whole
    for reader in _READERS:
        if reader.probe(head):
            reader.parse(ctx)
            return
    for n, raw in enumerate(ctx.lines, 1):  # called directly on something else: nothing is lost
        ctx.quarantine(n, "not a Healthwatch export", raw)
