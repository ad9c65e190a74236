"""`bosh task N --event` JSON lines (director event_log.rb): one compact JSON object per line.

Keys: time (unix seconds, UTC), stage, tags, total, task, index, state (started | finished | failed |
in_progress), progress, data ({error} / {status}); task-level errors `{"time", "error": {code, message}}`;
warnings/deprecations `{"time", "type", "message"}`. On a TTY the capture is wrapped in `Task N` /
`Task N done` lines, which give the task id and state; a redirected capture is pure JSONL (docs/formats/bosh.md §2).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.bosh.common import (
    ENV,
    cck_row,
    task_description,
    task_id_from_file_name,
)
from drillscope.ingest.terminal import strip_ansi

NAME = "bosh_event_log"
LOOKS_FOR = 'one JSON object per line with "time", "stage", "task" (`bosh task N --event`)'

SAMPLE = """\
{"time":1546480288,"stage":"Applying problem resolutions","tags":[],"total":16,"task":"VM for 'diego_cell/0a1b2c3d-0000-4000-8000-000000000001 (0)' with cloud ID 'vm-1' is not responding. (unresponsive_agent 269): Reboot VM","index":1,"state":"started","progress":0}
{"time":1546480379,"stage":"Applying problem resolutions","tags":[],"total":16,"task":"VM for 'diego_cell/0a1b2c3d-0000-4000-8000-000000000001 (0)' with cloud ID 'vm-1' is not responding. (unresponsive_agent 269): Reboot VM","index":1,"state":"finished","progress":100}
"""

_EVENT_START = re.compile(r'^\{"time":\d+,("stage"|"error"|"type")')
_TASK_HDR = re.compile(r"^Task (\d+)$")
_TASK_END = re.compile(r"^Task (\d+) (done|error|cancelled|timeout)$")


def probe(head: str) -> bool:
    lines = [strip_ansi(ln).strip() for ln in head.splitlines()[:40]]
    for k, line in enumerate(lines[:8]):
        # on a TTY the CLI prints `Using environment ...` (cmd/session.go) before `Task N`
        if not line or _TASK_HDR.match(line) or ENV.match(line):
            continue
        if not _EVENT_START.match(line):
            return False
        # the next line is another event or the CLI's own, not the rest of a debug-log SQL record that
        # quoted this event (`', "result_output" = …`)
        nxt = next((ln for ln in lines[k + 1 :] if ln), None)
        return (
            nxt is None
            or bool(_EVENT_START.match(nxt))
            or nxt.startswith(("Task ", "Succeeded", "Exit code"))
        )
    return False


def parse(ctx: FileContext) -> None:
    events: list[dict] = []
    cck: list[dict] = []
    task_id: int | None = None
    task_line: int | None = None
    started: dict[tuple, tuple[datetime, int]] = {}  # open (stage, tags, task) -> start instant, line
    stages: set[str] = set()
    first_ts: datetime | None = None
    last_ts: datetime | None = None
    final_state: str | None = None
    for n, raw in enumerate(ctx.lines, 1):
        line = strip_ansi(raw).strip()
        if not line:
            ctx.count(ignorable=1)
            continue
        if m := _TASK_HDR.match(line):
            task_id, task_line = int(m.group(1)), task_line or n
            ctx.count(parsed=1)
            continue
        if m := _TASK_END.match(line):
            task_id, final_state = int(m.group(1)), m.group(2)
            ctx.count(parsed=1)
            continue
        if ENV.match(line) or (line == "Succeeded" and final_state is not None):
            ctx.count(ignorable=1)  # the CLI's banner lines around a TTY capture
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
        task_line = task_line or n
        first_ts = first_ts or ts
        last_ts = ts
        base = {"ts": ts, "task_id": task_id, "source_line": n, "component": "bosh"}
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
        stages.add(stage)
        key = (stage, tuple(tags), task)
        data = ev.get("data") or {}
        # the CLI's rendering of the event (reporter.go): `<stage>[ <tags>]: <task>`
        msg = f"{stage}{' ' + ', '.join(map(str, tags)) if tags else ''}: {task}"
        cr = cck_row(task, stage)
        dur = None
        start: tuple[datetime, int] | None = None
        if state == "started":
            started[key] = (ts, n)
        elif state in ("finished", "failed") and key in started:
            start = started.pop(key)
            dur = (ts - start[0]).total_seconds()
        if state == "in_progress" and isinstance(data, dict) and data.get("status"):
            msg += f" -- {data['status']}"
        events.append(
            {
                **base,
                # a failed event is the end of its step, like finished (the same as bosh_task's text)
                "ts_role": "finished" if state == "failed" else (state or "logged"),
                "kind": "bosh_stage",
                "instance": cr["instance"] if cr else None,
                "severity": "error" if state == "failed" else "info",
                "message": msg,
            }
        )
        if state == "failed" and isinstance(data, dict) and data.get("error"):
            events.append(
                {
                    **base,
                    "ts_role": "finished",
                    "kind": "bosh_task_error",
                    "instance": cr["instance"] if cr else None,
                    "severity": "error",
                    "message": str(data["error"]),
                }
            )
        if state in ("finished", "failed") and cr:
            cck.append(
                {
                    **cr,
                    "task_id": task_id,
                    "ts": start[0] if start else ts,
                    "duration_s": dur,
                    "source_line": start[1] if start else n,
                }
            )
    # resolutions that started and never finished in this capture (task cancelled or cut off)
    for (stage, _tags, task), (ts, n) in started.items():
        if cr := cck_row(task, stage):
            cck.append({**cr, "ts": ts, "task_id": task_id, "duration_s": None, "source_line": n})
    if task_id is None:
        # a redirected capture (`> file`) has no `Task N` wrapper; operators name the file after the
        # task (`task_1234_event.jsonl`), so take the id from the file name as a fallback
        task_id = task_id_from_file_name(ctx.source_file)
        for row in events + cck:
            row["task_id"] = task_id
    if events:
        ctx.emit("events", events)
    if cck:
        cck.sort(key=lambda r: r["source_line"])
        ctx.emit("cck_problems", cck)
    if task_id is not None and first_ts is not None:
        ctx.emit(
            "bosh_tasks",
            [
                {
                    "task_id": task_id,
                    "description": task_description(stages),
                    "state": final_state,
                    "started_at": first_ts,
                    "ended_at": last_ts,
                    "source_line": task_line or 1,
                }
            ],
        )
