"""Helpers of the `bosh_table` parser: column boundaries, cell decoding, non-TTY row shapes, the YAML of
event contexts, and the `-d` of a shell prompt.

Layout facts follow bosh-cli v5.4.0 `ui/table/{table,writer,headers}.go` (docs/formats/bosh.md §5-§7): cells are
left-aligned and space-padded to the column width (in bytes), columns are joined by two spaces, empty
cells print `-`, multi-line cells continue on lines whose other columns are blank, the first column
repeats as `~` on a TTY; without a TTY only the data rows are printed, cells joined by a tab.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# -- headers -----------------------------------------------------------------------------------------

# A title is words joined by single spaces; titles are separated by at least two spaces.
TITLE = re.compile(r"\S+(?: \S+)*")

HEADERS = {
    "vm": re.compile(r"^Instance +(?:Process +)?Process State +AZ +IPs(?: |$)"),
    "task": re.compile(
        r"^ID +State +Started At +(?:Last Activity At|Finished At) +User +Deployment +Description +Result *$"
    ),
    "event": re.compile(
        r"^ID +Time +User +Action +Object Type +Object Name +Task ID +Deployment +Instance +Context(?: |$)"
    ),
    "problem": re.compile(r"^# +Type +Description *$"),
}


def header_kind(line: str) -> str | None:
    for kind, rx in HEADERS.items():
        if rx.match(line):
            return kind
    return None


def keyify(title: str) -> str:
    """A column title as the CLI's JSON key (`ui/table/headers.go` KeyifyHeader): `VM CID` -> `vm_cid`."""
    key = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return key or "_"


@dataclass
class Columns:
    """Column start offsets (bytes) and keys, from a header line (and its second line, if any)."""

    starts: list[int]
    titles: list[str]

    @classmethod
    def from_header(cls, header: str) -> Columns:
        ms = list(TITLE.finditer(header))
        return cls([len(header[: m.start()].encode()) for m in ms], [m.group(0) for m in ms])

    def add_second_line(self, line: str) -> None:
        for i, cell in enumerate(self.cells(line)):
            if cell.strip():
                self.titles[i] = f"{self.titles[i]} {cell.strip()}"

    @property
    def keys(self) -> list[str]:
        return [keyify(t) if t != "#" else "0" for t in self.titles]

    def fits(self, line: str) -> bool:
        """Every column boundary of `line` falls on the two-space border (or past the line's end)."""
        b = line.encode()
        return all(len(b) <= s or b[s - 2 : s] == b"  " for s in self.starts[1:])

    def complete(self, line: str) -> bool:
        """A row (not a continuation) reaches its last column: empty cells print `-`."""
        return len(line.encode().rstrip()) > self.starts[-1]

    def cells(self, line: str) -> list[str]:
        b = line.encode()
        ends = [*self.starts[1:], None]
        return [
            b[s:e].decode("utf-8", errors="replace").rstrip() for s, e in zip(self.starts, ends, strict=True)
        ]

    def first_blank(self, line: str) -> bool:
        b = line.encode()
        end = self.starts[1] if len(self.starts) > 1 else len(b)
        return not b[:end].strip()


# -- non-TTY rows: no header, columns identified by their shape -------------------------------------

UNIXDATE_CELL = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}$")
INSTANCE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
STATEISH = re.compile(r"^(?:[a-z]+(?: [a-z]+)?|-)$")
TASK_STATES = {"queued", "processing", "cancelling", "done", "error", "cancelled", "timeout"}
EVENT_ID = re.compile(r"^\d+(?: <- \d+)?$")

VM_KEYS = ["instance", "process_state", "az", "ips", "vm_cid", "vm_type", "active"]
VITALS_KEYS = [
    *VM_KEYS,
    "vm_created_at",
    "uptime",
    "load_1m_5m_15m",
    "cpu_total",
    "cpu_user",
    "cpu_sys",
    "cpu_wait",
    "memory_usage",
    "swap_usage",
    "system_disk_usage",
    "ephemeral_disk_usage",
    "persistent_disk_usage",
]
DETAILS_KEYS = [
    "instance",
    "process_state",
    "az",
    "ips",
    "state",
    "vm_cid",
    "vm_type",
    "disk_cids",
    "agent_id",
    "index",
    "resurrection_paused",
    "bootstrap",
    "ignore",
]
TASK_KEYS = ["id", "state", "started_at", "finished_at", "user", "deployment", "description", "result"]
EVENT_KEYS = [
    "id",
    "time",
    "user",
    "action",
    "object_type",
    "object_name",
    "task_id",
    "deployment",
    "instance",
    "context",
    "error",
]
PROBLEM_KEYS = ["0", "type", "description"]


def tab_fields(line: str) -> list[str]:
    parts = line.split("\t")
    if parts and parts[-1].strip() == "" and line.rstrip(" ").endswith("\t"):
        parts.pop()  # the border after the last cell
    return [p.rstrip() for p in parts]


def notty_shape(f: list[str]) -> tuple[str, list[str]] | None:
    """(kind, keys) of a non-TTY data row by what its cells look like, or None."""
    n = len(f)
    if n >= 4 and INSTANCE.match(f[0]):
        if n == 4 and STATEISH.match(f[1]):
            return "vm", ["instance", "process_state", "az", "ips"]
        if n == 5 and STATEISH.match(f[2]):
            return "vm", ["instance", "process", "process_state", "az", "ips"]
        if (
            n == len(DETAILS_KEYS)
            and STATEISH.match(f[1])
            and f[4] in ("started", "stopped", "detached", "-")
        ):
            return "vm", DETAILS_KEYS
        if n >= 7 and STATEISH.match(f[1]) and f[6] in ("true", "false", "-"):
            if n == len(VITALS_KEYS):
                return "vm", VITALS_KEYS
            return "vm", VM_KEYS + [f"col_{i}" for i in range(7, n)]
        return None
    if n == 8 and f[0].isdigit() and f[1] in TASK_STATES and UNIXDATE_CELL.match(f[2]):
        return "task", TASK_KEYS
    if n in (10, 11) and EVENT_ID.match(f[0]) and UNIXDATE_CELL.match(f[1]):
        return "event", EVENT_KEYS[:n]
    if n == 3 and f[0].isdigit() and re.match(r"^[a-z_]+$", f[1]):
        return "problem", PROBLEM_KEYS
    return None


# -- rows --------------------------------------------------------------------------------------------


@dataclass
class Row:
    line: int  # 1-based, the row's first physical line
    cells: dict[str, list[str]] = field(default_factory=dict)  # key -> the cell's lines
    lines: list[int] = field(default_factory=list)  # its physical lines (none for a --json row)

    def get(self, key: str) -> str | None:
        """The cell's text (multi-line cells joined by `\\n`); `-` and empty are None."""
        parts = self.cells.get(key)
        if not parts:
            return None
        v = "\n".join(p.strip() for p in parts if p.strip())
        return None if v in ("", "-") else v


@dataclass
class Table:
    kind: str  # vm | task | event | problem
    line: int  # header line (or first row)
    form: str  # tty | notty | json
    deployment: str | None = None
    rows: list[Row] = field(default_factory=list)
    footer: int | None = None


# -- event context YAML (go-yaml v2, wrapped at ~80 columns) ----------------------------------------

_TOP_KEY = re.compile(r"^(?P<key>[^\s:'\"][^:]*?|'[^']*'|\"[^\"]*\"):(?: (?P<val>.*))?$")


def _scalar(parts: list[str]) -> str:
    """A (possibly folded) YAML scalar: line breaks fold to single spaces."""
    text = " ".join(p.strip() for p in parts if p.strip())
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        try:
            return str(json.loads(text))
        except ValueError:
            return text[1:-1]
    return text


def parse_context(text: str | None) -> dict[str, str] | None:
    """The event context as {key: value} for a flat map of scalars; None when it is something else."""
    if not text:
        return None
    out: dict[str, list[str]] = {}
    cur: str | None = None
    for ln in text.split("\n"):
        m = _TOP_KEY.match(ln) if ln and not ln[0].isspace() else None
        if m:
            cur = _scalar([m.group("key")])
            out[cur] = [m.group("val") or ""]
        elif cur is not None:
            out[cur].append(ln)
        else:
            return None
    res = {}
    for k, parts in out.items():
        if not parts[0].strip() and any(
            re.match(r"^\s+\S[^:]*: ", p) or p.strip().startswith("- ") for p in parts[1:]
        ):
            res[k] = "\n".join(parts[1:]).strip()  # a nested map or list: keep its YAML
        else:
            res[k] = _scalar(parts)
    return res


# -- the deployment a captured `bosh -d NAME` command names -------------------------------------------

DEPLOYMENT_OPT = re.compile(r"(?:^|\s)(?:-d|--deployment)(?:=|\s+)['\"]?(?P<d>[\w.-]+)")
