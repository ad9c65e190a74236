"""A cf capture as a session: shell prompts, wrapper loops with a `date` line before each run, `ts`
prefixes, `exit code: N` lines; cut into *runs*, one per cf invocation.

A run starts at a `$ cf ...` prompt, or at the first cf output after a date line / exit line, or at a new
start marker (`Pushing app ...`, `API endpoint: <url>`, `Getting apps in ...`) once the previous run has
shown its own; it ends at the next prompt, date line or exit line. Start markers follow docs/formats/cf.md
§1-§6; dates are read by the drill's wall clock (`ingest/wallclock.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.cf.error_text import error_kind, first_match
from drillscope.ingest.terminal import PROMPT, bare_prompt, strip_ansi
from drillscope.ingest.wallclock import TS_PREFIX, CaptureClock, first_date, read_date, read_ts_prefix

QUIET_CMDS = re.compile(r"^(?:date\b|clear$|sleep\b|export\b|cd\b|unset\b|set\b|echo\b)")
CF_CMD = re.compile(
    r"^(?:(?:[A-Z_][A-Z0-9_]*=\S*|time|sudo|command)\s+)*cf\s+(?P<sub>(?:-{1,2})?[a-z][\w-]*)(?P<args>.*)$"
)
# what the CLI answers a command it does not know (cli command/common/command_list_v7.go, util/command_parser)
UNKNOWN_CMD = re.compile(r"^'[^']*' is not a registered command\. See 'cf help(?: -a)?'$")
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
    # v6 push of an app that exists (cf/commands/application/push.go)
    (re.compile(r"^Updating app \S+ in org \S+ / space \S+ as \S+\.\.\.$"), "push"),
    (re.compile(r"^API endpoint: (?:https?://)?\S+$"), "login"),
    (re.compile(r"^Getting apps in org \S+ / space \S+ as \S+\.\.\.$"), "apps"),
    (re.compile(r"^Showing health and status for app \S+ in org .+\.\.\.$"), "app"),
    (re.compile(r"^Getting events for app \S+ in org .+\.\.\.$"), "events"),
    (re.compile(r"^Retrieving logs for app \S+ in org .+\.\.\.$"), "logs"),
    (re.compile(r"^Setting api endpoint to \S+\.\.\.$"), "api"),
]
APP_IN_MARKER = re.compile(r"^(?:Pushing app|Creating app|Showing health and status for app|Getting events for app|"
                           r"Retrieving logs for app) (?P<app>\S+?),? ")  # fmt: skip

# an HTTP header line of a CF_TRACE dump (`X-Vcap-Request-Id: …`)
HTTP_HEADER = re.compile(r"^[A-Z][A-Za-z0-9-]+: \S")
# CF_TRACE request/response headers (docs/formats/cf.md §3): they open a run of their own
TRACE_HDR = re.compile(
    r"^(?P<kind>REQUEST|RESPONSE): \[(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\]$"
)


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
    return first_match(MARKERS, s)


def opens_run(s: str) -> bool:
    """cf output that may open a run with no prompt before it (wrapper loops)."""
    return bool(
        marker_of(s)
        or error_kind(s)
        or s == "FAILED"
        or TRACE_HDR.match(s)
        or s in ("Authenticating...", "Getting app info...")
        or UNKNOWN_CMD.match(s)
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


class Session:
    """The walk over a capture's lines (those the vectorized log pass left), building `runs`."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.clock = CaptureClock(ctx.clock)
        self.runs: list[Run] = []
        self.file_hint: str | None = None
        self.quarantine: list[tuple[int, str, str]] = []
        self.parsed = 0
        self.ignorable = 0
        self._cur: Run | None = None  # the run being read
        self._fresh: datetime | None = None  # a date line no run has used yet
        self._fresh_hint: str | None = None  # what that date line's frame names (`cf login probe`)
        self._stale: datetime | None = None  # the latest date line
        self._foreign = False  # reading the output of a non-cf command
        self._expect_rc: Run | None = None  # `echo $?` was typed: the next line is that run's exit code

    def walk(self, items: list[tuple[int, str]]) -> None:
        self.clock.ahead = first_date(_texts(items[:2000]))
        for n, raw in items:
            self._line(n, raw)
        self._close()
        # runs with no command of their own take the hint (banner) or the file's usual command
        usual = Counter(r.cmd for r in self.runs if r.cmd).most_common(1)
        for r in self.runs:
            if r.cmd is None:
                r.cmd = r.hint or self.file_hint or (usual[0][0] if usual else None)

    def _close(self) -> None:
        if self._cur is not None:
            self.runs.append(self._cur)
            self._cur = None

    def _open(self, n: int, cmd: str | None, args: str, t: datetime | None) -> Run:
        r = Run(
            cmd=cmd,
            args=args,
            first=n,
            t_date=self._fresh,
            t_stale=self._stale,
            t_prefix=t,
            hint=self._fresh_hint,
        )
        r.app = app_from_args(cmd, args)
        self._fresh, self._fresh_hint = None, None
        self._cur = r
        return r

    def _line(self, n: int, raw: str) -> None:
        text = strip_line(raw)
        t: datetime | None = None
        try:
            got = read_ts_prefix(text)
            if got is not None:
                t = self.clock.ts_prefix(got[0])
                text = text[got[1] :]
        except ValueError:  # `Feb 31 25:61:00`: a garbled prefix, not a time
            self.quarantine.append((n, f"impossible time in a ts prefix: {text[:15].strip()}", raw))
            return
        if t is None:
            t = self.ctx.line_time(n)  # a time the unwrapping took off the line (CI or `ts` prefix)
        s = text.strip()
        if not s:
            self.ignorable += 1
            if self._cur is not None:
                self._cur.lines.append(Line(n, "", t))
            return
        if self._expect_rc is not None:
            r, self._expect_rc = self._expect_rc, None
            if re.fullmatch(r"\d{1,3}", s):
                r.exit = int(s)
                self.parsed += 1
                return
        indented = text[:1] in (" ", "\t")
        if (d := read_date(s)) is not None:
            self._close()
            self._foreign = False
            self._fresh = self._stale = self.clock.date_line(d)
            if h := HINT.search(d.rest):
                self._fresh_hint = h.group("a") or h.group("b")
            self.parsed += 1
            return
        if not indented and (p := shell_prompt(text.rstrip())):
            self._prompt(n, (p.group("cmd") or "").strip(), t)
            return
        if not indented and (m := EXIT.match(s)):
            if self._cur is not None:
                self._cur.exit, self._cur.t_end = int(m.group("code")), t
                self._close()
            elif self.runs and self.runs[-1].exit is None:
                self.runs[-1].exit = int(m.group("code"))
            self.parsed += 1
            return
        if self._cur is None and not indented and BANNER.match(s):
            if h := HINT.search(s):
                self.file_hint = self.file_hint or h.group("a") or h.group("b")
            self.ignorable += 1
            return
        if self._foreign:
            self.quarantine.append((n, "output of a non-cf command in a cf capture", raw))
            return
        self._output(n, raw, text, s, indented, t)

    def _prompt(self, n: int, cmdline: str, t: datetime | None) -> None:
        self._close()
        self._foreign = False
        self.parsed += 1
        if c := CF_CMD.match(cmdline):
            self._open(n, c.group("sub"), c.group("args"), t)
        elif re.match(r"^echo\s+[\"']?\$\?", cmdline):
            self._expect_rc = self.runs[-1] if self.runs else None
        elif cmdline and not QUIET_CMDS.match(cmdline):
            self._foreign = True

    def _output(self, n: int, raw: str, text: str, s: str, indented: bool, t: datetime | None) -> None:
        mk = None if indented else marker_of(s)
        cur = self._cur
        if cur is None:
            if not self.runs and HTTP_HEADER.match(s):  # a CF_TRACE excerpt that starts inside a response
                cur = self._open(n, None, "", t)
            elif indented or not opens_run(s):
                self.quarantine.append((n, "not cf CLI output (outside any cf run)", raw))
                return
            cur = self._open(n, mk, "", t)
        elif mk and (cur.marker or cur.failed):
            self._close()
            cur = self._open(n, mk, "", t)
        if mk:
            cur.marker = True
            cur.cmd = cur.cmd or mk
            if cur.app is None and (am := APP_IN_MARKER.match(s)):
                cur.app = am.group("app")
        if s == "FAILED":
            cur.failed = True
        cur.lines.append(Line(n, text, t))
        self.parsed += 1
