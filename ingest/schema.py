"""The lake's tables: one pyarrow schema per table, used by every parser, the lake writer and the tests.

Column names and meanings follow CONTRACT §3; columns beyond the contract are additions (never renames).
Timestamps are UTC instants (`timestamp[us, tz=UTC]`).
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")
STR = pa.string()
INT = pa.int64()
F64 = pa.float64()
BOOL = pa.bool_()

# Provenance columns every input-derived row carries.
_PROV = [("source_file", STR), ("source_line", INT), ("source_type", STR)]


def _schema(cols: list[tuple[str, pa.DataType]], prov: bool = True) -> pa.Schema:
    return pa.schema([("drill", STR), *cols, *(_PROV if prov else [])])


SCHEMAS: dict[str, pa.Schema] = {
    "ingest_files": _schema(
        [
            ("source_file", STR),
            ("source_type", STR),
            ("sha256", STR),
            ("bytes", INT),
            ("lines", INT),
            ("parsed_lines", INT),
            ("quarantined", INT),
            ("ignorable", INT),
            ("rows", INT),
            ("redactions", INT),
            ("status", STR),  # ok | partial | unrecognized | error
            ("message", STR),
            ("also_seen_as", STR),  # other paths with the same sha256 (duplicates, parsed once)
            ("ingested_at", TS),
        ],
        prov=False,
    ),
    # the parts of a file cut at its prompts/fences (ingest/segments.py); their counts add up to the file's
    "ingest_segments": _schema(
        [
            ("source_file", STR),
            ("first_line", INT),
            ("last_line", INT),
            ("source_type", STR),  # NULL when no parser reads the part
            ("command", STR),  # the command typed at the prompt that opens it
            ("lines", INT),
            ("parsed_lines", INT),
            ("quarantined", INT),
            ("ignorable", INT),
            ("status", STR),  # ok | partial | ignorable | unrecognized | error
            ("message", STR),
        ],
        prov=False,
    ),
    "events": _schema(
        [
            ("ts", TS),
            ("ts_role", STR),  # what the instant means: logged, started, finished, received, noted, ...
            ("kind", STR),
            ("capability", STR),
            ("component", STR),
            ("instance", STR),
            ("az", STR),
            ("severity", STR),
            ("task_id", INT),
            ("message", STR),
        ]
    ),
    # every record of a director debug log, health monitor log and `cf logs` (a multi-line record is one row)
    "log_lines": _schema(
        [
            ("ts", TS),
            ("level", STR),  # DEBUG/INFO/WARN/ERROR/FATAL as logged; OUT/ERR for `cf logs`
            ("component", STR),  # director | health_monitor; the cf log source (`RTR/1`, `APP/PROC/WEB/0`)
            ("thread", STR),  # the director's `[thread]` field (`task:1234`, `canary_update(...)`)
            ("task_id", INT),
            ("pid", INT),
            ("message", STR),  # the whole record, continuation lines joined with a newline
        ]
    ),
    "probes": _schema(
        [
            ("ts", TS),
            ("capability", STR),
            ("ok", BOOL),  # NULL when the check did not run (Healthwatch -1): no observation
            ("status", STR),  # ok | failed | not_run
            ("latency_ms", F64),
            ("detail", STR),
            ("interval_s", F64),  # the source's expected sampling interval, when known
            ("series", STR),  # probes read from a metric series: the series (metric and its telling label)
            ("mapped_by", STR),  # ... and the rule that mapped it to the capability
        ]
    ),
    "metrics": _schema(
        [
            ("ts", TS),
            ("metric", STR),
            ("value", F64),
            ("labels", STR),  # JSON object
            ("interval_s", F64),  # expected step of the series: a missing sample is a gap
        ]
    ),
    "alerts": _schema(
        [
            ("ts", TS),
            ("alert", STR),
            ("state", STR),  # firing | resolved
            ("severity", STR),
            ("subject", STR),
            ("kind", STR),  # alert | notification (forwarded/replied)
            ("message_id", STR),
            ("sent_at", TS),  # Date header
            ("received_at", TS),  # first Received hop
            ("sender", STR),
        ]
    ),
    "bosh_tasks": _schema(
        [
            ("task_id", INT),
            ("deployment", STR),
            ("description", STR),
            ("state", STR),
            ("user", STR),
            ("result", STR),
            ("started_at", TS),
            ("ended_at", TS),
            ("end_line", INT),  # the line that shows the end, when not source_line (the task's first line)
        ]
    ),
    "vm_states": _schema(
        [
            ("ts", TS),  # NULL when the capture carries no time
            ("ts_basis", STR),  # how ts was decided: task_line, date_line, file_time, drill, none
            ("deployment", STR),
            ("instance", STR),
            ("process", STR),  # monit process for `instances --ps` rows, NULL for the VM row
            ("az", STR),
            ("process_state", STR),  # as printed, e.g. `unresponsive agent`
            ("ips", STR),
            ("vm_cid", STR),
        ]
    ),
    "cck_problems": _schema(
        [
            ("ts", TS),
            ("task_id", INT),
            ("problem_id", INT),  # deployment_problems.id (the `#` column), NULL on apply lines
            ("problem_type", STR),  # unresponsive_agent, missing_vm, ...
            ("resource_id", INT),
            ("instance", STR),
            ("description", STR),
            ("resolution", STR),  # reboot_vm, recreate_vm, ignore, ... (NULL for a scan listing)
            ("plan", STR),  # the plan text as printed, e.g. `Reboot VM`
            ("duration_s", F64),
        ]
    ),
    "quarantine": _schema([("reason", STR), ("raw", STR)]),
    # the redacted text of each small input, one row per line (ingest/source_text.py): report context
    "source_lines": _schema([("text", STR)]),
    # one row per drill folder: its drill.toml with defaults applied (written at ingest)
    "drills": _schema(
        [
            ("name", STR),
            ("kind", STR),  # drill | monitoring
            ("foundation", STR),
            ("timezone", STR),
            ("director_timezone", STR),
            ("fault", STR),
            ("az", STR),
            ("date", pa.date32()),
            ("injected_at", TS),
            ("recovered_at", TS),
            ("has_toml", BOOL),
            ("root", STR),
            ("config", STR),  # the whole drill.toml as JSON, for keys added later (plan, clock_offsets)
        ],
        prov=False,
    ),
}

TABLES = tuple(SCHEMAS)
