"""A cf capture, read whole: what the three cf parsers (`cf_cli`, `cf_events`, `cf_logs`) share.

Operators capture cf output as sessions, and one capture often mixes commands (`cf push`, `cf apps`,
`cf app`, `cf events`, `cf logs --recent`, `cf curl`), so the three parsers run this one engine and differ
only in their probe (`sniff`, which decides `source_type`). A JSON events document is read whole
(`events_table`); otherwise the log lines are read vectorized first (`log_lines`), the rest is cut into
runs (`session`) and each run is read (`reader`). Each timed run that is a probe becomes one `probes`
row; its error blocks become `cf_error` events, its app tables `app_state` events, its `cf events`
tables / JSON `app_event` events. A command that asks the API nothing (`cf help`, `cf version`, a
mistyped command, `--help`) is no probe: its output is counted ignorable.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.cf.error_text import GENERIC, summarize
from drillscope.ingest.parsers.cf.events_table import EVENTS_HDR, looks_like_events_json, parse_json_file
from drillscope.ingest.parsers.cf.log_lines import LOG_LINE, LogPass
from drillscope.ingest.parsers.cf.reader import RunReader, RunResult
from drillscope.ingest.parsers.cf.session import (
    BANNER,
    CF_CMD,
    EXIT,
    HTTP_HEADER,
    TRACE_HDR,
    UNKNOWN_CMD,
    Run,
    Session,
    marker_of,
    opens_run,
    shell_prompt,
    strip_line,
)
from drillscope.ingest.wallclock import TS_PREFIX, read_date

CAPABILITY = {"push": "cf_push", "login": "cf_login", "auth": "cf_login"}
# commands that ask the platform nothing: their runs observe no capability
LOCAL_CMDS = frozenset(
    ["help", "h", "-h", "--help", "version", "-v", "--version", "config", "plugins", "install-plugin",
     "uninstall-plugin", "add-plugin-repo", "remove-plugin-repo", "list-plugin-repos"]
)  # fmt: skip
HELP_ARG = re.compile(r"(?:^|\s)(?:-h|--help)(?:\s|$)")


def is_probe(run: Run) -> bool:
    """False for a run that asked the platform nothing: help, version, plugins, a mistyped command."""
    if run.cmd in LOCAL_CMDS or HELP_ARG.search(run.args):
        return False
    return not any(UNKNOWN_CMD.match(ln.text.strip()) for ln in run.lines)


def run_time(run: Run) -> datetime | None:
    """The run's start: its own date line (explicit zone) > its `ts` prefix > older date line.
    (Trace timestamps are applied by the caller when nothing else exists.)"""
    return run.t_date or run.t_prefix or run.t_stale


def parse_capture(ctx: FileContext) -> None:
    # a JSON events document is read whole; a large capture that is not one is never loaded whole
    if (not ctx.streamed or ctx.head().lstrip().startswith("{")) and parse_json_file(ctx):
        return
    logs = LogPass(ctx)
    sess = Session(ctx)
    sess.walk(logs.remaining())
    ctx.count(parsed=sess.parsed, ignorable=sess.ignorable)
    if sess.quarantine:
        ctx.quarantine_many(sess.quarantine)

    probes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    untimed = 0
    for run in sess.runs:
        if not is_probe(run):  # its output is help text or the CLI's own complaint: ignorable
            shown = sum(1 for ln in run.lines if ln.text.strip())
            ctx.count(parsed=-shown, ignorable=shown)
            continue
        res = RunReader(run, sess.clock).read()
        if res.bad:
            ctx.count(parsed=-len(res.bad))
            ctx.quarantine_many(res.bad)
        t = run_time(run)
        if t is None and res.requests:
            t = res.requests[0].t
        cap = CAPABILITY.get(run.cmd or "", "cf_api")
        hard = [e for e in res.errors if not e.warning]
        failed = run.failed or run.exit not in (None, 0) or res.curl_failed
        if hard and not res.completed and run.exit is None:
            failed = True  # an error and nothing after it (capture cut before FAILED)
        detail = None
        if hard:
            main = next((e for e in hard if not GENERIC.match(e.lines[0])), hard[0])
            detail = summarize(main.kind, main.lines)
        elif failed:
            detail = "FAILED" if run.failed else f"exit code {run.exit}"
        for e in res.errors:
            events.append(
                {
                    "ts": e.t or t,
                    "source_line": e.first,
                    "ts_role": "logged",
                    "kind": "cf_warning" if e.warning else "cf_error",
                    "capability": cap,
                    "component": run.app,
                    "severity": "warning" if e.warning else "error",
                    "message": "\n".join(e.lines),
                }
            )
        for r in res.requests:  # each failed attempt of a traced run (the CLI retries up to 3 times)
            if r.status is not None and r.status < 400:
                continue
            lat = (r.resp_t - r.t).total_seconds() * 1000 if r.resp_t else None
            got = f"{r.status} {r.reason}".strip() if r.status is not None else "no response"
            events.append(
                {
                    "ts": r.t,
                    "source_line": r.line,
                    "ts_role": "started",
                    "kind": "cf_request",
                    "capability": cap,
                    "component": run.app,
                    "severity": "warning",
                    "message": f"{r.method} {r.host}{r.uri} -> {got}"
                    + (f" in {lat:.0f} ms" if lat is not None else ""),
                }
            )
        for e in res.events:
            if e.get("ts") is None:
                e["ts"] = t
            events.append(e)
        if run.cmd == "logs" and run.app:
            logs.app_runs.append((run.first, run.app))
        # ok needs evidence: FAILED/exit say it; a push or login must also have reached its end
        ok: bool | None
        if failed:
            ok = False
        elif run.exit == 0 or res.completed or run.cmd not in ("push", "login", "auth", None):
            ok = True
        else:
            ok = None  # cut off before the end: no observation
        if ok is None:
            continue
        if t is None:
            untimed += 1
            continue
        probes.append(
            {
                "ts": t,
                "source_line": run.first,
                "capability": cap,
                "ok": ok,
                "status": "ok" if ok else "failed",
                "latency_ms": _latency(run, res),
                "detail": None if ok else detail,
            }
        )
    if untimed:
        ctx.notes.append(f"{untimed} cf run(s) without any timestamp: no probe row")
    if probes:
        ctx.emit("probes", probes)
    if events:
        ctx.emit("events", events)
    logs.emit()


def _trace_fragment(head: str) -> bool:
    """A CF_TRACE excerpt that starts inside a dump (response headers, a JSON body) before its first
    `REQUEST:`/`RESPONSE:` header."""
    lines = [strip_line(ln).strip() for ln in head.splitlines()[:80]]
    first = next((ln for ln in lines if ln), "")
    if not HTTP_HEADER.match(first):
        return False
    k = next((i for i, ln in enumerate(lines) if TRACE_HDR.match(ln)), None)
    return k is not None and all(
        not ln or HTTP_HEADER.match(ln) or ln[0] in '{}[]"' or ln.startswith('"') or ln[:1] == " "
        for ln in lines[:k]
    )


def sniff(head: str) -> str | None:
    """Which cf capture `head` starts with: 'events', 'logs', 'cli', or None (not cf output).
    Decided by the first cf command or cf output; prompts of other commands, `date` lines, banners
    and exit lines are skipped; three unknown lines first mean it is not a cf capture."""
    if head.lstrip().startswith("{"):
        return "events" if looks_like_events_json(head) else None
    if _trace_fragment(head):
        return "cli"
    unknown = 0
    for raw in head.splitlines()[:400]:
        text = strip_line(raw)
        if m := TS_PREFIX.match(text):
            text = text[m.end() :]
        s = text.strip()
        if not s:
            continue
        if LOG_LINE.match(text):
            return "logs"
        if text[:1] not in (" ", "\t"):
            if p := shell_prompt(text.rstrip()):
                c = CF_CMD.match((p.group("cmd") or "").strip())
                if c:
                    sub, args = c.group("sub"), c.group("args")
                    if sub == "events" or (sub == "curl" and re.search(r"/v2/events|/v3/audit_events", args)):
                        return "events"
                    return "logs" if sub == "logs" else "cli"
                continue
            if read_date(s) or EXIT.match(s) or BANNER.match(s):
                continue
            mk = marker_of(s)
            if mk == "events" or EVENTS_HDR.match(text):
                return "events"
            if mk == "logs":
                return "logs"
            if mk or opens_run(s):
                return "cli"
        unknown += 1
        if unknown >= 3:
            return None
    return None


def _latency(run: Run, res: RunResult) -> float | None:
    """From `ts` prefixes (first to last line of the run) or the trace (first REQUEST to last stamp)."""
    stamps = [ln.t for ln in run.lines if ln.t is not None]
    if run.t_prefix is not None:
        stamps.insert(0, run.t_prefix)
    if len(stamps) >= 2:
        return (max(stamps) - min(stamps)).total_seconds() * 1000
    if res.requests:
        last = max([r.t for r in res.requests] + [r.resp_t for r in res.requests if r.resp_t])
        return (last - res.requests[0].t).total_seconds() * 1000
    return None
