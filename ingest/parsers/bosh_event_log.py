"""`bosh task N --event` JSON lines (director event_log.rb): one compact JSON object per line.

Keys: time (unix seconds, UTC), stage, tags, total, task, index, state (started | finished | failed |
in_progress), progress, data ({error} / {status}); task-level errors `{"time", "error": {code, message}}`;
warnings/deprecations `{"time", "type", "message"}`. On a TTY the capture is wrapped in `Task N` /
`Task N done` lines, which give the task id and state.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from ingest.context import FileContext
from ingest.parsers._bosh import cck_row

NAME = "bosh_event_log"

SAMPLE = """\
{"time":1546480288,"stage":"Applying problem resolutions","tags":[],"total":16,"task":"VM for 'diego_cell/0a1b2c3d-0000-4000-8000-000000000001 (0)' with cloud ID 'vm-1' is not responding. (unresponsive_agent 269): Reboot VM","index":1,"state":"started","progress":0}
{"time":1546480379,"stage":"Applying problem resolutions","tags":[],"total":16,"task":"VM for 'diego_cell/0a1b2c3d-0000-4000-8000-000000000001 (0)' with cloud ID 'vm-1' is not responding. (unresponsive_agent 269): Reboot VM","index":1,"state":"finished","progress":100}
"""

_EVENT_START = re.compile(r'^\{"time":\d+,("stage"|"error"|"type")')
_TASK_HDR = re.compile(r"^Task (\d+)$")
_TASK_END = re.compile(r"^Task (\d+) (done|error|cancelled|timeout)$")


def probe(head: str) -> bool:
    for line in head.splitlines()[:8]:
        line = line.strip()
        if not line or _TASK_HDR.match(line):
            continue
        return bool(_EVENT_START.match(line))
    return False


def parse(ctx: FileContext) -> None:
    events: list[dict] = []
    cck: list[dict] = []
    task_id: int | None = None
    started: dict[tuple, datetime] = {}
    first_ts: datetime | None = None
    last_ts: datetime | None = None
    final_state: str | None = None
    for n, raw in enumerate(ctx.lines, 1):
        line = raw.strip()
        if not line:
            ctx.count(ignorable=1)
            continue
        if m := _TASK_HDR.match(line):
            task_id = int(m.group(1))
            ctx.count(parsed=1)
            continue
        if m := _TASK_END.match(line):
            task_id, final_state = int(m.group(1)), m.group(2)
            ctx.count(parsed=1)
            continue
        try:
            ev = json.loads(line)
            ts = datetime.fromtimestamp(int(ev["time"]), UTC)
        except (ValueError, KeyError, TypeError, OverflowError):
            ctx.quarantine(n, "not a BOSH event JSON object", raw)
            continue
        if not isinstance(ev, dict):
            ctx.quarantine(n, "not a BOSH event JSON object", raw)
            continue
        ctx.count(parsed=1)
        first_ts = first_ts or ts
        last_ts = ts
        base = {"ts": ts, "task_id": task_id, "source_line": n}
        if "error" in ev:
            err = ev["error"] if isinstance(ev["error"], dict) else {"message": str(ev["error"])}
            events.append(
                {
                    **base,
                    "ts_role": "logged",
                    "kind": "bosh_task_error",
                    "severity": "error",
                    "message": f"Error {err.get('code', '')}: {err.get('message', '')}".strip(),
                }
            )
            continue
        if "type" in ev:
            events.append(
                {
                    **base,
                    "ts_role": "logged",
                    "kind": f"bosh_{ev['type']}",
                    "severity": "warning",
                    "message": str(ev.get("message", "")),
                }
            )
            continue
        stage, task, state = str(ev.get("stage", "")), str(ev.get("task", "")), str(ev.get("state", ""))
        tags = ev.get("tags") or []
        key = (stage, tuple(tags), task)
        data = ev.get("data") or {}
        msg = f"{stage}{' ' + ', '.join(map(str, tags)) if tags else ''}: {task}"
        dur = None
        if state == "started":
            started[key] = ts
        elif state in ("finished", "failed") and key in started:
            dur = (ts - started[key]).total_seconds()
        if state == "failed" and isinstance(data, dict) and data.get("error"):
            msg += f" -- Error: {data['error']}"
        elif state == "in_progress" and isinstance(data, dict) and data.get("status"):
            msg += f" -- {data['status']}"
        events.append(
            {
                **base,
                "ts_role": state or "logged",
                "kind": "bosh_stage",
                "component": "bosh",
                "severity": "error" if state == "failed" else "info",
                "message": msg,
            }
        )
        if state in ("finished", "failed") and (row := cck_row(task, stage)):
            cck.append({**base, **row, "ts": started.get(key, ts), "duration_s": dur})
    ctx.emit("events", events)
    if cck:
        ctx.emit("cck_problems", cck)
    if task_id is not None and first_ts is not None:
        ctx.emit(
            "bosh_tasks",
            [
                {
                    "task_id": task_id,
                    "state": final_state,
                    "started_at": first_ts,
                    "ended_at": last_ts,
                    "source_line": 1,
                }
            ],
        )
