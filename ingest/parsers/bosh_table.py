"""BOSH CLI tables: `bosh vms [--vitals]`, `bosh instances [--ps|--details]`, `bosh tasks [--recent] [--all]`,
`bosh events`, and a standalone cck problems table, as printed on a TTY, redirected (non-TTY) or `--json`.

Follows bosh-cli v5.4.0 (`ui/table/*.go`, `ui/non_tty_ui.go`, `ui/json_ui.go`, `cmd/{vms,instances,tasks,
events}.go`) as summarized in docs/formats/bosh.md §4-§8:

* TTY: an optional `Deployment '<name>'` title, a header line whose titles have single spaces (the
  vitals header takes two lines), rows space-padded to column widths counted in bytes, `-` for an empty
  cell, `~` for a repeated first column, multi-line cells continuing on lines whose other columns are
  blank, then a blank line and an `<n> <content>` footer. Columns come from the header's title offsets,
  never from runs of spaces (`Thu Jan  3` has two).
* non-TTY (`> file`): data rows only, cells joined by tabs; the table is identified by the shape of its
  cells (an `ig/id` first cell and a state, a task id and a state, an event id and a UnixDate ...).
* `--json`: `{"Tables": [{"Content", "Header", "Rows", "Notes"}], "Blocks", "Lines"}`; keys are the
  keyified titles (`process_state`, `last_activity_at`, `object_type`, `0` for `#`).

Outputs:
* `vm_states`: one row per VM row (process NULL) and per `--ps` process row (process set; az taken from
  its VM row). Deployment from the title, else `Using deployment`, else `-d` on a captured shell prompt,
  else the drill's `foundation`. **Snapshot time** (`ts`, `ts_basis`): the CLI prints no time for these
  tables (`Task N. Done` has none), so the time comes from the capture: the nearest `date`-style line
  printed by the operator's shell in the same file before the table, else the nearest one after it
  (`date_line`; `Thu Jan  3 10:40:02 KST 2019`, `2019-01-03 10:40:02`, ISO with an offset, the ko_KR
  `2019. 01. 03. (목) 10:40:02 KST`), read by the drill's wall clock (`ingest/wallclock.py`);
  else a `Task N Finished <UnixDate>` footer in the file (`task_line`); else NULL (`none`). A `ts` or CI
  prefix on the table's first line (taken off by `ingest/unwrap.py`) comes first (`date_line`).
* `bosh_tasks`: started_at (the 1970 epoch of a never-started task is NULL), ended_at = `Finished At`
  (CLI >= 6) else `Last Activity At` (CLI 5) for finished states only, user, deployment, description, result.
* `events`: one per `bosh events` row, ts = Time (UTC): kind `bosh_lock` (object type lock, message
  `<action> <lock name>`), `hm_alert` (object type alert, message = the context's `message`, severity =
  the alert's `severity N` as printed), else `bosh_event`; YAML contexts wrapped over several lines are
  unfolded. A footer of 200 events is the director's cap: noted on the file.
* `cck_problems`: the `#  Type  Description` table (problem id, type, instance, description).

Lines: table headers, rows and their continuation lines, titles, date lines and the JSON document are
parsed; blank lines, banners (`Using environment`, `Task N. Done`, `Succeeded`), shell prompts and
footers are ignorable; anything else is quarantined.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.bosh import v1
from drillscope.ingest.parsers.bosh.common import INSTANCE_IN_DESC, UNIXDATE, parse_unixdate
from drillscope.ingest.parsers.bosh.table_cols import (
    DEPLOYMENT_OPT,
    Columns,
    Row,
    Table,
    header_kind,
    keyify,
    notty_shape,
    parse_context,
    tab_fields,
)
from drillscope.ingest.terminal import prompt_command, strip_ansi
from drillscope.ingest.wallclock import CaptureClock, first_date, read_date

NAME = "bosh_table"
LOOKS_FOR = "a BOSH table header (`Instance  Process State  AZ  IPs …`, `ID  State  Started At …`), `--json` tables or tab-separated rows"

SAMPLE = """\
Using environment '10.10.16.5' as client 'ops_manager'

Task 1229. Done

Deployment 'cf-54c9c2f906b6aba996cd'

Instance                                               Process State       AZ   IPs          VM CID        VM Type      Active
clock_global/ab4e9d36-7895-43ca-94f1-9f38aa8c78d1      running             az3  10.10.22.21  vm-f57c76c1   medium.disk  true
cloud_controller/1cb04038-129c-4740-96c8-dd344d67d1e1  unresponsive agent  az1  10.10.20.21  vm-2578c890   medium.disk  true

2 vms

Succeeded
"""

_TASK_EVENT = re.compile(r"^Task \d+ \| \d\d:\d\d:\d\d \|")
_TITLE = re.compile(r"^Deployment '(?P<d>[^']+)'$")
_USING_DEP = re.compile(r"^Using deployment '(?P<d>[^']+)'$")
_BANNER = re.compile(
    r"^(?:Using environment '[^']*' as .*|Succeeded|Exit code \d+|Task (?P<tid>\d+)(?:\. [A-Z]\w*| \w+)?)$"
)
_TASK_FOOT = re.compile(r"^Task (?P<tid>\d+) (?:Started  |Finished |Duration )(?P<val>.+)$")
_FOOTER = re.compile(r"^(?P<n>\d+) (?P<what>[a-z][a-z ]*)$")
_FOOTER_WORDS = {"vm": {"vms", "instances"}, "task": {"tasks"}, "event": {"events"}, "problem": {"problems"}}
_UNFINISHED = {"queued", "processing", "cancelling"}
# Ruby CLI v1 ASCII tables: `+----+----+` borders, `| a | b |` rows, `VMs total: 4`
_ASCII_BORDER = re.compile(r"^\+(?:-+\+)+$")
_ASCII_ROW = re.compile(r"^\|(?P<cells>.*)\|$")
_ASCII_KEYS = {"VM": "instance", "Job/index": "instance", "Instance": "instance", "State": "process_state",
               "AZ": "az", "IPs": "ips", "VM CID": "vm_cid", "CID": "vm_cid"}  # fmt: skip
_ASCII_FOOTER = re.compile(r"^(?:VMs|Instances) total: (?P<n>\d+)$")
_V1_INSTANCE = re.compile(r"^(?P<ig>[^/\s]+)/(?P<idx>\w+)(?: \((?P<uuid>[0-9a-f-]{36})\))?\*?$")
_SEVERITY = re.compile(r"\bseverity (-?\d+)\b")
_ALERT_INSTANCE = re.compile(r"instance: '(?P<i>[^'/]+/[^']+)'")
_JSON_HEADERS = (
    '"process_state": "Process State"',
    '"started_at": "Started At"',
    '"object_type": "Object Type"',
    '"description": "Description"',
)


def probe(head: str) -> bool:
    lines = [strip_ansi(ln).rstrip("\r") for ln in head.splitlines()]
    if any(_TASK_EVENT.match(ln) for ln in lines):
        return False  # a `bosh task` console: the bosh_task parser's
    data = [ln for ln in lines if ln.strip() and not _is_preamble(ln.strip())]
    if not data:
        return False
    if data[0].lstrip().startswith("{"):
        return '"Tables"' in head and '"Header"' in head and any(h in head for h in _JSON_HEADERS)
    if any(header_kind(ln) for ln in lines):
        return True
    if any(_ASCII_BORDER.match(a.strip()) and _ascii_keys(b) for a, b in zip(lines, lines[1:], strict=False)):
        return True
    rows = [ln for ln in data if "\t" in ln and tab_fields(ln)[0]][:3]
    if not rows or rows[0] is not data[0]:
        return False
    shapes = [notty_shape(tab_fields(ln)) for ln in rows]
    return all(s is not None and s[0] == shapes[0][0] for s in shapes)  # type: ignore[index]


def _ascii_keys(line: str) -> list[str] | None:
    """The keys of a v1 ASCII `bosh vms`/`instances` header row, or None."""
    m = _ASCII_ROW.match(line.strip())
    if not m:
        return None
    titles = [c.strip() for c in m.group("cells").split("|")]
    if not titles or titles[0] not in ("VM", "Job/index", "Instance") or "State" not in titles:
        return None
    return [_ASCII_KEYS.get(t, keyify(t)) for t in titles]


def _is_preamble(s: str) -> bool:
    """What may precede a table: banners, shell prompts, `date` output, titles."""
    return bool(
        _BANNER.match(s)
        or v1.ACTING.match(s)
        or v1.DEPLOYMENT.match(s)
        or v1.HDR.match(s)
        or v1.BANNER.match(s)
        or _TITLE.match(s)
        or _USING_DEP.match(s)
        or prompt_command(s) is not None
        or read_date(s) is not None
    )


def parse(ctx: FileContext) -> None:
    _Parser(ctx).run()


class _Parser:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.L = [strip_ansi(ln) for ln in ctx.lines]
        self.tables: list[Table] = []
        self.dates: list[tuple[int, datetime]] = []  # (0-based line, the time a `date` line printed)
        self.clock = CaptureClock(ctx.clock, first_date(self.L))
        self.task_times: list[tuple[int, datetime]] = []
        self.deployment: str | None = None
        self.last_task: int | None = None
        self.problem_tasks: dict[int, int | None] = {}  # id(table) -> task id printed before it
        self.quarantined: list[tuple[int, str, str]] = []
        self.parsed = 0
        self.ignorable = 0

    # -- scanning --------------------------------------------------------------------------------
    def run(self) -> None:
        i, n = 0, len(self.L)
        while i < n:
            ln = self.L[i]
            s = ln.strip()
            if not s:
                self.ignorable += 1
                i += 1
            elif kind := header_kind(ln):
                i = self._tty_table(i, kind)
            elif _ASCII_BORDER.match(s) and i + 1 < n and (keys := _ascii_keys(self.L[i + 1])):
                i = self._ascii_table(i, keys)
            elif s.startswith("{") and '"Tables"' in "\n".join(self.L[i : i + 400]):
                i = self._json_doc(i)
            elif "\t" in ln and notty_shape(tab_fields(ln)):
                i = self._notty_table(i)
            else:
                self._misc(i, ln, s)
                i += 1
        self._emit()

    def _misc(self, i: int, ln: str, s: str) -> None:
        if (stamp := read_date(s)) is not None:
            self.dates.append((i, self.clock.date_line(stamp)))
            self.parsed += 1
        elif m := _TITLE.match(s):
            self.deployment = m.group("d")
            self.parsed += 1
        elif m := _USING_DEP.match(s) or v1.DEPLOYMENT.match(s) or v1.ACTING.match(s):
            self.deployment = m.group("d") if "d" in m.groupdict() else m.group("deployment")
            self.parsed += 1
        elif v1.HDR.match(s) or v1.BANNER.match(s):
            self.ignorable += 1
        elif (m := _ASCII_FOOTER.match(s)) and self._footer(int(m.group("n")), "vms"):
            self.ignorable += 1
        elif m := _TASK_FOOT.match(s):
            val = m.group("val").strip()
            if s.split()[2] == "Finished" and UNIXDATE.fullmatch(val):
                self.task_times.append((i, parse_unixdate(val)))
            self.last_task = int(m.group("tid"))
            self.parsed += 1
        elif m := _BANNER.match(s):
            if m.group("tid"):
                self.last_task = int(m.group("tid"))
            self.ignorable += 1
        elif (m := _FOOTER.match(s)) and self._footer(int(m.group("n")), m.group("what")):
            self.ignorable += 1
        elif (cmd := prompt_command(ln)) is not None:
            if re.search(r"\bbosh\b", cmd):
                d = DEPLOYMENT_OPT.search(cmd)
                self.deployment = d.group("d") if d else None
                self.last_task = None
            self.ignorable += 1
        elif _TASK_EVENT.match(s):
            self.quarantined.append((i + 1, "bosh task event line, not a table (bosh_task output)", ln))
        else:
            self.quarantined.append((i + 1, "not part of a bosh table", ln))

    def _footer(self, n: int, what: str) -> bool:
        t = self.tables[-1] if self.tables else None
        if t is None or t.footer is not None or what not in _FOOTER_WORDS[t.kind]:
            return False
        t.footer = n
        return True

    def _new_table(self, kind: str, line: int, form: str) -> Table:
        t = Table(kind, line, form, self.deployment)
        if kind == "problem":
            self.problem_tasks[id(t)] = self.last_task
        self.tables.append(t)
        return t

    def _tty_table(self, i: int, kind: str) -> int:
        cols = Columns.from_header(self.L[i])
        t = self._new_table(kind, i + 1, "tty")
        self.parsed += 1
        j, n = i + 1, len(self.L)
        if j < n and self.L[j].strip() and cols.first_blank(self.L[j]) and cols.fits(self.L[j]):
            cols.add_second_line(self.L[j])  # the two-line vitals header
            self.parsed += 1
            j += 1
        keys = cols.keys
        cur: Row | None = None
        first: str | None = None
        while j < n and self.L[j].strip():
            ln = self.L[j]
            if not cols.fits(ln) or not (cols.first_blank(ln) or cols.complete(ln)):
                self.quarantined.append((j + 1, f"does not fit the columns of the table at line {i + 1}", ln))
            elif cols.first_blank(ln):
                if cur is None:
                    self.quarantined.append((j + 1, "continuation line without a row", ln))
                else:
                    _extend(cur, keys, cols.cells(ln), j + 1)
            else:
                cells = cols.cells(ln)
                if cells[0].strip() == "~" and first is not None:
                    cells[0] = first
                first = cells[0]
                cur = Row(j + 1, {k: [c] for k, c in zip(keys, cells, strict=True)}, [j + 1])
                t.rows.append(cur)
            j += 1
        return j

    def _ascii_table(self, i: int, keys: list[str]) -> int:
        """A Ruby CLI v1 table: borders (also between instance groups), the header row, data rows; a row
        whose first cell is indented is a process of the VM above it (`bosh instances --ps`)."""
        t = self._new_table("vm", i + 2, "ascii")
        self.parsed += 2
        j, n = i + 2, len(self.L)
        vm: str | None = None
        while j < n and (s := self.L[j].strip()) and (_ASCII_BORDER.match(s) or _ASCII_ROW.match(s)):
            if _ASCII_BORDER.match(s):
                self.parsed += 1
                j += 1
                continue
            cells = _ASCII_ROW.match(s).group("cells").split("|")  # type: ignore[union-attr]
            if len(cells) != len(keys):
                self.quarantined.append((j + 1, f"not the {len(keys)} cells of the table at line {i + 2}", s))
                j += 1
                continue
            first = cells[0]
            row = {k: [c.strip()] for k, c in zip(keys, cells, strict=True) if c.strip()}
            if first.startswith("   ") and vm is not None:  # `|   consul_agent  | running |`
                row["process"], row["instance"] = [first.strip()], [vm]
            elif m := _V1_INSTANCE.match(first.strip()):
                vm = f"{m.group('ig')}/{m.group('uuid') or m.group('idx')}"
                row["instance"] = [vm]
            t.rows.append(Row(j + 1, row, [j + 1]))
            j += 1
        return j

    def _notty_table(self, i: int) -> int:
        shape = notty_shape(tab_fields(self.L[i]))
        assert shape is not None
        kind, keys = shape
        t = self._new_table(kind, i + 1, "notty")
        j, n = i, len(self.L)
        cur: Row | None = None
        while j < n and "\t" in self.L[j]:
            ln = self.L[j]
            f = tab_fields(ln)
            if len(f) != len(keys):
                break
            if not f[0].strip():
                if cur is None:
                    self.quarantined.append((j + 1, "continuation line without a row", ln))
                else:
                    _extend(cur, keys, f, j + 1)
            elif (sh := notty_shape(f)) is None or sh[0] != kind:
                self.quarantined.append((j + 1, f"row does not look like the {kind} rows above it", ln))
            else:
                cur = Row(j + 1, {k: [c] for k, c in zip(keys, f, strict=True)}, [j + 1])
                t.rows.append(cur)
            j += 1
        return j

    def _json_doc(self, i: int) -> int:
        text = "\n".join(self.L[i:])
        try:
            doc, end = json.JSONDecoder().raw_decode(text)
            tables = doc["Tables"] or []
            if not isinstance(tables, list):
                raise TypeError("Tables is not a list")
        except (ValueError, KeyError, TypeError) as e:
            for k in range(i, len(self.L)):
                self.quarantined.append((k + 1, f"malformed bosh --json document: {e}", self.L[k]))
            return len(self.L)
        nlines = text[:end].count("\n") + 1
        self.parsed += nlines
        for line in doc.get("Lines") or []:
            if isinstance(line, str) and (m := _USING_DEP.match(line.strip())):
                self.deployment = m.group("d")
        row_lines = _json_row_lines(self.L[i : i + nlines], i + 1)
        for k, tab in enumerate(tables):
            if not isinstance(tab, dict):
                continue
            header = tab.get("Header") or {}
            kind = _json_kind(header)
            if kind is None:
                self.ctx.notes.append(f"--json table {tab.get('Content')!r} is not one this parser reads")
                continue
            t = self._new_table(kind, i + 1, "json")
            starts = row_lines[k] if k < len(row_lines) else []
            rows = tab.get("Rows") or []
            for r_i, r in enumerate(rows):
                if not isinstance(r, dict):
                    continue
                line = starts[r_i] if len(starts) == len(rows) else i + 1
                # no physical lines of its own: the document's lines are counted as a whole
                t.rows.append(
                    Row(line, {str(key): [str(v) if v is not None else ""] for key, v in r.items()})
                )
        return i + nlines

    # -- emitting --------------------------------------------------------------------------------
    def _emit(self) -> None:
        out: dict[str, list[dict]] = {"vm_states": [], "bosh_tasks": [], "events": [], "cck_problems": []}
        for t in self.tables:
            handler = getattr(self, f"_rows_{t.kind}")
            before = sum(len(v) for v in out.values())
            handler(t, out)
            made = sum(len(v) for v in out.values()) - before
            self._check_footer(t, made)
        self.ctx.count(parsed=self.parsed, ignorable=self.ignorable)
        self.ctx.quarantine_many(sorted(self.quarantined))
        for table, rows in out.items():
            if rows:
                self.ctx.emit(table, rows)

    def _keep(self, row: Row) -> None:
        self.parsed += len(row.lines)

    def _reject(self, row: Row, reason: str) -> None:
        raws = row.lines
        if not raws:
            self.ctx.notes.append(f"--json row at line {row.line} skipped: {reason}")
        for n in raws:
            self.quarantined.append((n, reason, self.L[n - 1]))

    def _check_footer(self, t: Table, made: int) -> None:
        if t.footer is None:
            return
        counted = made
        if t.kind == "vm":  # the footer counts instances, not `--ps` process rows
            counted = sum(1 for r in t.rows if r.get("process") is None)
        if counted != t.footer:
            self.ctx.notes.append(f"table at line {t.line}: footer says {t.footer}, {counted} rows read")
        if t.kind == "event" and t.footer == 200:
            self.ctx.notes.append(
                f"table at line {t.line}: 200 events is the director's cap: older events are not in this capture"
            )

    def snapshot_time(self, line: int) -> tuple[datetime | None, str]:
        if (at := self.ctx.line_time(line)) is not None:
            return at, "date_line"  # a `ts`/CI prefix printed on the table's line: the operator's clock too
        idx = line - 1
        before = [d for k, d in self.dates if k < idx]
        if before:
            return before[-1], "date_line"
        after = [d for k, d in self.dates if k > idx]
        if after:
            return after[0], "date_line"
        if self.task_times:
            return self.task_times[-1][1], "task_line"
        return None, "none"

    def _rows_vm(self, t: Table, out: dict[str, list[dict]]) -> None:
        ts, basis = self.snapshot_time(t.line)
        dep = t.deployment or self.ctx.drill.foundation
        vm_az: dict[str, str | None] = {}
        for r in t.rows:
            inst = r.get("instance")
            if not inst or "/" not in inst:
                self._reject(r, "row without an instance group/id")
                continue
            process = r.get("process")
            az = r.get("az")
            if process is None:
                vm_az[inst] = az
            elif az is None:
                az = vm_az.get(inst)
            ips = r.get("ips")
            self._keep(r)
            out["vm_states"].append(
                {
                    "ts": ts,
                    "ts_basis": basis,
                    "deployment": dep,
                    "instance": inst,
                    "process": process,
                    "az": az,
                    "process_state": r.get("process_state"),
                    "ips": ", ".join(ips.split()) if ips else None,
                    "vm_cid": r.get("vm_cid"),
                    "source_line": r.line,
                }
            )

    def _rows_task(self, t: Table, out: dict[str, list[dict]]) -> None:
        for r in t.rows:
            tid = r.get("id")
            try:
                task_id = int(tid or "")
                started = _utc_cell(r.get("started_at"))
                finished = _utc_cell(r.get("finished_at"))
                last = _utc_cell(r.get("last_activity_at"))
            except ValueError:
                self._reject(r, "task row with a bad id or time")
                continue
            state = r.get("state")
            ended = finished if "finished_at" in r.cells else (None if state in _UNFINISHED else last)
            self._keep(r)
            out["bosh_tasks"].append(
                {
                    "task_id": task_id,
                    "state": state,
                    "started_at": started,
                    "ended_at": ended,
                    "user": r.get("user"),
                    "deployment": r.get("deployment"),
                    "description": r.get("description"),
                    "result": r.get("result"),
                    "source_line": r.line,
                }
            )

    def _rows_event(self, t: Table, out: dict[str, list[dict]]) -> None:
        for r in t.rows:
            try:
                ts = _utc_cell(r.get("time"))
                task = r.get("task_id")
                task_id = int(task) if task else None
            except ValueError:
                self._reject(r, "event row with a bad time or task id")
                continue
            if ts is None:
                self._reject(r, "event row without a time")
                continue
            otype, action, oname = r.get("object_type"), r.get("action"), r.get("object_name")
            raw_ctx = _raw_cell(r, "context")
            context = parse_context(raw_ctx)
            err = r.get("error")
            instance = r.get("instance")
            severity = "error" if err else "info"
            if otype == "lock":
                kind, msg = "bosh_lock", f"{action} {oname}"
            elif otype == "alert":
                kind = "hm_alert"
                msg = (
                    (context or {}).get("message") or _ctx_text(context, raw_ctx) or f"{action} alert {oname}"
                )
                m = _SEVERITY.search(msg)
                severity = m.group(1) if m else None
                if instance is None and (mi := _ALERT_INSTANCE.search(msg)):
                    instance = mi.group("i")
            else:
                kind = "bosh_event"
                msg = " ".join(x for x in (action, otype, oname) if x)
                if c := _ctx_text(context, raw_ctx):
                    msg += f" ({c})"
            if err:
                msg += f" -- Error: {err}"
            self._keep(r)
            out["events"].append(
                {
                    "ts": ts,
                    "ts_role": "logged",
                    "kind": kind,
                    "component": "bosh",
                    "instance": instance,
                    "severity": severity,
                    "task_id": task_id,
                    "message": msg,
                    "source_line": r.line,
                }
            )

    def _rows_problem(self, t: Table, out: dict[str, list[dict]]) -> None:
        ts, _ = self.snapshot_time(t.line)
        for r in t.rows:
            pid = r.get("0") or r.get("_")
            if not pid or not pid.isdigit():
                self._reject(r, "problem row without a numeric #")
                continue
            desc = r.get("description")
            inst = INSTANCE_IN_DESC.search(desc or "")
            self._keep(r)
            out["cck_problems"].append(
                {
                    "ts": ts,
                    "task_id": self.problem_tasks.get(id(t)),
                    "problem_id": int(pid),
                    "problem_type": r.get("type"),
                    "instance": f"{inst.group('ig')}/{inst.group('uuid')}" if inst else None,
                    "description": desc,
                    "source_line": r.line,
                }
            )


# -- helpers ---------------------------------------------------------------------------------------


def _extend(row: Row, keys: list[str], cells: list[str], line: int) -> None:
    for k, c in zip(keys, cells, strict=True):
        if c.strip():
            row.cells.setdefault(k, []).append(c)
    row.lines.append(line)


def _raw_cell(row: Row, key: str) -> str | None:
    """A multi-line cell with its indentation kept (YAML needs it)."""
    parts = [p.rstrip() for p in row.cells.get(key, []) if p.strip()]
    text = "\n".join(parts)
    return None if text.strip() in ("", "-") else text


def _ctx_text(context: dict[str, str] | None, raw: str | None) -> str | None:
    if context:
        return "; ".join(f"{k}: {v}" for k, v in context.items())
    return " ".join(raw.split()) if raw else None


def _utc_cell(v: str | None) -> datetime | None:
    """A UnixDate UTC cell; `-` (unfinished) and the 1970 epoch of a never-started task are None."""
    if v is None:
        return None
    if not UNIXDATE.fullmatch(v.strip()):
        raise ValueError(f"not a UnixDate: {v!r}")
    ts = parse_unixdate(v)
    return None if ts.year == 1970 else ts


def _json_kind(header: dict) -> str | None:
    keys = set(header)
    if {"instance", "process_state"} <= keys:
        return "vm"
    if "started_at" in keys and keys & {"last_activity_at", "finished_at"}:
        return "task"
    if {"time", "object_type"} <= keys:
        return "event"
    if {"type", "description"} <= keys:
        return "problem"
    return None


def _json_row_lines(lines: list[str], first: int) -> list[list[int]]:
    """Line numbers of each table's row objects in a MarshalIndent document (one list per table)."""
    out: list[list[int]] = []
    inner: str | None = None
    close: str | None = None
    for k, ln in enumerate(lines):
        m = re.match(r'^(\s*)"Rows": (\[|null)', ln)
        if m:
            out.append([])
            inner, close = (m.group(1) + "    {", m.group(1) + "]") if m.group(2) == "[" else (None, None)
            if ln.rstrip().endswith("[]"):
                inner = None
            continue
        if inner is None:
            continue
        if ln.rstrip() == close or ln.rstrip() == close + ",":
            inner = None
        elif ln.rstrip() == inner:
            out[-1].append(first + k)
    return out
