"""`bosh task N` event output and task-backed command consoles (`bosh cck`), as the CLI prints them.

Follows bosh-cli v5.4.0 `ui/task/reporter.go` / `ui/task/event.go` (docs/formats/bosh.md §1) and `cmd/cloud_check.go` (§4):

    Using environment '10.10.16.5' as client 'ops_manager'     (TTY only)
    Using deployment 'cf-54c9c2f906b6aba996cd'                 (commands run with -d)
    Task 1234                                                  (TTY only)
    Task 1234 | 01:51:28 | Applying problem resolutions: <name> (00:01:37)
                          L Error: <message>                   (a failed event)
    Task 1234 Started  Thu Jan  3 01:51:28 UTC 2019            (TTY only: footer, then `Task 1234 done`)
    #    Type                Description                       (cck problems table, `16 problems` footer)

Event lines print `HH:MM:SS` in UTC with no date: the date comes from the task's footer, else (non-TTY
capture) from the drill's wall clock (`ctx.clock.place`: nearest its dated evidence), rolling forward over 00:00 UTC. On a `... (dur)` line the time
is the START in the sequential case; when a start line was printed earlier for the same (task, stage,
tags, name), the line is its finish and the time is the finish time (reporter.go showEvent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.bosh import v1
from drillscope.ingest.parsers.bosh.common import (
    APPLY,
    CCK_FOOTER,
    CCK_HEADER,
    CCK_NOTTY_ROW,
    DEP,
    END,
    ENV,
    EV,
    FOOT,
    HDR,
    INPRG,
    LERR,
    MSG,
    NOOUT,
    STAGE,
    cck_row,
    instance_of,
    parse_duration,
    parse_unixdate,
    task_description,
)
from drillscope.ingest.parsers.bosh.recovery import RecoveryDialog
from drillscope.ingest.terminal import strip_ansi
from drillscope.ingest.wallclock import roll_days

NAME = "bosh_task"
LOOKS_FOR = "a first line `Using environment …`, `Task N` or `Task N | HH:MM:SS | …`, then an event line, a `Task N Started` footer or a cck problem table"

SAMPLE = """\
Using environment '10.10.16.5' as client 'ops_manager'

Task 1234

Task 1234 | 01:51:28 | Applying problem resolutions: VM for 'nats/66c0bf79-fe07-4c52-a5d1-c921cd9247c3 (0)' with cloud ID 'vm-932a4eef-4c8a-4181-a548-c0970575e553' is not responding. (unresponsive_agent 269): Reboot VM (00:01:37)

Task 1234 Started  Thu Jan  3 01:51:28 UTC 2019
Task 1234 Finished Thu Jan  3 01:53:05 UTC 2019
Task 1234 Duration 00:01:37
Task 1234 done

Succeeded
"""

_SUCCEEDED = "Succeeded"
_EXIT = re.compile(r"^Exit code \d+$")
# a cck task name that spans lines: mount_info_mismatch descriptions hold `\n` (docs/formats/bosh.md §2, §4)
_MOUNT_INFO = "Inconsistent mount information:"
_MOUNT_INFO_END = re.compile(r"\(mount_info_mismatch \d+\): .+$")
_ZUTC = ZoneInfo("UTC")  # the CLI prints event times in UTC (ui/task/event.go)
_UNKNOWN = "not a line of a bosh task console"
# the manifest diff `bosh deploy` prints before its task (`+ - name: x`, ` releases:`)
_DIFF = re.compile(r"^(?:[+-] | \S)")
# `bosh run-errand`'s result, one block per instance, then `N errand(s)`: the errand's own output
_ERRAND = re.compile(r"^(?:Instance|Exit Code|Stdout|Stderr) {2,}\S")
_ERRAND_MORE = re.compile(r"^ {5,}\S|^\s*$")
_ERRAND_END = re.compile(r"^\d+ errand\(s\)$")


def probe(head: str) -> bool:
    """A task console: it opens with `Using environment`, `Task N` or an event line (after the manifest
    diff and confirmation of a deploy), and shows an event line, a `Task N Started` footer or the cck
    problems header. `bosh vms`/`tasks`/`events` consoles (`Task N. Done` + a table) have none of these.
    A task-less console (`update-resurrection`: `Using environment` + `Succeeded` and nothing else) is
    accepted only when that is the whole file. A Ruby CLI v1 console is a `Director task N` followed by
    its event lines."""
    lines = [strip_ansi(ln).rstrip() for ln in head.splitlines()]
    nonblank = [ln for ln in lines if ln.strip()]
    if not nonblank:
        return False
    for k, ln in enumerate(nonblank[:-1]):
        if v1.HDR.match(ln) and (v1.EV.match(nonblank[k + 1]) or v1.STAGE_END.match(nonblank[k + 1])):
            return True
    while len(nonblank) > 1 and (v1.CONFIRM.match(nonblank[0]) or _DIFF.match(nonblank[0])):
        nonblank.pop(0)
    first = nonblank[0]
    if not (ENV.match(first) or HDR.match(first) or EV.match(first)):
        return False
    header = False
    for ln in nonblank:
        if EV.match(ln) or CCK_HEADER.match(ln):
            return True
        header = header or bool(HDR.match(ln))
        if header and v1.BETA_EV.match(ln):
            return True
        if (m := FOOT.match(ln)) and m.group("what") == "Started":
            return True
    rest = nonblank[1:]
    return (
        bool(ENV.match(first))
        and len(nonblank) <= 3
        and rest[-1:] == [_SUCCEEDED]
        and all(DEP.match(ln) for ln in rest[:-1])
        and len(head) < 1024
    )


@dataclass
class _Event:
    line: int
    task: int
    hms: time
    body: str
    lines: int = 1  # physical lines (a multi-line task name or error message)
    errors: list[tuple[int, str]] = field(default_factory=list)  # `L Error:` lines
    at: datetime | None = None


@dataclass
class _Task:
    id: int
    first_line: int
    deployment: str | None = None
    user: str | None = None
    state: str | None = None
    started: datetime | None = None  # footer
    finished: datetime | None = None  # footer
    events: list[_Event] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # cck table rows printed after this task
    v1_stages: set[str] = field(default_factory=set)  # Ruby CLI v1: stages (its lines carry no time)
    v1_errors: list[tuple[int, str]] = field(default_factory=list)  # `Error N: …` lines


def parse(ctx: FileContext) -> None:
    tasks: dict[int, _Task] = {}
    events: list[_Event] = []  # file order
    deployment: str | None = None
    user: str | None = None
    env_seen = False
    last_task: _Task | None = None
    last_ev: _Event | None = None
    # the open multi-line record: ("event", ev) for a wrapped cck name, ("error", (ev, idx)) / ("msg", ev)
    open_rec: tuple[str, object] | None = None
    table: dict | None = None  # the cck problems table being read: column offsets, rows
    ignorable = parsed = 0
    unknown: list[tuple[int, str]] = []  # unrecognized lines: quarantined unless an `Exit code` closes them
    cli_errors: list[tuple[int, str, int | None]] = []  # (line, error chain, the task it follows)
    prev_nb = last_nb = 0  # the previous / current non-blank line numbers

    def task(tid: int, n: int) -> _Task:
        t = tasks.get(tid)
        if t is None:
            # the task's user is the CLI's client only when this command created it (run with -d);
            # `bosh task N` shows someone else's task under the viewer's name
            t = tasks[tid] = _Task(tid, n, deployment, user if deployment else None)
        return t

    dialog = v1.CckDialog()
    plan = RecoveryDialog()  # CLI v7 create-recovery-plan / recover
    errand = False  # inside an errand result block
    lines = ctx.lines
    for n, raw in enumerate(lines, 1):
        line = strip_ansi(raw).rstrip()
        if last_task is not None and (v1.BETA_EV.match(line) or v1.FOOT.match(line)):
            # early CLI v2 and Ruby CLI v1 print event lines and the footer without `Task N `
            m = v1.FOOT.match(line)
            line = f"Task {last_task.id} " + (f"{m.group('what')} {m.group('val')}" if m else f"| {line}")
        if open_rec is not None:
            kind, rec = open_rec
            if kind == "event" and line and not EV.match(line):
                ev = rec  # type: ignore[assignment]
                ev.body += "\n" + line
                ev.lines += 1
                parsed += 1
                if _MOUNT_INFO_END.search(line) or ev.lines >= 4:
                    open_rec = None
                continue
            if kind in ("error", "msg") and line and not _known(line):
                if kind == "error":
                    ev, idx = rec  # type: ignore[misc]
                    ln, msg = ev.errors[idx]
                    ev.errors[idx] = (ln, msg + "\n" + line)
                else:
                    rec.body += "\n" + line  # type: ignore[attr-defined]
                parsed += 1
                continue
            open_rec = None
        if not line.strip():
            ignorable += 1
            continue
        prev_nb, last_nb = last_nb, n
        if table is not None:
            if m := CCK_FOOTER.match(line):
                if int(m.group("n")) != len(table["rows"]):
                    ctx.notes.append(
                        f"cck table footer says {m.group('n')} problems, {len(table['rows'])} read"
                    )
                table = None
                ignorable += 1
                continue
            row = _table_row(line, table)
            if row == "cont":
                table["rows"][-1]["description"] += "\n" + line[table["desc"] :].strip()
                parsed += 1
                continue
            if row is not None:
                table["rows"].append({**row, "source_line": n})
                parsed += 1
                continue
            table = None  # anything else ends the table
        if m := EV.match(line):
            tid = int(m.group("task"))
            t = task(tid, n)
            h, mi, s = (int(x) for x in m.group("hms").split(":"))
            if h > 23 or mi > 59 or s > 59:
                ctx.quarantine(n, "event line time is not a clock time", raw)
                continue
            ev = _Event(n, tid, time(h, mi, s), m.group("body"))
            if not _body_ok(ev.body):
                ctx.quarantine(n, "event line body not understood (cut line?)", raw)
                continue
            if ev.body.split(": ", 1)[-1].startswith(_MOUNT_INFO) and not _MOUNT_INFO_END.search(ev.body):
                open_rec = ("event", ev)
            elif MSG.match(ev.body):
                open_rec = ("msg", ev)
            t.events.append(ev)
            events.append(ev)
            last_task, last_ev = t, ev
            parsed += 1
            continue
        if m := LERR.match(line):
            if last_ev is None or not STAGE.match(last_ev.body) or MSG.match(last_ev.body):
                ctx.quarantine(n, "`L Error:` line without a stage event before it", raw)
                continue
            last_ev.errors.append((n, m.group("msg")))
            open_rec = ("error", (last_ev, len(last_ev.errors) - 1))
            parsed += 1
            continue
        if m := HDR.match(line):
            last_task = task(int(m.group("task")), n)
            parsed += 1
            continue
        if m := FOOT.match(line):
            t = task(int(m.group("task")), n)
            if m.group("what") != "Duration":
                try:
                    val = m.group("val")
                    at = v1.footer_time(val) if val[:1].isdigit() else parse_unixdate(val)
                except ValueError:
                    ctx.quarantine(n, "task footer time is not a UnixDate", raw)
                    continue
                if m.group("what") == "Started":
                    t.started = at
                else:
                    t.finished = at
            parsed += 1
            continue
        if m := END.match(line) or NOOUT.match(line):
            t = task(int(m.group("task")), n)
            t.state = m.group("state").lower()
            last_task = t
            parsed += 1
            continue
        if CCK_HEADER.match(line):
            table = {"type": line.index("Type"), "desc": line.index("Description"), "rows": []}
            if last_task is not None:
                last_task.problems = table["rows"]
            ignorable += 1
            continue
        if m := CCK_NOTTY_ROW.match(line):
            if last_task is not None and last_task.events:
                last_task.problems.append(
                    {
                        "problem_id": int(m.group("id")),
                        "problem_type": m.group("type"),
                        "description": m.group("desc"),
                        "source_line": n,
                    }
                )
                parsed += 1
                continue
        if m := v1.HDR.match(line):
            last_task = task(int(m.group("task")), n)
            parsed += 1
            continue
        if last_task is not None and (m := v1.EV.match(line) or v1.STAGE_END.match(line)):
            last_task.v1_stages.add(v1.stage_name(m.group("stage")))
            parsed += 1
            continue
        if last_task is not None and (m := v1.ERROR.match(line)):
            last_task.v1_errors.append((n, m.group("msg")))
            parsed += 1
            continue
        if m := v1.ACTING.match(line):
            env_seen = True
            user, deployment = m.group("user"), m.group("deployment") or deployment
            parsed += 1
            continue
        if m := v1.DEPLOYMENT.match(line):
            deployment = m.group("d")
            parsed += 1
            continue
        if n == 1 and line.startswith("$ "):  # the command of a segment cut at its prompt
            ignorable += 1
            continue
        if tasks and (_ERRAND.match(line) or errand and _ERRAND_MORE.match(raw)):
            errand = True
            ignorable += 1
            continue
        errand = False
        if tasks and _ERRAND_END.match(line):
            ignorable += 1
            continue
        if how := dialog.feed(n, line) or plan.feed(n, line):
            for rows in (dialog.rows, plan.rows):
                if rows and "task_id" not in rows[-1]:  # the scan task that found it
                    rows[-1]["task_id"] = last_task.id if last_task else None
            if how == "parsed":
                parsed += 1
            else:
                ignorable += 1
            continue
        if v1.BANNER.match(line) or v1.CONFIRM.match(line) or (not tasks and _DIFF.match(line)):
            ignorable += 1
            continue
        if m := ENV.match(line):
            env_seen = True
            user = m.group("who") if m.group("kind") else None
            parsed += 1
            continue
        if m := DEP.match(line):
            deployment = m.group("deployment")
            parsed += 1
            continue
        if _EXIT.match(line) and unknown and unknown[-1][0] == prev_nb:
            # stderr captured too (2>&1): the CLI's error chain (ui/fmt/error.go) ends in `Exit code N`
            text = "\n".join(strip_ansi(r).rstrip() for _, r in unknown)
            cli_errors.append((unknown[0][0], text, last_task.id if last_task else None))
            parsed += len(unknown)
            unknown = []
            ignorable += 1
            continue
        if (line == _SUCCEEDED or _EXIT.match(line)) and (env_seen or tasks):
            ignorable += 1  # the command's closing banner
            continue
        if unknown and unknown[-1][0] != prev_nb:
            ctx.quarantine_many((k, _UNKNOWN, r) for k, r in unknown)
            unknown = []
        unknown.append((n, raw))
    ctx.quarantine_many((k, _UNKNOWN, r) for k, r in unknown)
    ctx.count(parsed=parsed, ignorable=ignorable)

    _place_in_time(ctx, tasks, events)
    _emit(ctx, tasks, cli_errors, dialog.problems() + plan.problems())


def _known(line: str) -> bool:
    return bool(
        EV.match(line)
        or LERR.match(line)
        or HDR.match(line)
        or FOOT.match(line)
        or END.match(line)
        or NOOUT.match(line)
        or ENV.match(line)
        or DEP.match(line)
        or CCK_HEADER.match(line)
        or line == _SUCCEEDED
        or _EXIT.match(line)
    )


def _body_ok(body: str) -> bool:
    """A body the reporter can print; a cck resolution name must be whole (a cut one is not)."""
    if MSG.match(body) or INPRG.match(body):
        return True
    m = STAGE.match(body)
    if not m:
        return False
    if m.group("group").startswith("Applying problem resolutions"):
        name = m.group("name")
        if name.startswith(_MOUNT_INFO):
            return True  # continues on the next lines
        return bool(APPLY.match(name) or name.startswith("Ignoring problem "))
    return True


def _table_row(line: str, table: dict) -> dict | str | None:
    """One row of the padded problems table: `#`, `Type`, `Description` by the header's offsets."""
    tcol, dcol = table["type"], table["desc"]
    if table["rows"] and line[:dcol].strip() == "" and line[dcol:].strip():
        return "cont"  # a multi-line description (mount_info_mismatch)
    pid, ptype, desc = line[:tcol].strip(), line[tcol:dcol].strip(), line[dcol:].strip()
    if not (pid.isdigit() and re.fullmatch(r"[a-z_]+", ptype) and desc):
        return None
    return {"problem_id": int(pid), "problem_type": ptype, "description": desc}


def _place_in_time(ctx: FileContext, tasks: dict[int, _Task], events: list[_Event]) -> None:
    """Give every event line its UTC instant: roll the clock forward over 00:00 in file order, then
    put it on the date of its task's footer (the footer's `Started` is the first event's time), else
    on the date of the first footer in the file, else near the drill (non-TTY capture)."""
    if not events:
        return
    rel = roll_days(date(2000, 1, 1), [e.hms for e in events], _ZUTC)
    index = {id(e): i for i, e in enumerate(events)}

    def shift(t: _Task) -> int | None:
        if t.started is None or not t.events:
            return None
        first = rel[index[id(t.events[0])]]
        assert first is not None
        return round((t.started - first).total_seconds() / 86400)

    shifts = {tid: shift(t) for tid, t in tasks.items()}
    default = next((s for e in events if (s := shifts[e.task]) is not None), None)
    if default is None:
        base = ctx.clock.place(events[0].hms, _ZUTC)
        first = rel[0]
        assert first is not None
        default = (base.date() - first.date()).days
    for e, r in zip(events, rel, strict=True):
        assert r is not None
        s = shifts[e.task]
        e.at = r + timedelta(days=default if s is None else s)


def _emit(
    ctx: FileContext,
    tasks: dict[int, _Task],
    cli_errors: list[tuple[int, str, int | None]],
    v1_problems: list[dict],
) -> None:
    rows: list[dict] = []
    cck: list[dict] = []
    task_rows: list[dict] = []
    for t in tasks.values():
        stages: set[str] = set()
        pending: dict[tuple[str, str], list[tuple[datetime, _Event]]] = {}
        group_of_last: str | None = None
        first_at: datetime | None = None
        last_at: datetime | None = None
        for ev in t.events:
            assert ev.at is not None
            base = {"task_id": t.id, "source_line": ev.line, "component": "bosh"}
            if m := MSG.match(ev.body):
                kind = m.group("kind")
                rows.append(
                    {
                        **base,
                        "ts": ev.at,
                        "ts_role": "logged",
                        "kind": "bosh_task_error" if kind == "Error" else f"bosh_{kind.lower()}",
                        "severity": "error" if kind == "Error" else "warning",
                        "message": m.group("msg"),
                    }
                )
                first_at = first_at or ev.at
                last_at = ev.at
                continue
            if m := INPRG.match(ev.body):
                # CLI >= v6.3 `L <status>: <task>` (in_progress, director >= v271.1): not a kept event
                group = group_of_last or ""
                name, dur = m.group("name"), m.group("dur")
                rows.append(
                    {
                        **base,
                        "ts": ev.at,
                        "ts_role": "in_progress",
                        "kind": "bosh_stage",
                        "severity": "info",
                        "message": f"{group}: {name} -- {m.group('status')}",
                    }
                )
                if dur is not None:
                    starts = pending.get((group, name))
                    start = starts.pop(0)[0] if starts else ev.at
                    end = start + parse_duration(dur)
                    rows.append(_stage_row(base, end, "finished", f"{group}: {name}", ev, None))
                    last_at = max(last_at or end, end)
                continue
            m = STAGE.match(ev.body)
            assert m is not None  # checked when the line was read
            group, name, dur = m.group("group"), m.group("name"), m.group("dur")
            stages.add(group)
            group_of_last = group
            msg = f"{group}: {name}"
            key = (group, name)
            inst = None
            cr = cck_row(name, group)
            if cr:
                inst = cr["instance"]
            closes = dur is not None or ev.body.endswith(" ()")
            if not closes:
                pending.setdefault(key, []).append((ev.at, ev))
                rows.append(_stage_row(base, ev.at, "started", msg, ev, inst))
                first_at = first_at or ev.at
                last_at = max(last_at or ev.at, ev.at)
                continue
            if pending.get(key):
                # interleaved: the start line came earlier; this line's time is the finish
                start, start_ev = pending[key].pop(0)
                end = ev.at
            else:
                # sequential: the duration was appended to the start line
                start, start_ev, end = ev.at, ev, ev.at + (parse_duration(dur) if dur else timedelta(0))
                rows.append(_stage_row(base, start, "started", msg, ev, inst))
            rows.append(_stage_row(base, end, "finished", msg, ev, inst))
            for ln, err in ev.errors:
                rows[-1]["severity"] = "error"
                rows.append(
                    {
                        **base,
                        "source_line": ln,
                        "ts": end,
                        "ts_role": "finished",
                        "kind": "bosh_task_error",
                        "instance": inst,
                        "severity": "error",
                        "message": err,
                    }
                )
            first_at = first_at or start
            last_at = max(last_at or end, end)
            if cr:
                cck.append(
                    {
                        **cr,
                        "ts": start,
                        "task_id": t.id,
                        "duration_s": parse_duration(dur).total_seconds() if dur else None,
                        "source_line": start_ev.line,
                    }
                )
        # resolutions that started and never finished in this capture
        for starts in pending.values():
            for start, ev in starts:
                m = STAGE.match(ev.body)
                assert m is not None
                if cr := cck_row(m.group("name"), m.group("group")):
                    cck.append(
                        {**cr, "ts": start, "task_id": t.id, "duration_s": None, "source_line": ev.line}
                    )
        started = t.started or first_at
        ended = t.finished or last_at
        stages |= t.v1_stages
        for ln, err in t.v1_errors:
            rows.append(
                {
                    "task_id": t.id,
                    "source_line": ln,
                    "component": "bosh",
                    "ts": ended,
                    "ts_role": "finished",
                    "kind": "bosh_task_error",
                    "severity": "error",
                    "message": err,
                }
            )
        for p in t.problems:
            cck.append(
                {
                    **p,
                    "ts": ended,
                    "task_id": t.id,
                    "instance": instance_of(p["description"]),
                }
            )
        task_rows.append(
            {
                "task_id": t.id,
                "deployment": t.deployment,
                "description": task_description(stages),
                "state": t.state,
                "user": t.user,
                "started_at": started,
                "ended_at": ended,
                "source_line": t.first_line,
            }
        )
    ends = {r["task_id"]: r["ended_at"] for r in task_rows}
    cck.extend({**p, "ts": ends.get(p["task_id"])} for p in v1_problems)
    for n, text, tid in cli_errors:
        rows.append(
            {
                # printed right after the task it reports on ended
                "ts": ends.get(tid) if tid is not None else None,
                "ts_role": "logged",
                "kind": "bosh_cli_error",
                "component": "bosh",
                "severity": "error",
                "task_id": tid,
                "message": text,
                "source_line": n,
            }
        )
    if rows:
        ctx.emit("events", rows)
    if cck:
        cck.sort(key=lambda r: r["source_line"])
        ctx.emit("cck_problems", cck)
    if task_rows:
        ctx.emit("bosh_tasks", task_rows)


def _stage_row(base: dict, at: datetime, role: str, msg: str, ev: _Event, inst: str | None) -> dict:
    return {
        **base,
        "ts": at,
        "ts_role": role,
        "kind": "bosh_stage",
        "instance": inst,
        "severity": "info",
        "message": msg,
    }
