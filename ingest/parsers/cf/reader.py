"""One cf run's output, read line by line (`RunReader`): CF_TRACE dumps, error blocks in both styles
(the message before `FAILED` for refactored commands, after it for legacy ones), app tables (`cf apps`,
`cf app`, the push summary), `cf events` tables and a `cf curl` JSON body.

Layouts follow docs/formats/cf.md §1-§3 and §6 (cli@v6.41.0 util/ui, cf/terminal and the request loggers;
cli@v8.18.4 command/v7).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from drillscope.ingest.parsers.cf.columns import cells, columns
from drillscope.ingest.parsers.cf.error_text import ROUTER_BODY, WARNINGS, error_kind
from drillscope.ingest.parsers.cf.events_table import EVENTS_HDR, LineFinder, json_rows, table_rows
from drillscope.ingest.parsers.cf.session import HTTP_HEADER, TRACE_HDR, Line, Run, marker_of
from drillscope.ingest.wallclock import CaptureClock

# CF_TRACE (docs/formats/cf.md §3)
REQ_LINE = re.compile(
    r"^(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (?P<uri>\S+) (?P<proto>HTTP/\d\.\d)$"
)
RESP_LINE = re.compile(r"^(?P<proto>HTTP/\d\.\d) (?P<code>\d{3})(?: (?P<reason>.*?))?$")
HEADER = re.compile(r"^(?P<name>[A-Za-z0-9-]+): (?P<value>.*)$")

# app tables (FORMATS §6)
APPS_HDR = re.compile(r"^name\s+requested state\s+\S")
INST_HDR = re.compile(r"^\s+state\s+since\s+")
INST_ROW = re.compile(r"^#(?P<idx>\d+)\s+(?P<state>[a-z]+)\b")
KV_ROW = re.compile(r"^(?P<key>[a-z][a-z ]*?):(?:\s+(?P<val>.*?))?\s*$")

PUSH_DONE = re.compile(r"^(?:#\d+\s+running\b|App started$|requested state:\s+started$)")
LOGIN_DONE = re.compile(r"^OK$")
TRAILING_DOTS = re.compile(r"\.\.\.$")


@dataclass
class ErrorBlock:
    kind: str
    first: int
    lines: list[str]
    t: datetime | None
    warning: bool = False


@dataclass
class TraceReq:
    t: datetime
    line: int
    method: str = ""
    uri: str = ""
    host: str = ""
    resp_t: datetime | None = None
    status: int | None = None
    reason: str = ""


class RunResult:
    def __init__(self) -> None:
        self.errors: list[ErrorBlock] = []
        self.requests: list[TraceReq] = []
        self.events: list[dict[str, Any]] = []  # app_state / app_event rows
        self.bad: list[tuple[int, str, str]] = []  # lines found unreadable on a closer look
        self.completed = False
        self.curl_failed = False


CONTINUING = ("http", "body", "generic")


class RunReader:
    """Reads one run's lines once, in order; `read()` gives what they hold."""

    def __init__(self, run: Run, clock: CaptureClock) -> None:
        self.run = run
        self.clock = clock  # dated by the CF_TRACE headers it sees
        self.res = RunResult()
        self._lines = run.lines
        self._mode = "out"  # where in a CF_TRACE dump: out, req_line, req, resp_line, resp_hdr, resp_body
        if run.cmd is None and run.lines and HTTP_HEADER.match(run.lines[0].text):
            self._mode = "resp_hdr"  # an excerpt that starts inside a response's headers
        self._req: TraceReq | None = None
        self._block: ErrorBlock | None = None  # the error block being read
        self._table: str | None = None  # apps, inst, events, summary
        self._cols: list[tuple[str, int]] = []
        self._summary: dict[str, str] = {}  # the `cf app` / push summary's key: value lines
        self._summary_line = 0
        self._ev_rows: list[tuple[int, str]] = []
        self._ev_cols: list[tuple[str, int]] = []
        self._body_start: int | None = None  # a `cf curl` JSON body starts at this index
        self._last_progress = (
            -1
        )  # index of the last progress line (`...`): a refactored error starts after it
        self._after_failed = False
        self._pending: ErrorBlock | None = None  # a refactored-style message, unless a legacy one follows
        self._first_out = True

    def read(self) -> RunResult:
        lines = self._lines
        for i, ln in enumerate(lines):
            raw = ln.text
            s = raw.strip()
            nxt = lines[i + 1].text.strip() if i + 1 < len(lines) else ""
            if self._trace(ln, s, nxt) or self._output(i, ln, raw, s, nxt):
                continue
            self._tables(ln, raw)
        self._end_block()
        if self._pending is not None:
            self.res.errors.append(self._pending)
        self._flush_summary()
        if self._ev_rows:
            self.res.events.extend(table_rows(self._ev_rows, self._ev_cols, self.run.app, self.res.bad))
        if self._body_start is not None:
            rest = self._lines[self._body_start :]
            text = "\n".join(ln.text for ln in rest)
            try:
                doc = json.loads(text)
            except ValueError:
                doc = None
            if isinstance(doc, dict):
                evs = json_rows(doc, LineFinder([ln.text for ln in rest], [ln.n for ln in rest]))
                if evs is not None:
                    self.res.events.extend(evs)
                elif "error_code" in doc or "errors" in doc:
                    self.res.curl_failed = True
                    self.res.errors.append(ErrorBlock("body", self._lines[self._body_start].n, [text], None))
                self.res.completed = True
        return self.res

    def _end_block(self) -> None:
        if self._block is not None:
            self.res.errors.append(self._block)
            self._block = None

    def _flush_summary(self) -> None:
        if self._summary.get("name"):
            parts = []
            if "requested state" in self._summary:
                parts.append(f"requested state: {self._summary['requested state']}")
            if "instances" in self._summary:
                inst = self._summary["instances"]
                parts.append(
                    f"instances: {inst}"
                    + (f" ({self._summary['type']})" if self._summary.get("type") else "")
                )
            if parts:
                self.res.events.append(
                    _state_row(
                        self._summary_line,
                        self._summary["name"],
                        None,
                        ", ".join(parts),
                        _summary_severity(self._summary),
                    )
                )
        self._summary = {}

    def _trace(self, ln: Line, s: str, nxt: str) -> bool:
        """A CF_TRACE dump line (consumed), else False."""
        if m := TRACE_HDR.match(s):
            self._end_block()
            t = datetime.fromisoformat(m.group("ts").replace("Z", "+00:00"))
            self.clock.saw(t)
            t = t.astimezone(UTC)
            if m.group("kind") == "REQUEST":
                self._req = TraceReq(t=t, line=ln.n)
                self.res.requests.append(self._req)
                self._mode = "req_line"
            else:
                self._req = next((r for r in reversed(self.res.requests) if r.resp_t is None), None)
                if self._req is not None:
                    self._req.resp_t = t
                self._mode = "resp_line"
            return True
        if self._mode == "req_line":
            if (m := REQ_LINE.match(s)) and self._req is not None:
                self._req.method, self._req.uri = m.group("method"), m.group("uri")
            self._mode = "req"
            return True
        if self._mode == "req":
            if not s:
                self._mode = "out"
            elif (m := HEADER.match(s)) and m.group("name") == "Host" and self._req is not None:
                self._req.host = m.group("value").strip()
            return True
        if self._mode == "resp_line":
            if (m := RESP_LINE.match(s)) and self._req is not None:
                self._req.status, self._req.reason = int(m.group("code")), (m.group("reason") or "").strip()
            self._mode = "resp_hdr"
            return True
        if self._mode == "resp_hdr":
            if not s:
                # legacy dumps: a blank, then the body; refactored: two blanks end the block
                self._mode = "resp_body" if nxt and not TRACE_HDR.match(nxt) and nxt != "FAILED" else "out"
            elif not HEADER.match(s):
                self._mode = "resp_body"
            return True
        if self._mode == "resp_body":
            if not s:
                self._mode = "out"
            return True
        return False

    def _output(self, i: int, ln: Line, raw: str, s: str, nxt: str) -> bool:
        """Blank lines, FAILED, error blocks, progress and completion lines; False for table lines."""
        if not s:
            if self._block is not None and self._block.kind in CONTINUING:
                self._end_block()
            if self._table != "summary":  # the push summary's app and process blocks are split by a blank
                self._table = None
            return True
        if s == "FAILED":
            self._end_block()
            since = self._lines[self._last_progress].n if self._last_progress >= 0 else 0
            if not any(e.first > since and not e.warning for e in self.res.errors):
                # refactored style: the message is the block just before FAILED (since the last
                # progress line); kept only if no legacy-style message follows FAILED
                back: list[Line] = []
                j = i - 1
                while j > self._last_progress and (b := self._lines[j].text.strip()) and not marker_of(b):
                    back.insert(0, self._lines[j])
                    j -= 1
                if back:
                    self._pending = ErrorBlock(
                        "generic", back[0].n, [b.text.strip() for b in back], back[0].t
                    )
            self._after_failed = True
            return True
        indented = raw[:1] in (" ", "\t")
        if self._block is not None:
            if s.startswith("TIP:") or (
                self._block.kind == "net" and s.startswith("Error performing request:")
            ):
                self._block.lines.append(s)
                return True
            if self._block.kind in CONTINUING:
                self._block.lines.append(s)
                return True
            self._end_block()
        if not indented:
            if WARNINGS.match(s):
                self.res.errors.append(ErrorBlock("line", ln.n, [s], ln.t, warning=True))
                return True
            kind = error_kind(s)
            if kind == "line" and s.startswith("Not logged in") and self.run.cmd in ("login", "auth"):
                kind = None  # the legacy login status table, not an error of its own
            if self._after_failed:
                if kind is None and self._pending is None and not marker_of(s):
                    kind = "generic"  # legacy style: an unrecognized message right after FAILED
                if kind is not None:
                    self._pending = None  # the legacy message after FAILED is the error
                elif self._pending is not None:
                    self.res.errors.append(self._pending)
                    self._pending = None
            self._after_failed = False
            if kind:
                self._block = ErrorBlock(kind, ln.n, [s], ln.t)
                if kind == "line" and not nxt.startswith("TIP:"):
                    self._end_block()
                return True
            if self.run.cmd == "curl" and self._first_out:
                self._first_out = False
                if ROUTER_BODY.match(s) or s.lower().startswith("<html"):
                    self._block = ErrorBlock("body", ln.n, [s], ln.t)
                    self.res.curl_failed = True
                    return True
                if s.startswith(("{", "[")):
                    self._body_start = i
            if self._body_start is not None:
                return True
            if TRAILING_DOTS.search(s):
                self._last_progress = i
            if PUSH_DONE.match(s) or LOGIN_DONE.match(s):
                self.res.completed = True
        elif self._body_start is not None:
            return True
        return False

    def _tables(self, ln: Line, raw: str) -> None:
        indented = raw[:1] in (" ", "\t")
        if APPS_HDR.match(raw):
            self._table, self._cols = "apps", columns(raw)
            return
        if EVENTS_HDR.match(raw):
            self._table, self._ev_cols = "events", columns(raw)
            return
        if INST_HDR.match(raw):
            self._table, self._cols = "inst", [("#", 0), *columns(raw)]
            return
        if self._table == "apps":
            c = cells(raw, self._cols)
            if name := c.get("name", ""):
                parts = [f"requested state: {c.get('requested state', '')}"]
                parts += [f"{k}: {c[k]}" for k in ("instances", "processes") if c.get(k)]
                self.res.events.append(_state_row(ln.n, name, None, ", ".join(parts), _apps_severity(c)))
            return
        if self._table == "inst":
            if m := INST_ROW.match(raw):
                c = cells(raw, self._cols)
                idx, state = m.group("idx"), c.get("state") or m.group("state")
                msg = f"#{idx} {state}" + (f" since {c['since']}" if c.get("since") else "")
                extra = [f"{k} {v}" for k, v in c.items() if k not in ("#", "state", "since") and v]
                if extra:
                    msg += " (" + ", ".join(extra) + ")"
                if state == "running":
                    self.res.completed = True
                self.res.events.append(
                    _state_row(
                        ln.n, self._summary.get("name") or self.run.app, idx, msg, _inst_severity(state)
                    )
                )
                return
            self._table = None
        if self._table == "events":
            self._ev_rows.append((ln.n, raw))
            return
        if not indented and (m := KV_ROW.match(raw)):
            key, val = m.group("key"), (m.group("val") or "").strip()
            if key == "name":
                self._flush_summary()
                self._summary, self._summary_line, self._table = {"name": val}, ln.n, "summary"
            elif self._summary and key in ("requested state", "instances", "type"):
                self._summary[key] = val


def _state_row(line: int, app: str | None, inst: str | None, msg: str, sev: str) -> dict[str, Any]:
    return {
        "source_line": line,
        "ts_role": "observed",
        "kind": "app_state",
        "component": app,
        "instance": inst,
        "severity": sev,
        "message": msg,
    }


def _inst_severity(state: str) -> str:
    return {"running": "info", "starting": "warning"}.get(state, "error")


def _ratio(v: str) -> tuple[int, int] | None:
    m = re.search(r"(\d+|\?)/(\d+)", v)
    if not m:
        return None
    return (-1 if m.group(1) == "?" else int(m.group(1))), int(m.group(2))


def _apps_severity(c: dict[str, str]) -> str:
    if c.get("requested state") != "started":
        return "info"
    r = _ratio(c.get("instances") or c.get("processes") or "")
    return "warning" if r and r[0] < r[1] else "info"


def _summary_severity(s: dict[str, str]) -> str:
    if s.get("requested state") != "started":
        return "info"
    r = _ratio(s.get("instances", ""))
    return "warning" if r and r[0] < r[1] else "info"
