"""`cf events APP` tables (v6 legacy and v7/v8 layouts) and CC `/v2/events` / `/v3/audit_events` JSON as
`app_event` rows.

Follows docs/formats/cf.md §4 and §7 (cli@v6.41.0 cf/commands/application/events.go, cli@v8.18.4
command/v7/events_command.go, cc app/models/runtime/event.rb): columns `time event actor description`, cut
at the header's column offsets; time `2006-01-02T15:04:05.00-0700` (CLI host local with its offset);
wrapped descriptions continue on lines padded to the description column; the description lists
`key: value` pairs in CC's fixed key order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.cf.columns import cells
from drillscope.ingest.wallclock import read_iso

EVENTS_HDR = re.compile(r"^time\s+event\s+actor\s+description\s*$")
EVENT_TS = re.compile(r"^(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))(?=\s|$)")
INDEX = re.compile(r"(?:^|, )index: (?P<i>\d+)")
# CC's description keys, in the order the CLI prints them (cf/api/resources/events.go)
DESC_KEYS = [
    "index", "reason", "cell_id", "instance", "exit_description", "exit_status", "recursive",
    "disk_quota", "instances", "memory", "state", "command", "environment_json",
]  # fmt: skip


def _parse_ts(s: str) -> datetime:
    t = read_iso(s)
    if t is None:
        raise ValueError(f"not a time with an offset: {s}")
    return t


def severity(event: str, desc: str) -> str:
    if event.endswith(".crash") or event == "app.crash":
        return "error"
    if event == "audit.app.stop" or "state: STOPPED" in desc:
        return "warning"
    return "info"


def _row(line: int, ts: datetime, event: str, actor: str, desc: str, app: str | None) -> dict[str, Any]:
    m = INDEX.search(desc)
    return {
        "ts": ts,
        "source_line": line,
        "ts_role": "logged",
        "kind": "app_event",
        "capability": None,
        "component": app,
        "instance": m.group("i") if m else None,
        "severity": severity(event, desc),
        "message": f"{event} ({actor}): {desc}" if desc else f"{event} ({actor})",
    }


def table_rows(
    rows: list[tuple[int, str]], cols: list[tuple[str, int]], app: str | None, bad: list
) -> list[dict[str, Any]]:
    """Rows of a `cf events` table cut at the header's offsets; continuation lines extend the
    previous description. Unreadable lines go to `bad` as (line, reason, raw)."""
    offs = {name: start for name, start in cols}
    d_off = offs.get("description", 10**6)
    out: list[dict[str, Any]] = []
    for n, raw in rows:
        line = raw.rstrip()
        m = EVENT_TS.match(line)
        if not m:
            if out and line[:d_off].strip() == "" and line.strip():
                out[-1]["_desc"] += " " + line.strip()
                continue
            bad.append((n, "cf events row without a time", raw))
            continue
        try:
            ts = _parse_ts(m.group("ts"))
        except ValueError:
            bad.append((n, "cf events row with a bad time", raw))
            continue
        if all(o <= len(line) and (o == 0 or line[o - 1] == " ") for o in offs.values() if o < len(line)):
            c = cells(line, cols)
            event, actor, desc = c.get("event", ""), c.get("actor", ""), c.get("description", "")
        else:  # not aligned with the header: split on the column gaps instead
            parts = re.split(r"\s{2,}", line.strip(), maxsplit=3) + ["", "", ""]
            event, actor, desc = parts[1], parts[2], parts[3]
        if not event:
            bad.append((n, "cf events row without an event type", raw))
            continue
        out.append({"_n": n, "_ts": ts, "_event": event, "_actor": actor, "_desc": desc})
    return [_row(r["_n"], r["_ts"], r["_event"], r["_actor"], r["_desc"], app) for r in out]


def _describe(meta: Any) -> str:
    if not isinstance(meta, dict):
        return ""
    if isinstance(meta.get("request"), dict):
        meta = meta["request"]
    parts = []
    for k in DESC_KEYS:
        if k in meta and not isinstance(meta[k], (dict, list)):
            v = meta[k]
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            parts.append(f"{k}: {v}")
    return ", ".join(parts)


def json_rows(doc: dict, line_of: Callable[[str], int]) -> list[dict[str, Any]] | None:
    """`/v2/events` or `/v3/audit_events` JSON as app_event rows; None when `doc` is neither."""
    res = doc.get("resources")
    if res is None and _one_audit_event(doc):
        res = [doc]  # one resource as `cf curl /v3/audit_events/<guid>` prints it
    if not isinstance(res, list):
        return None
    if not res:
        return [] if ("total_results" in doc or "pagination" in doc) else None
    first = res[0] if isinstance(res[0], dict) else {}
    v2 = isinstance(first.get("entity"), dict) and "type" in first["entity"]
    v3 = "type" in first and ("target" in first or "actor" in first) and "created_at" in first
    if not (v2 or v3):
        return None
    out = []
    for r in res:
        if not isinstance(r, dict):
            continue
        try:
            if v2:
                e, md = r.get("entity") or {}, r.get("metadata") or {}
                ts = _parse_ts(str(e.get("timestamp") or md.get("created_at")))
                event, actor = str(e.get("type", "")), str(e.get("actor_name") or e.get("actor") or "")
                app, desc, guid = e.get("actee_name"), _describe(e.get("metadata")), str(md.get("guid", ""))
            else:
                ts = _parse_ts(str(r.get("created_at")))
                event = str(r.get("type", ""))
                actor = str((r.get("actor") or {}).get("name") or (r.get("actor") or {}).get("guid") or "")
                app, desc, guid = (
                    (r.get("target") or {}).get("name"),
                    _describe(r.get("data")),
                    str(r.get("guid", "")),
                )
        except (ValueError, TypeError, AttributeError):
            continue
        out.append(_row(line_of(guid) if guid else line_of(event), ts, event, actor, desc, app))
    return out


class LineFinder:
    """The line each resource of a JSON document starts on, found in file order by a text it holds
    (its guid, else its type); the first line when none holds it."""

    def __init__(self, texts: list[str], numbers: list[int]) -> None:
        self.texts, self.numbers, self.pos = texts, numbers, 0

    def __call__(self, needle: str) -> int:
        for k in range(self.pos, len(self.texts)):
            if needle in self.texts[k]:
                self.pos = k + 1
                return self.numbers[record_start(self.texts, k)]
        return self.numbers[0]


def parse_json_file(ctx: FileContext) -> bool:
    """A saved `/v2/events` or `/v3/audit_events` response (the whole file is one JSON document)."""
    if not ctx.text.lstrip().startswith("{"):
        return False
    lines = ctx.lines
    try:
        doc = json.loads(ctx.text)
    except ValueError as e:
        if not looks_like_events_json(ctx.text[:16384]):
            return False
        blank = sum(1 for ln in lines if not ln.strip())
        ctx.count(ignorable=blank)
        ctx.quarantine_many(
            (n, f"invalid events JSON: {e}", ln) for n, ln in enumerate(lines, 1) if ln.strip()
        )
        return True
    if not isinstance(doc, dict):
        return False
    rows = json_rows(doc, LineFinder(lines, list(range(1, len(lines) + 1))))
    if rows is None:
        return False
    blank = sum(1 for ln in lines if not ln.strip())
    ctx.count(parsed=len(lines) - blank, ignorable=blank)
    if rows:
        ctx.emit("events", rows)
    return True


def record_start(lines: list[str], k: int) -> int:
    """The bare `{` line opening the resource whose guid is on line k (v2 nests it in `metadata`)."""
    for j in range(k - 1, max(k - 4, -1), -1):
        if lines[j].strip() == "{":
            return j
    return k


def _one_audit_event(doc: dict) -> bool:
    return isinstance(doc.get("type"), str) and "created_at" in doc and ("actor" in doc or "target" in doc)


_ONE_EVENT = re.compile(r'"type"\s*:\s*"(?:audit\.|app\.)[\w.-]+"')


def looks_like_events_json(head: str) -> bool:
    if (
        head.lstrip().startswith("{")
        and _ONE_EVENT.search(head)
        and '"created_at"' in head
        and ('"actor"' in head or '"target"' in head)
    ):
        return True
    return '"resources"' in head and (
        '"actee_type"' in head or '"audit.' in head or '"app.crash"' in head or '"audit_events' in head
    )
