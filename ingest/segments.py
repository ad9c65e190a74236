"""A file cut into segments at its shell prompts, each detected and parsed on its own.

The unwrapping layer (`unwrap.py`) gives regions of clean lines; here each region is cut at its prompts
(`[ops@jumpbox ~]$ `, `user@host:~/dir$ `, `PS C:\\> `, `C:\\Users\\x>`, `$ `, or any short prompt before
a command drillscope knows), each part goes through the registry's probes, and neighbours of one kind
are joined again (a `date; cf push` loop typed by hand is one cf capture; a `date` typed before a
command stays with it, so it sets that command's clock). The parser of a segment reads a
`SegmentContext`: the segment's lines as if they were a file, its rows put back on the lines of the
original file. A command drillscope does not read (`ls`, a mistyped `cf pusj`) is ignorable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from drillscope.ingest.context import FileContext
from drillscope.ingest.registry import PROBE_BYTES, parsers
from drillscope.ingest.terminal import PROMPT
from drillscope.ingest.unwrap import Line, Unwrapped

# -- prompts ---------------------------------------------------------------------------------------

_VARS = r"(?:(?:[A-Z_][A-Z0-9_]*=\S*|sudo|time|command)\s+)*"
KNOWN_WORDS = (
    r"(?:\S*/)?(?:[\w.-]*bosh[\w.-]*|cf|cf\.exe|cf7|cf8|ibmcloud|date|curl|wget|ls|ll|cat|tail|head|less|more"
    r"|grep|jq|watch|while|for|until|uaac|om|kubectl|ssh|cd|echo|export|sleep|clear|exit|ping|dig|nslookup|"
    r"mail|mailx|s-nail|mutt|script|tmux|screen|sudo|time|history|vi|vim|nano|gunzip|zcat|python3?)\b"
)
_WINDOWS = [
    re.compile(r"^PS [A-Za-z]:\\[^>]*> ?(?P<cmd>.*)$"),  # PS C:\>
    re.compile(r"^[A-Za-z]:\\[^>]*>(?P<cmd>\S.*)$"),  # C:\Users\x>cf push
]
_KNOWN = re.compile(rf"^{_VARS}{KNOWN_WORDS}")
# any short prompt (`BOSH (dev04) $ `, `❯ `, `± |master ✗| → `, `# `, a timestamped `[…]> `) before a
# command drillscope knows
_GENERIC = re.compile(rf"^(?P<p>.{{0,80}}?[$#%>❯→»]) (?P<cmd>{_VARS}{KNOWN_WORDS}.*)$")


def prompt_command(text: str) -> str | None:
    """The command typed at a prompt line ('' for a bare prompt), or None when the line is no prompt.
    A bare `#` or `>` is a prompt only before a command drillscope knows (else a heading, a quote)."""
    if m := PROMPT.match(text):
        cmd = (m.group("cmd") or "").strip()
        if m.group("bare") in ("#", ">") and not _KNOWN.match(cmd):
            return None
        return cmd
    for rx in _WINDOWS:
        if m := rx.match(text):
            return (m.group("cmd") or "").strip()
    if m := _GENERIC.match(text):
        return m.group("cmd").strip()
    return None


# the sub-commands each CLI has: anything else is a typo answered by an error, never a probe
CF_SUBCOMMANDS = frozenset(
    """add-network-policy allow-space-ssh api app apps auth bind-route-service bind-running-security-group
    bind-security-group bind-service bind-staging-security-group buildpacks cancel-deployment check-route
    config continue-deployment copy-source create-app create-app-manifest create-buildpack create-domain
    create-org create-package create-private-domain create-route create-service create-service-broker
    create-service-key create-shared-domain create-space create-user create-user-provided-service curl
    delete delete-buildpack delete-domain delete-org delete-orphaned-routes delete-route delete-service
    delete-service-broker delete-service-key delete-space delete-user disable-feature-flag disable-ssh
    domains droplets enable-feature-flag enable-ssh env events feature-flag feature-flags get-health-check
    help install-plugin isolation-segments login logout logs map-route marketplace network-policies oauth-token
    org org-users orgs passwd plugins purge-service-offering push rename restage restart restart-app-instance
    rollback route router-groups routes run-task running-environment-variable-group scale service
    service-brokers service-key service-keys services set-env set-health-check set-org-role set-space-role
    share-service space space-users spaces ssh ssh-code stack stacks start stop target tasks terminate-task
    unbind-service unmap-route unset-env update-service update-user-provided-service v3-apps v3-push version
    a b c d e f h i l m o p r s t u v w cups uups vcap""".split()
)
BOSH_SUBCOMMANDS = frozenset(
    """add-blob alias-env attach-disk blobs cancel-task cancel-tasks clean-up cloud-check cck cloud-config
    config configs cpi-config create-env create-recovery-plan create-release delete-config delete-deployment
    delete-disk delete-env delete-release delete-snapshot delete-stemcell delete-vm deploy deployment
    deployments diff-config disks environment env errands event events export-release finalize-release help
    ignore init-release instances interpolate inspect-release locks log-in login log-out logout logs manifest
    orphan-disk recover recreate releases repack-stemcell reset-release restart run-errand runtime-config scp
    snapshots ssh start status stemcells stop sync-blobs take-snapshot task tasks unignore update-cloud-config
    update-config update-cpi-config update-resurrection update-runtime-config upload-blobs upload-release
    upload-stemcell variables vendor-package vm-resurrection vms curl target targets download
    public""".split()
)
_SUB = re.compile(rf"^{_VARS}(?:\S*/)?(?P<tool>cf|cf\.exe|cf7|cf8|[\w.-]*bosh[\w.-]*)\s+(?P<rest>.*)$")
_DATE_CMD = re.compile(rf"^{_VARS}date(?:\s|$)")


def mistyped(cmd: str) -> str | None:
    """Why a cf/bosh command line is one drillscope must not read (an unknown sub-command), or None."""
    m = _SUB.match(cmd)
    if not m:
        return None
    words = [w for w in m.group("rest").split() if not w.startswith("-")]
    tool = "bosh" if "bosh" in m.group("tool") else "cf"
    known = BOSH_SUBCOMMANDS if tool == "bosh" else CF_SUBCOMMANDS
    if tool == "bosh":  # options with a value come before the sub-command: `bosh -e x -d y vms`
        rest = m.group("rest").split()
        i = 0
        while i < len(rest) and rest[i].startswith("-"):
            i += 1 if "=" in rest[i] or rest[i] in ("-n", "--tty", "--no-color", "--json") else 2
        words = rest[i : i + 1]
    if not words or words[0] in known or not re.fullmatch(r"[a-z][a-z0-9-]*", words[0]):
        return None
    return f"`{tool} {words[0]}` is not a {tool} command drillscope reads"


# the cf parsers: one engine reads a whole cf session (they differ only in their probe), and it reads
# moreutils `ts` prefixes itself (with its own year and rollover rules)
CF_ENGINE = READS_TS = frozenset({"cf_cli", "cf_events", "cf_logs"})

# -- segments --------------------------------------------------------------------------------------


@dataclass
class Segment:
    lines: list[Line]  # what the parser reads
    wrappers: list[int] = field(default_factory=list)  # ignorable lines of the wrapping (fences, banners)
    command: str | None = None
    prompt: bool = False  # lines[0] is the prompt line
    parser: ModuleType | None = None
    status: str = "unrecognized"  # ok | partial | ignorable | unrecognized | error
    why: str = ""
    tried: list[tuple[str, str]] = field(default_factory=list)  # (parser, what it said)
    parsed: int = 0
    quarantined: int = 0
    ignorable: int = 0

    @property
    def first_line(self) -> int:
        return min([ln.no for ln in self.lines] + self.wrappers)

    @property
    def last_line(self) -> int:
        return max([ln.no for ln in self.lines] + self.wrappers)

    @property
    def n_lines(self) -> int:
        """Physical lines: the records of a collapsed line share its number."""
        return len({ln.no for ln in self.lines}) + len(self.wrappers)

    @property
    def split_records(self) -> int:
        """How many more records than physical lines the parser reads (collapsed lines split)."""
        return len(self.lines) - len({ln.no for ln in self.lines})

    @property
    def source_type(self) -> str | None:
        return self.parser.NAME if self.parser else None


def cut(unwrapped: Unwrapped) -> list[Segment]:
    """The regions cut at their prompts, each part detected, neighbours of one kind joined."""
    segs: list[Segment] = []
    for reg in unwrapped.regions:
        start = len(segs)
        cur: Segment | None = None
        for ln in reg.lines:
            if (
                cur is not None
                and cur.command is not None
                and cur.command.endswith("\\")
                and len(cur.lines) == 1
            ):
                # a command continued on the next line (`curl … \`): part of the prompt, ignorable
                cur.wrappers.append(ln.no)
                cur.command = cur.command[:-1].rstrip() + " " + ln.text.strip()
                continue
            cmd = prompt_command(ln.text) if ln.text.strip() else None
            if cmd is not None:
                cur = Segment(
                    [Line(ln.no, f"$ {_normalize(cmd)}".rstrip(), ln.clock)], command=cmd, prompt=True
                )
                segs.append(cur)
                continue
            if cur is None:
                cur = Segment([])
                segs.append(cur)
            cur.lines.append(ln)
        if len(segs) == start:  # an empty fence
            segs.append(Segment([], list(reg.wrappers)))
            continue
        mine = segs[start:]
        lo = min(ln.no for s in mine for ln in s.lines)
        for w in reg.wrappers:  # fence markers go to the region's first and last segment
            (mine[0] if w < lo else mine[-1]).wrappers.append(w)
    segs = [s for s in segs if s.lines or s.wrappers]
    for no in unwrapped.loose:
        _place(segs, no)
    for s in segs:
        detect(s)
    _more_notes(segs)
    return _join(segs)


def _more_notes(segs: list[Segment]) -> None:
    """In a notes file cut by its fences, a part with a single timed line (`- 11:20 복구 확인`) is a note too
    (alone, a file needs two such lines to be taken for notes)."""
    notes = next((s.parser for s in segs if s.source_type == "notes"), None)
    if notes is None:
        return
    for s in segs:
        if (
            s.status == "unrecognized"
            and s.command is None
            and notes._timed_lines([ln.text for ln in s.lines])
        ):
            s.parser, s.status, s.why = notes, "ok", ""
            s.tried.append((notes.NAME, "accepted (a timed line in a notes file)"))


def _place(segs: list[Segment], no: int) -> None:
    """A loose wrapper line (a `script` banner) joins the segment it sits in or next to."""
    if not segs:
        segs.append(Segment([], [no], status="ignorable", why="wrapper lines only"))
        return
    best = min(
        segs,
        key=lambda s: (
            0 if s.first_line <= no <= s.last_line else min(abs(s.first_line - no), abs(s.last_line - no))
        ),
    )
    best.wrappers.append(no)


def _normalize(cmd: str) -> str:
    return re.sub(r"^((?:\S*[/\\])?)cf(?:\.exe|7|8)(?=\s|$)", r"\1cf", cmd)


def _text(lines: list[Line]) -> str:
    return "\n".join(ln.text for ln in lines)


def detect(seg: Segment) -> None:
    """The parser of a segment: its lines with the prompt line first, else without it; `tried` keeps
    what each parser said, for `drillscope explain`."""
    seg.tried = []
    if seg.command and (why := mistyped(seg.command)):
        seg.parser, seg.status, seg.why = None, "ignorable", why
        return
    if not any(ln.text.strip() for ln in seg.lines):
        seg.parser, seg.status, seg.why = None, "ignorable", "blank or wrapper lines only"
        return
    variants = [seg.lines]
    if seg.prompt and len(seg.lines) > 1:
        variants.append(seg.lines[1:])
    for k, lines in enumerate(variants):
        head = _text(lines)[:PROBE_BYTES]
        for mod in parsers():
            try:
                ok = bool(mod.probe(head))
            except Exception as e:  # a probe bug must not lose the file
                ok = False
                seg.tried.append((mod.NAME, f"probe failed: {type(e).__name__}"))
                continue
            if ok:
                seg.parser, seg.status = mod, "ok"
                if k == 1:  # the prompt line is read by no parser: ignorable
                    seg.wrappers.append(seg.lines[0].no)
                    seg.lines = lines
                    seg.prompt = False
                seg.tried.append((mod.NAME, "accepted" + (" (without the prompt line)" if k else "")))
                return
            if k == 0:
                seg.tried.append((mod.NAME, looks_for(mod)))
    seg.parser = None
    if seg.command is not None:
        seg.status, seg.why = "ignorable", f"output of `{seg.command[:60]}`, which no parser reads"
    else:
        seg.status, seg.why = "unrecognized", "no parser recognizes this content"


def looks_for(mod: ModuleType) -> str:
    """What a parser's probe looks for (its `LOOKS_FOR`, else the first line of its docstring)."""
    what = getattr(mod, "LOOKS_FOR", None) or (mod.__doc__ or "").strip().split("\n")[0]
    return f"declined: looks for {what}" if what else "declined"


def _is_date(seg: Segment) -> bool:
    if seg.command is not None:
        return bool(_DATE_CMD.match(seg.command))
    return False


def same_reader(a: ModuleType | None, b: ModuleType | None) -> bool:
    """Two parsers that read a capture the same way (the cf parsers share one engine)."""
    return a is not None and b is not None and (a is b or a.NAME in CF_ENGINE and b.NAME in CF_ENGINE)


def _join(segs: list[Segment]) -> list[Segment]:
    """Neighbours one parser reads become one segment; a `date` joins the command after it when that
    command's parser still accepts it, so the date is its clock."""
    out: list[Segment] = []
    i = 0
    while i < len(segs):
        s = segs[i]
        if _is_date(s) and i + 1 < len(segs) and segs[i + 1].parser is not None:
            nxt = segs[i + 1]
            merged = Segment(s.lines + nxt.lines, s.wrappers + nxt.wrappers, s.command, s.prompt)
            head = _text(merged.lines)[:PROBE_BYTES]
            if nxt.parser.probe(head):
                merged.parser, merged.status, merged.tried = nxt.parser, nxt.status, nxt.tried
                merged.command = f"{s.command}; {nxt.command}" if nxt.command else s.command
                segs[i + 1] = merged
                i += 1
                continue
        prev = out[-1] if out else None
        if prev is not None and same_reader(prev.parser, s.parser):
            prev.lines.extend(s.lines)
            prev.wrappers.extend(s.wrappers)
            if s.command and prev.command and s.command not in prev.command and len(prev.command) < 200:
                prev.command = f"{prev.command}; {s.command}"
            prev.command = prev.command or s.command
        else:
            out.append(s)
        i += 1
    return out


# -- parsing a segment -----------------------------------------------------------------------------

_LINE_COLS = ("source_line", "end_line")


class SegmentContext(FileContext):
    """A segment read as if it were a file: line k of the segment is `lines[k-1]`, and every row's
    `source_line`/`end_line` is put back on the original file's line."""

    def __init__(self, base: FileContext, seg: Segment) -> None:
        own = seg.parser is not None and seg.parser.NAME in READS_TS
        text = "\n".join(
            (ln.prefix if own and ln.clock and ln.clock[0] == "ts" else "") + ln.text for ln in seg.lines
        )
        data = (text + "\n").encode("utf-8") if seg.lines else b""
        super().__init__(base.drill, base.source_file, base.path, data, base._sink)
        self.source_type = seg.parser.NAME if seg.parser else ""
        self._map = pa.array([ln.no for ln in seg.lines], pa.int64())
        self._clock = {k: ln.clock for k, ln in enumerate(seg.lines, 1) if ln.clock}

    def _stamp(self, table: str, rows: list[dict[str, Any]] | pa.Table) -> pa.Table:
        t = super()._stamp(table, rows)
        for col in _LINE_COLS:
            if col in t.column_names and t.num_rows:
                k = pc.subtract(t.column(col), 1)
                ok = pc.and_(pc.greater_equal(k, 0), pc.less(k, len(self._map)))
                k = pc.if_else(ok, k, pa.scalar(None, pa.int64()))
                t = t.set_column(t.schema.get_field_index(col), col, pc.take(self._map, k))
        return t

    def line_time(self, n: int) -> datetime | None:
        """The instant a CI/`ts` prefix printed on line n of the segment, or None."""
        c = self._clock.get(n)
        if c is None:
            return None
        kind, s = c
        try:
            if kind in ("azure", "jenkins"):
                head, _, frac = s.rstrip("Z").partition(".")
                return (
                    datetime.fromisoformat(head)
                    .replace(tzinfo=UTC)
                    .replace(microsecond=int((frac + "000000")[:6]) if frac else 0)
                )
            if kind == "jenkins_clock":
                return self.clock.place(time.fromisoformat(s))
            if kind == "ts":
                d = datetime.strptime(f"2000 {' '.join(s.split())}", "%Y %b %d %H:%M:%S")
                return self.clock.place_year(d.month, d.day, d.time())
        except ValueError:
            return None
        return None


def segment_rows(drill: str, source_file: str, segs: list[Segment]) -> pa.Table:
    """The `ingest_segments` rows of a file."""
    from drillscope.ingest.schema import SCHEMAS

    rows = [
        {
            "drill": drill,
            "source_file": source_file,
            "first_line": s.first_line,
            "last_line": s.last_line,
            "source_type": s.source_type,
            "command": s.command,
            "lines": s.n_lines,
            "parsed_lines": s.parsed,
            "quarantined": s.quarantined,
            "ignorable": s.ignorable,
            "status": s.status,
            "message": s.why or None,
        }
        for s in segs
    ]
    return pa.Table.from_pylist(rows, schema=SCHEMAS["ingest_segments"])
