"""Shared engine of the cf CLI parsers (`cf_cli`, `cf_events`, `cf_logs`).

Operators capture cf output as sessions: shell prompts, wrapper loops with a `date` line (C or ko_KR
locale, `date -R`, ISO) before each run, moreutils `ts` prefixes (`Jan 03 10:29:18 `, no year, no zone),
`CF_TRACE=true` dumps and `exit code: N` lines. One capture often mixes commands (`cf apps`, `cf app`,
`cf events`, `cf logs --recent`, `cf curl`), so all three parsers run this one engine and differ only in
their probe (which decides `source_type`). Layouts follow /work/shared/formats/cf/FORMATS.md (cf CLI
v6.41.0 / v7 / v8.18 sources: util/ui, command/translatableerror, cf/terminal, request loggers).

A *run* is one cf invocation: it starts at a `$ cf ...` prompt, or at the first cf output after a date
line / exit line, or at a new start marker (`Pushing app ...`, `API endpoint: <url>`, `Getting apps in
...`) once the previous run has shown its own; it ends at the next prompt, date line or exit line.
Each timed run becomes one `probes` row; its error blocks become `cf_error` events; app tables become
`app_state` events; `cf events` tables / JSON become `app_event` events (cf_events.py); `cf logs` lines
are parsed vectorized (cf_logs.py) before the session walk and skipped by it.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from drillscope.ingest.context import FileContext
from drillscope.ingest.terminal import PROMPT, bare_prompt, strip_ansi
from drillscope.ingest.wallclock import TS_PREFIX, CaptureClock, first_date, read_date, read_ts_prefix

QUIET_CMDS = re.compile(r"^(?:date\b|clear$|sleep\b|export\b|cd\b|unset\b|set\b|echo\b)")
CF_CMD = re.compile(
    r"^(?:(?:[A-Z_][A-Z0-9_]*=\S*|time|sudo|command)\s+)*cf\s+(?P<sub>[a-z][\w-]*)(?P<args>.*)$"
)
EXIT = re.compile(
    r"^(?:exit code|exit status|exit|EXIT|rc|RC|status|(?:cf )?[\w-]+ exit)\s*[:=]?\s*(?P<code>\d{1,3})$"
)
BANNER = re.compile(r"^(?:#.*|={3,}.*|-{3,}.*|\*{3,}.*|Script (?:started|done) on .*)$")
HINT = re.compile(
    r"\bcf (?P<a>push|login|auth|apps|app|curl|logs|events)\b|\b(?P<b>push|login|auth|curl) probe\b"
)

# start markers: the first line each command prints (FORMATS §1-§6)
MARKERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Pushing (?:app|apps) .+ to org \S+ / space \S+ as \S+\.\.\.$"), "push"),
    (re.compile(r"^Pushing from manifest to org \S+ / space \S+ as \S+\.\.\.$"), "push"),
    (re.compile(r"^Creating app \S+ in org \S+ / space \S+ as \S+\.\.\.$"), "push"),
    (re.compile(r"^API endpoint: (?:https?://)?\S+$"), "login"),
    (re.compile(r"^Getting apps in org \S+ / space \S+ as \S+\.\.\.$"), "apps"),
    (re.compile(r"^Showing health and status for app \S+ in org .+\.\.\.$"), "app"),
    (re.compile(r"^Getting events for app \S+ in org .+\.\.\.$"), "events"),
    (re.compile(r"^Retrieving logs for app \S+ in org .+\.\.\.$"), "logs"),
    (re.compile(r"^Setting api endpoint to \S+\.\.\.$"), "api"),
]
APP_IN_MARKER = re.compile(r"^(?:Pushing app|Creating app|Showing health and status for app|Getting events for app|"
                           r"Retrieving logs for app) (?P<app>\S+?),? ")  # fmt: skip

# error templates (FORMATS §1.3, §2); `kind` decides how the block continues
ERROR_STARTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Unexpected Response$"), "http"),
    (re.compile(r"^Error unmarshalling the following into a cloud controller error: "), "http"),
    (re.compile(r"^Error Code: \d{3}$"), "http"),
    (re.compile(r"^(?:Request error|Error performing request): "), "net"),
    (re.compile(r"^Error creating request:"), "net"),
    (re.compile(r"^Server error, status code: \d{3}, error code: "), "line"),
    (re.compile(r"^Credentials were rejected, please try again\.?$"), "line"),
    (re.compile(r"^The targeted API endpoint could not be reached\.?$"), "line"),
    (re.compile(r"^Unable to authenticate\.?$"), "line"),
    (re.compile(r"^The origin provided is invalid\.?$"), "line"),
    (re.compile(r"^No API endpoint set\. "), "line"),
    (re.compile(r"^(?:Error staging application|Staging error|Error restarting application)"), "line"),
    (re.compile(r"^Start unsuccessful$"), "line"),
    (re.compile(r"^Start app timeout$"), "line"),
    (re.compile(r"^Uploading files have failed after a number of retriest? due to: "), "line"),
    (re.compile(r"^Job \(\S+\) (?:failed|polling timeout)"), "line"),
    (re.compile(r"^The token expired, was revoked, or the token ID is incorrect\."), "line"),
    (re.compile(r"^Authentication has expired\."), "line"),
    (re.compile(r"^Invalid SSL Cert for "), "line"),
    (re.compile(r"^Error: timed out waiting for async job "), "line"),
    (re.compile(r"^Timed out waiting for connection to Loggregator"), "line"),
    (re.compile(r"^Failed to retrieve logs from Log Cache: "), "line"),
    (re.compile(r"^The requested URL returned error: \d{3}$"), "line"),
    (re.compile(r"^Error starting instances: "), "line"),
    (re.compile(r"^Not logged in\. Use 'cf login'"), "line"),
]
WARNINGS = re.compile(
    r"^(?:timeout connecting to log server, no log will be shown|Retrying upload due to an error\.\.\.)$"
)
GENERIC = re.compile(r"^(?:Unable to authenticate|Not logged in|FAILED)")

RESP_CODE = re.compile(r"^Response [Cc]ode: (?P<code>\d{3})$")
UAA_RAW = re.compile(r"^Error Code: (?P<code>\d{3})$")
V3_DETAIL = re.compile(r"^Code: (?P<cc>\d+), Title: (?P<title>[^,]*), Detail: (?P<detail>.*)$")
DESCRIPTION = re.compile(r"^(?:Description|Raw Response):\s+(?P<body>.*)$")
UNMARSHAL = re.compile(r"^Error unmarshalling the following into a cloud controller error: (?P<body>.*)$")
LEGACY_HTTP = re.compile(
    r"^Server error, status code: (?P<code>\d{3}), error code: (?P<ec>[^,]*), message:\s?(?P<msg>.*)$"
)
NET_ERR = re.compile(
    r'^(?:Request error|Error performing request): (?P<method>[A-Z][a-z]+) "?(?P<url>[a-z]+://[^\s"]+)"?: (?P<cause>.+)$'
)
CURL_FAIL = re.compile(r"^The requested URL returned error: (?P<code>\d{3})$")
ROUTER_BODY = re.compile(r"^(?P<code>\d{3}) (?P<reason>[A-Z][A-Za-z' ]*?)(?::|$)")
HTML_H1 = re.compile(r"<h1>\s*(?P<code>\d{3})\s+(?P<reason>[^<]+?)\s*</h1>", re.I)

# CF_TRACE (FORMATS §3)
TRACE_HDR = re.compile(
    r"^(?P<kind>REQUEST|RESPONSE): \[(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\]$"
)
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
HEADER_COL = re.compile(r"\S+(?: \S+)*")

PUSH_DONE = re.compile(r"^(?:#\d+\s+running\b|App started$|requested state:\s+started$)")
LOGIN_DONE = re.compile(r"^OK$")
TRAILING_DOTS = re.compile(r"\.\.\.$")

CAPABILITY = {"push": "cf_push", "login": "cf_login", "auth": "cf_login"}


# ------------------------------------------------------------------------------------------------
# error summaries
# ------------------------------------------------------------------------------------------------
def _phrase(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def body_summary(code: int | None, body: str) -> str:
    """`502 Bad Gateway` from a gorouter text body, HAProxy HTML or CC JSON (FORMATS §1.3)."""
    b = body.strip()
    if m := ROUTER_BODY.match(b):
        return f"{m.group('code')} {m.group('reason').strip()}"
    if m := HTML_H1.search(b):
        return f"{m.group('code')} {m.group('reason')}"
    if b.startswith("{"):
        try:
            j = json.loads(b)
        except ValueError:
            j = None
        if isinstance(j, dict):
            desc = j.get("description")
            if (
                not desc
                and isinstance(j.get("errors"), list)
                and j["errors"]
                and isinstance(j["errors"][0], dict)
            ):
                desc = j["errors"][0].get("detail") or j["errors"][0].get("title")
            if not desc:
                desc = j.get("error_description") or j.get("error")
            if desc:
                return f"{code} {desc}" if code else str(desc)
    if code:
        return _phrase(code)
    return _first_sentence(b)


def _first_sentence(s: str) -> str:
    s = s.strip()
    s = re.sub(r", please try again\.?$", "", s)
    if ". " in s and not s.startswith(("Error staging", "Job (")):
        s = s.split(". ", 1)[0]
    return s.rstrip(".")[:200]


def summarize(kind: str, lines: list[str]) -> str:
    """One-line summary of an error block: `502 Bad Gateway`, `i/o timeout`, `Credentials were rejected`."""
    code: int | None = None
    body: list[str] = []
    in_body = False
    for ln in lines:
        if m := NET_ERR.match(ln):
            cause = m.group("cause").strip()
            return cause.rsplit(": ", 1)[-1]
        if m := LEGACY_HTTP.match(ln):
            c = int(m.group("code"))
            msg = m.group("msg").strip()
            return f"{c} {msg}" if msg else _phrase(c)
        if m := CURL_FAIL.match(ln):
            return _phrase(int(m.group("code")))
        if (m := RESP_CODE.match(ln)) or (m := UAA_RAW.match(ln)):
            code = int(m.group("code"))
            continue
        if m := V3_DETAIL.match(ln):
            body, in_body = [m.group("detail")], True
            continue
        if (m := DESCRIPTION.match(ln)) or (m := UNMARSHAL.match(ln)):
            body, in_body = [m.group("body")], True
            continue
        if in_body:
            body.append(ln)
    if kind == "http" or body:
        return body_summary(code, "\n".join(body))
    if kind == "body":
        return body_summary(None, "\n".join(lines))
    first = next((ln for ln in lines if ln.strip() and not ln.startswith("TIP:")), "")
    return _first_sentence(first)


# ------------------------------------------------------------------------------------------------
# session model
# ------------------------------------------------------------------------------------------------
@dataclass
class Line:
    n: int
    text: str  # ANSI stripped, `ts` prefix removed, right-trimmed of \r
    t: datetime | None = None  # from a `ts` prefix


@dataclass
class Run:
    cmd: str | None
    args: str
    first: int
    lines: list[Line] = field(default_factory=list)
    t_date: datetime | None = None  # the date line just before it
    t_stale: datetime | None = None  # an older date line (shared with earlier runs)
    t_prefix: datetime | None = None  # `ts` time of the run's first line
    exit: int | None = None
    hint: str | None = None
    marker: bool = False
    failed: bool = False
    app: str | None = None
    t_end: datetime | None = None  # `ts` time of its exit line


def strip_line(raw: str) -> str:
    return strip_ansi(raw).rstrip("\r")


def shell_prompt(text: str) -> re.Match[str] | None:
    """A shell prompt line; a bare `#` or `>` (a comment, a Markdown quote) only when a cf command follows."""
    p = PROMPT.match(text)
    if p is None or bare_prompt(p) not in ("#", ">"):
        return p
    return p if CF_CMD.match((p.group("cmd") or "").strip()) else None


def _texts(items: list[tuple[int, str]]) -> Iterator[str]:
    """The lines as the session walk reads them: escapes and a `ts` prefix taken off."""
    for _, raw in items:
        text = strip_line(raw)
        if m := TS_PREFIX.match(text):
            text = text[m.end() :]
        yield text


def marker_of(s: str) -> str | None:
    for rx, cmd in MARKERS:
        if rx.match(s):
            return cmd
    return None


def error_kind(s: str) -> str | None:
    for rx, kind in ERROR_STARTS:
        if rx.match(s):
            return kind
    return None


def opens_run(s: str) -> bool:
    """cf output that may open a run with no prompt before it (wrapper loops)."""
    return bool(
        marker_of(s)
        or error_kind(s)
        or s == "FAILED"
        or TRACE_HDR.match(s)
        or s in ("Authenticating...", "Getting app info...")
    )


def app_from_args(cmd: str | None, args: str) -> str | None:
    if cmd not in ("push", "app", "logs", "events", "start", "restart", "restage", "stop", "scale"):
        return None
    words = args.split(";")[0].split("|")[0].split()
    skip_next = False
    for w in words:
        if skip_next:
            skip_next = False
            continue
        if w.startswith("-"):
            skip_next = cmd == "push" and w in {"-p", "-m", "-i", "-k", "-b", "-c", "-f", "-d", "-n", "-s", "-t", "-u",
                                                "-o", "--hostname", "--path", "--strategy", "--var", "--vars-file"}  # fmt: skip
            continue
        return w.strip("'\"")
    return None


# ------------------------------------------------------------------------------------------------
# the session walk
# ------------------------------------------------------------------------------------------------
class Session:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.clock = CaptureClock(ctx.clock)
        self.runs: list[Run] = []
        self.file_hint: str | None = None
        self.quarantine: list[tuple[int, str, str]] = []
        self.parsed = 0
        self.ignorable = 0

    def walk(self, items: list[tuple[int, str]]) -> None:
        """Walk the (line number, raw text) pairs the vectorized log pass left, building runs."""
        cur: Run | None = None
        fresh: datetime | None = None  # date line not yet used by a run
        fresh_hint: str | None = None
        stale: datetime | None = None
        foreign = False  # output of a non-cf command
        expect_rc: Run | None = None

        def close() -> None:
            nonlocal cur
            if cur is not None:
                self.runs.append(cur)
                cur = None

        def open_run(n: int, cmd: str | None, args: str, t: datetime | None) -> Run:
            nonlocal fresh, fresh_hint
            r = Run(cmd=cmd, args=args, first=n, t_date=fresh, t_stale=stale, t_prefix=t, hint=fresh_hint)
            r.app = app_from_args(cmd, args)
            fresh, fresh_hint = None, None
            return r

        self.clock.ahead = first_date(_texts(items[:2000]))
        for n, raw in items:
            text = strip_line(raw)
            t: datetime | None = None
            try:
                got = read_ts_prefix(text)
                if got is not None:
                    t = self.clock.ts_prefix(got[0])
                    text = text[got[1] :]
            except ValueError:  # `Feb 31 25:61:00`: a garbled prefix, not a time
                self.quarantine.append((n, f"impossible time in a ts prefix: {text[:15].strip()}", raw))
                continue
            if t is None:
                t = self.ctx.line_time(n)
            s = text.strip()
            if not s:
                self.ignorable += 1
                if cur is not None:
                    cur.lines.append(Line(n, "", t))
                continue
            if expect_rc is not None:
                r, expect_rc = expect_rc, None
                if re.fullmatch(r"\d{1,3}", s):
                    r.exit = int(s)
                    self.parsed += 1
                    continue
            indented = text[:1] in (" ", "\t")
            if d := read_date(s):
                close()
                foreign = False
                fresh = self.clock.date_line(d)
                stale = fresh
                if h := HINT.search(d.rest):
                    fresh_hint = h.group("a") or h.group("b")
                self.parsed += 1
                continue
            if not indented and (p := shell_prompt(text.rstrip())):
                close()
                foreign = False
                cmdline = (p.group("cmd") or "").strip()
                self.parsed += 1
                if c := CF_CMD.match(cmdline):
                    cur = open_run(n, c.group("sub"), c.group("args"), t)
                elif re.match(r"^echo\s+[\"']?\$\?", cmdline):
                    expect_rc = self.runs[-1] if self.runs else None
                elif cmdline and not QUIET_CMDS.match(cmdline):
                    foreign = True
                continue
            if not indented and (m := EXIT.match(s)):
                if cur is not None:
                    cur.exit, cur.t_end = int(m.group("code")), t
                    close()
                elif self.runs and self.runs[-1].exit is None:
                    self.runs[-1].exit = int(m.group("code"))
                self.parsed += 1
                continue
            if cur is None and not indented and BANNER.match(s):
                if h := HINT.search(s):
                    self.file_hint = self.file_hint or h.group("a") or h.group("b")
                self.ignorable += 1
                continue
            if foreign:
                self.quarantine.append((n, "output of a non-cf command in a cf capture", raw))
                continue
            mk = None if indented else marker_of(s)
            if cur is None:
                if indented or not opens_run(s):
                    self.quarantine.append((n, "not cf CLI output (outside any cf run)", raw))
                    continue
                cur = open_run(n, mk, "", t)
            elif mk and (cur.marker or cur.failed):
                close()
                cur = open_run(n, mk, "", t)
            if mk:
                cur.marker = True
                cur.cmd = cur.cmd or mk
                if cur.app is None and (am := APP_IN_MARKER.match(s)):
                    cur.app = am.group("app")
            if s == "FAILED":
                cur.failed = True
            cur.lines.append(Line(n, text, t))
            self.parsed += 1
        close()
        # runs with no command of their own take the hint (banner) or the file's usual command
        usual = Counter(r.cmd for r in self.runs if r.cmd).most_common(1)
        for r in self.runs:
            if r.cmd is None:
                r.cmd = r.hint or self.file_hint or (usual[0][0] if usual else None)


# ------------------------------------------------------------------------------------------------
# run analysis
# ------------------------------------------------------------------------------------------------
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


def _columns(header: str) -> list[tuple[str, int]]:
    return [(m.group(0), m.start()) for m in HEADER_COL.finditer(header)]


def cells(line: str, cols: list[tuple[str, int]]) -> dict[str, str]:
    """Cut a padded table row at its header's column offsets (names may hold spaces)."""
    out: dict[str, str] = {}
    for i, (name, start) in enumerate(cols):
        end = cols[i + 1][1] if i + 1 < len(cols) else None
        out[name] = line[start:end].strip() if start < len(line) else ""
    return out


class RunResult:
    def __init__(self) -> None:
        self.errors: list[ErrorBlock] = []
        self.requests: list[TraceReq] = []
        self.events: list[dict[str, Any]] = []  # app_state / app_event rows
        self.bad: list[tuple[int, str, str]] = []  # lines found unreadable on a closer look
        self.completed = False
        self.curl_failed = False


CONTINUING = ("http", "body", "generic")


def analyze(run: Run, clock: CaptureClock) -> RunResult:
    """Read one run's output: trace dumps, error blocks, FAILED, app tables, events tables, JSON."""
    from drillscope.ingest.parsers import cf_events  # a cf events table or JSON inside the session

    res = RunResult()
    lines = run.lines
    mode = "out"
    req: TraceReq | None = None
    block: ErrorBlock | None = None
    table: str | None = None
    cols: list[tuple[str, int]] = []
    summary: dict[str, str] = {}
    summary_line = 0
    ev_rows: list[tuple[int, str]] = []
    ev_cols: list[tuple[str, int]] = []
    body_start: int | None = None
    last_progress = -1  # index of the last progress line (`...`), where a refactored error starts after
    after_failed = False
    pending: ErrorBlock | None = None
    first_out = True

    def end_block() -> None:
        nonlocal block
        if block is not None:
            res.errors.append(block)
            block = None

    def flush_summary() -> None:
        nonlocal summary
        if summary.get("name"):
            parts = []
            if "requested state" in summary:
                parts.append(f"requested state: {summary['requested state']}")
            if "instances" in summary:
                inst = summary["instances"]
                parts.append(f"instances: {inst}" + (f" ({summary['type']})" if summary.get("type") else ""))
            if parts:
                res.events.append(
                    _state_row(
                        summary_line, summary["name"], None, ", ".join(parts), _summary_severity(summary)
                    )
                )
        summary = {}

    for i, ln in enumerate(lines):
        raw = ln.text
        s = raw.strip()
        nxt = lines[i + 1].text.strip() if i + 1 < len(lines) else ""
        # -- CF_TRACE dumps ------------------------------------------------------------------
        if m := TRACE_HDR.match(s):
            end_block()
            t = datetime.fromisoformat(m.group("ts").replace("Z", "+00:00"))
            clock.saw(t)
            t = t.astimezone(UTC)
            if m.group("kind") == "REQUEST":
                req = TraceReq(t=t, line=ln.n)
                res.requests.append(req)
                mode = "req_line"
            else:
                req = next((r for r in reversed(res.requests) if r.resp_t is None), None)
                if req is not None:
                    req.resp_t = t
                mode = "resp_line"
            continue
        if mode == "req_line":
            if (m := REQ_LINE.match(s)) and req is not None:
                req.method, req.uri = m.group("method"), m.group("uri")
            mode = "req"
            continue
        if mode == "req":
            if not s:
                mode = "out"
            elif (m := HEADER.match(s)) and m.group("name") == "Host" and req is not None:
                req.host = m.group("value").strip()
            continue
        if mode == "resp_line":
            if (m := RESP_LINE.match(s)) and req is not None:
                req.status, req.reason = int(m.group("code")), (m.group("reason") or "").strip()
            mode = "resp_hdr"
            continue
        if mode == "resp_hdr":
            if not s:
                # legacy dumps: a blank, then the body; refactored: two blanks end the block
                mode = "resp_body" if nxt and not TRACE_HDR.match(nxt) and nxt != "FAILED" else "out"
            elif not HEADER.match(s):
                mode = "resp_body"
            continue
        if mode == "resp_body":
            if not s:
                mode = "out"
            continue
        # -- cf output ------------------------------------------------------------------------
        if not s:
            if block is not None and block.kind in CONTINUING:
                end_block()
            if table != "summary":  # the push summary's app and process blocks are split by a blank
                table = None
            continue
        if s == "FAILED":
            end_block()
            since = lines[last_progress].n if last_progress >= 0 else 0
            if not any(e.first > since and not e.warning for e in res.errors):
                # refactored style: the message is the block just before FAILED (since the last
                # progress line); kept only if no legacy-style message follows FAILED
                back: list[Line] = []
                j = i - 1
                while j > last_progress and (b := lines[j].text.strip()) and not marker_of(b):
                    back.insert(0, lines[j])
                    j -= 1
                if back:
                    pending = ErrorBlock("generic", back[0].n, [b.text.strip() for b in back], back[0].t)
            after_failed = True
            continue
        indented = raw[:1] in (" ", "\t")
        if block is not None:
            if s.startswith("TIP:") or (block.kind == "net" and s.startswith("Error performing request:")):
                block.lines.append(s)
                continue
            if block.kind in CONTINUING:
                block.lines.append(s)
                continue
            end_block()
        if not indented:
            if WARNINGS.match(s):
                res.errors.append(ErrorBlock("line", ln.n, [s], ln.t, warning=True))
                continue
            kind = error_kind(s)
            if kind == "line" and s.startswith("Not logged in") and run.cmd in ("login", "auth"):
                kind = None  # the legacy login status table, not an error of its own
            if after_failed:
                if kind is None and pending is None and not marker_of(s):
                    kind = "generic"  # legacy style: an unrecognized message right after FAILED
                if kind is not None:
                    pending = None  # the legacy message after FAILED is the error
                elif pending is not None:
                    res.errors.append(pending)
                    pending = None
            after_failed = False
            if kind:
                block = ErrorBlock(kind, ln.n, [s], ln.t)
                if kind == "line" and not nxt.startswith("TIP:"):
                    end_block()
                continue
            if run.cmd == "curl" and first_out:
                first_out = False
                if ROUTER_BODY.match(s) or s.lower().startswith("<html"):
                    block = ErrorBlock("body", ln.n, [s], ln.t)
                    res.curl_failed = True
                    continue
                if s.startswith(("{", "[")):
                    body_start = i
            if body_start is not None:
                continue
            if TRAILING_DOTS.search(s):
                last_progress = i
            if PUSH_DONE.match(s) or LOGIN_DONE.match(s):
                res.completed = True
        elif body_start is not None:
            continue
        # -- tables ---------------------------------------------------------------------------
        if APPS_HDR.match(raw):
            table, cols = "apps", _columns(raw)
            continue
        if cf_events.EVENTS_HDR.match(raw):
            table, ev_cols = "events", _columns(raw)
            continue
        if INST_HDR.match(raw):
            table, cols = "inst", [("#", 0), *_columns(raw)]
            continue
        if table == "apps":
            c = cells(raw, cols)
            if name := c.get("name", ""):
                parts = [f"requested state: {c.get('requested state', '')}"]
                parts += [f"{k}: {c[k]}" for k in ("instances", "processes") if c.get(k)]
                res.events.append(_state_row(ln.n, name, None, ", ".join(parts), _apps_severity(c)))
            continue
        if table == "inst":
            if m := INST_ROW.match(raw):
                c = cells(raw, cols)
                idx, state = m.group("idx"), c.get("state") or m.group("state")
                msg = f"#{idx} {state}" + (f" since {c['since']}" if c.get("since") else "")
                extra = [f"{k} {v}" for k, v in c.items() if k not in ("#", "state", "since") and v]
                if extra:
                    msg += " (" + ", ".join(extra) + ")"
                if state == "running":
                    res.completed = True
                res.events.append(
                    _state_row(ln.n, summary.get("name") or run.app, idx, msg, _inst_severity(state))
                )
                continue
            table = None
        if table == "events":
            ev_rows.append((ln.n, raw))
            continue
        if not indented and (m := KV_ROW.match(raw)):
            key, val = m.group("key"), (m.group("val") or "").strip()
            if key == "name":
                flush_summary()
                summary, summary_line, table = {"name": val}, ln.n, "summary"
            elif summary and key in ("requested state", "instances", "type"):
                summary[key] = val
    end_block()
    if pending is not None:
        res.errors.append(pending)
    flush_summary()
    if ev_rows:
        res.events.extend(cf_events.table_rows(ev_rows, ev_cols, run.app, res.bad))
    if body_start is not None:
        text = "\n".join(ln.text for ln in lines[body_start:])
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            evs = cf_events.json_rows(doc, _line_finder(lines[body_start:]))
            if evs is not None:
                res.events.extend(evs)
            elif "error_code" in doc or "errors" in doc:
                res.curl_failed = True
                res.errors.append(ErrorBlock("body", lines[body_start].n, [text], None))
            res.completed = True
    return res


def _line_finder(lines: list[Line]):  # noqa: ANN202
    texts = [ln.text for ln in lines]
    nums = [ln.n for ln in lines]
    pos = 0

    def find(needle: str) -> int:
        from drillscope.ingest.parsers.cf_events import record_start

        nonlocal pos
        for k in range(pos, len(texts)):
            if needle in texts[k]:
                pos = k + 1
                return nums[record_start(texts, k)]
        return nums[0]

    return find


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


def run_time(run: Run) -> datetime | None:
    """The run's start: its own date line (explicit zone) > its `ts` prefix > older date line.
    (Trace timestamps are applied by the caller when nothing else exists.)"""
    return run.t_date or run.t_prefix or run.t_stale


# ------------------------------------------------------------------------------------------------
# the entry point shared by the three parsers
# ------------------------------------------------------------------------------------------------
def parse_capture(ctx: FileContext) -> None:
    from drillscope.ingest.parsers import cf_events, cf_logs

    # a JSON events document is read whole; a large capture that is not one is never loaded whole
    if (not ctx.streamed or ctx.head().lstrip().startswith("{")) and cf_events.parse_json_file(ctx):
        return
    logs = cf_logs.LogPass(ctx)
    sess = Session(ctx)
    sess.walk(logs.remaining())
    ctx.count(parsed=sess.parsed, ignorable=sess.ignorable)
    if sess.quarantine:
        ctx.quarantine_many(sess.quarantine)

    probes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    untimed = 0
    for run in sess.runs:
        res = analyze(run, sess.clock)
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


def sniff(head: str) -> str | None:
    """Which cf capture `head` starts with: 'events', 'logs', 'cli', or None (not cf output).
    Decided by the first cf command or cf output; prompts of other commands, `date` lines, banners
    and exit lines are skipped; three unknown lines first mean it is not a cf capture."""
    from drillscope.ingest.parsers import cf_events, cf_logs

    if head.lstrip().startswith("{"):
        return "events" if cf_events.looks_like_events_json(head) else None
    unknown = 0
    for raw in head.splitlines()[:400]:
        text = strip_line(raw)
        if m := TS_PREFIX.match(text):
            text = text[m.end() :]
        s = text.strip()
        if not s:
            continue
        if cf_logs.LOG_LINE.match(text):
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
            if mk == "events" or cf_events.EVENTS_HDR.match(text):
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


def app_for_line(app_runs: list[tuple[int, str]], n: int, fallback: str | None) -> str | None:
    if not app_runs:
        return fallback
    k = bisect.bisect_right([a for a, _ in app_runs], n) - 1
    return app_runs[k][1] if k >= 0 else fallback
