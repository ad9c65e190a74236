"""BOSH director task debug logs (`bosh task N --debug`, `/var/vcap/store/director/tasks/N/debug`) and the
health monitor log (`/var/vcap/sys/log/health_monitor/health_monitor.log`), parsed vectorized with polars.

Formats (docs/formats/bosh.md §3, §8, §9):
  director  `D, [2019-01-03T01:51:28.313280 #23851] [task:1234] DEBUG -- DirectorJobRunner: <msg>`
            (bosh_common ThreadFormatter on the logging gem 2.2.2, µs timestamps, DIR-268)
  HM        `I, [2019-01-03T01:26:14.004405 #6321]  INFO : [ALERT] Alert @ 2019-01-03 01:26:14 UTC, severity 2: ...`
            (logging gem default layout, bosh-monitor of DIR-268)
Every physical line that is not a record head continues the record above it: SQL with embedded newlines
(the `event_output` dump of the final task UPDATE looks like event JSON but is SQL text), CPI stderr
(bosh_cpi Ruby Logger lines with no `[thread]` field, backtraces included) and exception backtraces.

The log's clock is the director host's local time with no zone marker: it is read in the drill's
`director_timezone` and stored as UTC. The parser never shifts times on its own guess; it compares the
record timestamps with the `+0000` SQL literals on the same line (the HM log: with the `Alert @ ... UTC`
instant) and adds a note to the file's `ingest_files.message` when the clock looks like another zone.

Every record is one `log_lines` row (ts, level, component, thread, task_id, pid and the whole record text,
continuation lines joined with `\n`), so ad hoc SQL reaches every line. `events` get one row per record
that matters to a drill timeline, drawn from the same records: a 1 GB debug log holds millions of SQL
statements and NATS pings, and those (SQL, `SENT`/`RECEIVED`, checkpoints, `Looking for task`, HM
`(Event logger)`/`(Resurrector)` echoes of an alert) are only log lines. Kinds written:
  director_task  task lifecycle (`Enqueuing task`, `Starting task`, `Done`, `Task took`, `Task N cancelled`,
                 `Task N was terminated`) and ERROR/FATAL records with a backtrace on a `task:N` thread
  bosh_lock      Acquiring/Acquired/Renewing/Deleted lock, `Acquiring deployment lock on`, lock failures
  cck            `Applying problem resolutions`, `<desc> (<type> <rid>): <plan>`, scan findings, errors
  agent_timeout  `Timed out sending ...` / `Timed out pinging ...`
  cpi            external-cpi requests (message has the method) and responses (method, exit status, error)
  slow_sql       SQL that took 1 s or more
  log_error      any other ERROR/FATAL record (first line + continuation line count)
  hm_alert       HM `[ALERT]` lines: ts = the `Alert @` instant (UTC), severity = the alert severity number
  hm             HM analyzer passes (`Analyzed N agents, took S seconds`)
`bosh_tasks` gets one row per task the log belongs to (`Starting task: N`, the `Found task #<...>` dump,
the final `UPDATE "tasks" SET "state" = ...` and `Task took ...`).

Lines that belong to no record: text before the first record head is quarantined ("continuation line
before any log record"), except blank lines and the CLI's own wrapper of a TTY capture (`Using environment
...`, `Using deployment ...`, `Task N`), which are ignorable; at the end, `Task N done|error|...` (parsed:
it gives the task state), `Succeeded` and blank lines (ignorable). A last line with no newline that starts
like a record head but is cut short is quarantined ("truncated log record at end of file").

Speed: the file is cut in ~8 MiB blocks at record heads; each block is split into lines with polars,
record heads are found with one anchored regex and their fields read with a capture regex over the short
prefix before the message; the event rules run only on the few candidate records. The stateless part of
a block runs in threads a block ahead, the Parquet writing in the sink's thread, so memory stays flat
and counting stays exact.
"""

from __future__ import annotations

import re
import struct
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from drillscope.ingest.context import FileContext
from drillscope.transforms.redact import PREFILTER, redact_series

NAME = "bosh_debug"
LOOKS_FOR = "director log records (`D, [2019-01-03T01:25:00.123456 #1234] [task:N] DEBUG -- …`) or health_monitor.log lines (`I, [...]  INFO : …`)"

SAMPLE = """\
I, [2019-01-03T01:51:27.802301 #7262] [0x2ae3b3a0c8d4]  INFO -- TaskHelper: Enqueuing task: 1234
I, [2019-01-03T01:51:28.323258 #23851] []  INFO -- DirectorJobRunner: Starting task: 1234
D, [2019-01-03T01:51:28.349695 #23851] [task:1234] DEBUG -- DirectorJobRunner: Acquiring lock: lock:deployment:cf-1
D, [2019-01-03T01:51:40.298408 #23851] [task:1234] DEBUG -- DirectorJobRunner: [external-cpi] [cpi-602364] \
response: {"result":{},"error":null,"log":""}, err: I, [2019-01-03T01:51:38.947976 #24006]  INFO -- \
[req_id cpi-602364]: Starting info...
, exit_status: pid 24006 exit 0
I, [2019-01-03T02:17:07.683657 #23851] [task:1234]  INFO -- DirectorJobRunner: Done
"""

BLOCK_BYTES = 8 << 20  # three blocks in flight; 16 MiB ones cost ~120 MiB more peak RSS for the same CPU
MESSAGE_CHARS = 500
CALIBRATION_SAMPLES = 2000

_LV = r"(?:DEBUG|INFO|WARN|ERROR|FATAL|ANY)"
_TS = r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,9})?"
# A record head: the director layout (with `[thread]` and `-- logger:`) or the HM layout (`LEVEL :`).
# CPI stderr lines (`I, [ts #pid]  INFO -- [req_id cpi-N]: ...`) have no thread field: they are continuations.
_HEAD_BODY = (
    r"[DIWEFA], \[" + _TS + r" ?#\d+\] (?:\[[^\]\n]*\] +" + _LV + r" -- [^:\n]*| *" + _LV + r" ):(?: |\r?$)"
)
HEAD_RE = "^" + _HEAD_BODY
_CUT = re.compile(rb"\n(?=" + _HEAD_BODY.replace(r"\r?$", r"\r?\n").encode() + rb")")
FIELDS_RE = (
    r"^(?P<sev>[DIWEFA]), \[(?P<ts>"
    + _TS
    + r") ?#(?P<pid>\d+)\] (?:\[(?P<thread>[^\]]*)\] +(?P<level>"
    + _LV
    + r") -- (?P<logger>[^:]*)| *(?P<hlevel>"
    + _LV
    + r") ): ?(?P<msg>.*)$"
)
PREFIX_RE = (
    r"^(?P<sev>[DIWEFA]), \[(?P<ts>"
    + _TS
    + r") ?#(?P<pid>\d+)\] (?:\[(?P<thread>[^\]]*)\] +(?P<level>"
    + _LV
    + r") -- (?P<logger>[^:]*)| *(?P<hlevel>"
    + _LV
    + r") )$"
)
# Heads worth a full parse: every non-DEBUG record, and the few DEBUG messages that matter (CAND_RE on the
# whole head line; `_records` tests the same on the fields it has: a `D` head at DEBUG whose message
# matches CAND_DEBUG_RE).
_CAND_DEBUG = (
    r"(?:(?:Acquiring|Acquired|Renewing|Deleted) lock: |\[external-cpi\] |Timed out |Recreating Vm|Deleting Vm"
    r"|Lock renewal|\([1-9]\d*\.\d+s\) |\(\d+\.\d+s\) (?:\(conn: \d+\) )?UPDATE \"tasks\" SET \"state\" = )"
)
CAND_RE = r"^(?:[IWEFA], |D, \[[^\]]*\] (?:\[[^\]]*\] +DEBUG -- [^:]*| *DEBUG ): " + _CAND_DEBUG + ")"
CAND_DEBUG_RE = "^" + _CAND_DEBUG
_PROBLEM_TYPES = (
    "unresponsive_agent|missing_vm|inactive_disk|missing_disk|mount_info_mismatch|invalid_problem"
)
APPLY_RE = r" \((?:" + _PROBLEM_TYPES + r") \d+\): \S"
TASK_LIFE_RE = (
    r"^(?:Starting task: \d+|Enqueuing task: \d+|Done$|Task took |Task \d+ cancelled|Task \d+ was terminated)"
)
LOCK_RE = (
    r"^(?:(?:Acquiring|Acquired|Renewing|Deleted) lock: |Acquiring deployment lock on |Lock renewal thread exiting"
    r"|Failed to acquire lock|Unable to get deployment lock)"
)
CCK_RE = (
    r"^(?:Applying problem resolutions|Found unresponsive agent|Created problem|Updated problem|Error resolving problem"
    r"|Agent is responding now|Missing VM|Found (?:inactive|missing) disk|Found problem in mount info"
    r"|Recreating Vm: |Deleting Vm: |Scanning \d+ (?:VMs|persistent disks))"
)
TIMEOUT_RE = r"^Timed out (?:sending|pinging) "
CPI_RE = r"^\[external-cpi\] \[(cpi-\d+)\] (request|response): "
SLOW_SQL_RE = r"^\([1-9]\d*\.\d+s\) "
ALERT_RE = r"^\[ALERT\] Alert @ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC, severity (-?\d+): (.*)$"
BACKTRACE_RE = r"^\S+:\d+:in `"
HM_ANALYZED_RE = r"^Analyzed \d+ agents?, took "
TASK_INFO_RE = (
    r"^(?:Starting task: \d+|Enqueuing task: \d+|Found task #<|Done$|Task took |Task \d+ cancelled"
    r"|Task \d+ was terminated|\(\d+\.\d+s\) (?:\(conn: \d+\) )?UPDATE \"tasks\" SET \"state\" = )"
)
INSTANCE_RE = r"'([A-Za-z0-9_.-]+/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
_LITERAL_RE = r"'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\+0000'"
_HEAD_TS_RE = r"^[DIWEFA], \[(" + _TS + r")"

_PROBE_HEAD = re.compile(HEAD_RE)
# a whole bosh_cpi stderr line (Ruby Logger, no thread field): a continuation, even as the last line
_CPI_STDERR = re.compile(r"^[DIWEFA], \[" + _TS + r" ?#\d+\] +" + _LV + r" -- [^:]*: ")
# `bosh task N --debug` on a TTY wraps the log in CLI lines (docs/formats/bosh.md §1.1, §2)
_WRAPPER = re.compile(r"^(?:Using environment '.*|Using deployment '[^']*'|Task \d+)$")
_FOOTER = re.compile(r"^(?:|Task (\d+) (done|error|cancelled|timeout)|Succeeded)$")
_PROBE_GARBAGE = 5  # lines of other text tolerated before the first record


def probe(head: str) -> bool:
    """A director debug log or an HM log: the first record head comes within a few lines of the top."""
    other = 0
    for line in head.splitlines()[:60]:
        if not line.strip() or _WRAPPER.match(line):
            continue
        if _PROBE_HEAD.match(line):
            return True
        other += 1
        if other > _PROBE_GARBAGE:
            return False
    return False


# --------------------------------------------------------------------------------------------------------
@dataclass
class _Task:
    task_id: int
    deployment: str | None = None
    description: str | None = None
    state: str | None = None
    user: str | None = None
    result: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_fallback: datetime | None = None
    source_line: int | None = None
    end_line: int | None = None  # the record that ends the task (`Task took ...`, else the final state)


@dataclass
class _State:
    heads: int = 0  # record heads seen so far
    last_task: int | None = None  # task id carried forward across blocks
    cpi_methods: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"req": pl.String, "method": pl.String})
    )
    tasks: dict[int, _Task] = field(default_factory=dict)
    calib_sql: list[float] = field(default_factory=list)
    calib_hm: list[float] = field(default_factory=list)
    calib_at: datetime | None = None
    replaced: bool = False
    redact: bool = True  # log_lines' text redacted in the block threads, not in the sink's one


def parse(ctx: FileContext) -> None:
    st = _State(redact=not ctx.has_secret_lines)
    dtz = ctx.drill.director_timezone.key
    # blocks are cut at record heads, so a multi-line record never spans two (streamed for big files); the
    # stateless part of a block (`_prepare`: lines, heads, fields, instants) runs in threads, a block ahead
    # of the stateful part (`_block`: tasks, events, rows), so both cores work (polars releases the GIL)
    with ThreadPoolExecutor(PREPARE_THREADS, thread_name_prefix="bosh-debug") as pool:
        ahead: deque[Future[_Prep]] = deque()
        for block in ctx.blocks(BLOCK_BYTES, cut=_CUT):
            ahead.append(
                pool.submit(_prepare, block, ctx.block_lines, ctx.line_offset, ctx.last_block, dtz, st.redact)
            )
            if len(ahead) >= PREPARE_THREADS:
                _block(ctx, st, ahead.popleft().result())
        while ahead:
            _block(ctx, st, ahead.popleft().result())
    if st.replaced:
        ctx.notes.append("invalid UTF-8 bytes replaced")
    _emit_tasks(ctx, st)
    _calibration_notes(ctx, st)


PREPARE_THREADS = 2


@dataclass
class _Prep:
    """A block's lines and its records (those of the last block as if it had no tail to cut off)."""

    s: pl.Series
    head: pl.Series
    hidx: pl.Series
    line0: int
    last: bool
    truncated: bool
    replaced: bool
    recs: pl.DataFrame | None
    marks: int  # redactions in recs' `message` and `thread_text`
    fields: (
        pl.DataFrame | None
    )  # the last block's lines' head fields (`_heads`), for `_records` after its tail
    cr: bool  # the block holds a `\r`


def _prepare(block: bytes, n_lines: int, line0: int, last: bool, dtz: str, redact: bool) -> _Prep:
    s, replaced = _split(block, n_lines)
    cr = b"\r" in block
    head, fields = _heads(s)
    hidx = head.arg_true()
    recs, marks = None, 0
    if len(hidx):  # the last block's too: `_block` makes them again only when it cuts a tail off
        recs, marks = _redacted(_records(s, head, hidx, fields, len(s), line0, dtz, cr), redact)
    truncated = not block.endswith(b"\n")
    return _Prep(s, head, hidx, line0, last, truncated, replaced, recs, marks, fields if last else None, cr)


def _heads(s: pl.Series) -> tuple[pl.Series, pl.DataFrame]:
    """Which lines are record heads (HEAD_RE), and every line's head fields as PREFIX_RE reads them (null
    where it cannot). The message starts after the first `": "` (timestamps, threads and logger names hold
    none), so the capture regex only runs over the short prefix, and it is the head test too: a line whose
    prefix it reads is a head; the few others (continuation lines; a head with `": "` in its thread name or
    an empty message, left to `_records`) are tested with HEAD_RE."""
    pos = pl.col("line").str.find(": ", literal=True)
    fields = (
        pl.DataFrame({"line": s})
        .select(
            pl.col("line").str.slice(0, pos).str.extract_groups(PREFIX_RE).alias("f"),
            msg=pl.col("line").str.slice(pos + 2),
        )
        .unnest("f")
    )
    read = fields["sev"].is_not_null()
    other = (~read).arg_true()
    more = other.filter(s.gather(other).str.contains(HEAD_RE))
    return (read.scatter(more, True) if len(more) else read), fields


def _redacted(recs: pl.DataFrame, redact: bool) -> tuple[pl.DataFrame, int]:
    """The log_lines text columns (`message`: the whole record; `thread_text`), redacted here when
    `redact` (the block threads share the work the sink's one thread would do); the marks added."""
    if not redact:
        return recs.with_columns(message=pl.col("text"), thread_text=pl.col("thread")), 0
    message, n = redact_series(recs["text"])
    thread, k = recs["thread"], 0
    if thread.unique().str.contains(PREFILTER).any():  # a few thread names: tested once each
        thread, k = redact_series(thread)
    return recs.with_columns(message=message, thread_text=thread), n + k


def _split(block: bytes, want: int) -> tuple[pl.Series, bool]:
    """The block's `want` physical lines (without `\\n`; a `\\r` before it may stay), and whether invalid
    UTF-8 was replaced. An ASCII block (no decoding to do) is split by Arrow's `split_pattern` over the
    bytes as they are (about twice as fast as polars' CSV reader); otherwise polars' CSV reader with a
    separator that never occurs splits lines about twice as fast as `str.split` and decodes as it goes;
    `str.split` is the fallback for blocks holding that separator."""
    if block.isascii():
        whole = pa.LargeStringArray.from_buffers(
            1, pa.py_buffer(struct.pack("<qq", 0, len(block))), pa.py_buffer(block)
        )
        s = pl.Series("l", pc.split_pattern(whole, "\n").flatten()).slice(0, want)
        if b"\r" in block:  # as the CSV reader does: one `\r` before the `\n` dropped
            s = s.str.strip_suffix("\r")
        return s, False
    if b"\x1f" not in block:
        try:
            s = pl.read_csv(
                block,
                has_header=False,
                separator="\x1f",
                quote_char=None,
                new_columns=["l"],
                schema={"l": pl.String},
                encoding="utf8-lossy",
                infer_schema=False,
            ).to_series()
        except (pl.exceptions.PolarsError, ValueError, OSError):  # OSError: polars sniffs `x\x01` as zlib
            s = None
        if s is not None and len(s) == want:
            replaced = not block.isascii() and bool(s.str.contains("\ufffd", literal=True).any())
            return s.fill_null(""), replaced
    text = str(block, "utf-8", "replace")
    s = pl.Series("l", [text]).str.split("\n").list.explode()
    return s.slice(0, want), "\ufffd" in text


def _block(ctx: FileContext, st: _State, p: _Prep) -> None:
    """The stateful part of one block of whole records: the file's ends, counts, tasks, rows."""
    s, head, hidx, line0 = p.s, p.head, p.hidx, p.line0
    st.replaced = st.replaced or p.replaced
    n = len(s)

    # the file's tail: CLI footer lines of a TTY capture, a truncated last record head
    n_body = n
    if p.last and len(hidx):
        n_body = _tail(ctx, st, s, int(hidx[-1]), n, line0, truncated=p.truncated)
    if n_body < n:
        s, head = s.slice(0, n_body), head.slice(0, n_body)
        hidx = head.arg_true()

    # lines before the first record (only the first block can have them: blocks are cut at heads)
    first = int(hidx[0]) if len(hidx) else n_body
    if st.heads == 0 and first > 0:
        _before_first(ctx, s.slice(0, first).to_list(), line0)
    ctx.count(parsed=n_body - first)
    if not len(hidx):
        return
    st.heads += len(hidx)

    if len(st.calib_sql) < CALIBRATION_SAMPLES:
        _calibrate_sql(st, s, head)

    recs, marks = p.recs, p.marks
    if recs is None or n_body < n:
        dtz = ctx.drill.director_timezone.key
        assert p.fields is not None
        recs, marks = _redacted(_records(s, head, hidx, p.fields, n_body, line0, dtz, p.cr), st.redact)
    recs = _tasks(st, recs)
    clean = _LOG_CLEAN if st.redact else frozenset()
    # string views as they are (no copy while holding the GIL); the sink's schema casts them
    log = _log_lines(recs).to_arrow(compat_level=pl.CompatLevel.newest())
    ctx.emit("log_lines", log, clean=clean, redactions=marks)

    cand = recs.filter(pl.col("cand"))
    if not cand.height:
        return
    # the exit status of a CPI call is on the record's last line (`, exit_status: pid N exit 0`): looked for on
    # the candidates' heads and on continuation lines only
    look = pl.concat([cand["i"].cast(pl.UInt32), (~head).arg_true().cast(pl.UInt32)]).sort()
    eidx = look.filter(s.gather(look).str.contains("exit_status: pid ", literal=True))
    if len(eidx):
        rank = head.cum_sum() - 1
        edf = (
            pl.DataFrame(
                {
                    "rank": rank.gather(eidx).cast(pl.UInt32),
                    "rc": s.gather(eidx)
                    .str.extract(r"exit_status: pid \d+ exit (\d+)\r?$", 1)
                    .cast(pl.Int64),
                }
            )
            .drop_nulls()
            .group_by("rank")
            .agg(pl.col("rc").last())
        )
        cand = cand.join(edf, on="rank", how="left")
    else:
        cand = cand.with_columns(rc=pl.lit(None, pl.Int64))
    events = _events(st, cand)
    if events.height:
        ctx.emit("events", events.to_arrow())


def _records(
    s: pl.Series,
    head: pl.Series,
    hidx: pl.Series,
    fields: pl.DataFrame,
    n_body: int,
    line0: int,
    dtz: str,
    cr: bool,
) -> pl.DataFrame:
    """One row per record of the block: its head's fields, its whole text (continuation lines joined with
    `\\n`), its instant in UTC, its task as logged, and whether it may be an event (`cand`)."""
    nxt = hidx.shift(-1, fill_value=n_body)
    ncont = (nxt - hidx - 1).cast(pl.Int64)
    recs = _fields(
        fields.gather(hidx).with_columns(i=hidx.cast(pl.Int64), ncont=ncont).with_row_index("rank"), s, cr
    )
    if (ncont > 0).any():
        # the few multi-line records: their continuation lines, joined per record
        rank = head.cum_sum().cast(pl.Int64) - 1  # -1 before the first head (UInt32 would wrap)
        cidx = (~head & (rank >= 0)).arg_true()
        cont = s.gather(cidx)
        if cr:
            cont = cont.str.strip_suffix("\r")
        cont = (
            pl.DataFrame({"rank": rank.gather(cidx).cast(pl.UInt32), "l": cont})
            .group_by("rank", maintain_order=True)
            .agg(pl.col("l").str.join("\n"))
        )
        # rank is the row number: the joined lines are appended in place, no join over every record
        msg, at = recs["msg"], cont["rank"]
        recs = recs.with_columns(text=msg.scatter(at, msg.gather(at) + "\n" + cont["l"]))
    else:
        recs = recs.with_columns(text=pl.col("msg"))
    recs = recs.with_columns(logged=_naive(recs["ts"]))
    logged = pl.col("logged")
    if dtz == "UTC":
        logged = logged.dt.replace_time_zone("UTC")
    else:
        logged = logged.dt.replace_time_zone(
            dtz, ambiguous="earliest", non_existent="null"
        ).dt.convert_time_zone("UTC")
    is_dir = pl.col("logger").is_not_null()
    task = pl.coalesce(
        pl.col("thread").str.extract(r"^task:(\d+)", 1),
        pl.col("msg").str.extract(
            r"^(?:Starting task: |Enqueuing task: |Task |Looking for task with task id )(\d+)", 1
        ),
    ).cast(pl.Int64, strict=False)
    level = pl.coalesce("level", "hlevel")
    return recs.with_columns(
        level=level,
        component=pl.when(is_dir).then(pl.lit("director")).otherwise(pl.lit("health_monitor")),
        source_line=pl.col("i") + line0 + 1,
        logged=logged,
        task_id=pl.when(is_dir).then(task),
        # CAND_RE, from the fields: the regex only runs on the message, not again over the head
        cand=(pl.col("sev") != "D") | ((level == "DEBUG") & pl.col("msg").str.contains(CAND_DEBUG_RE)),
    )


def _tasks(st: _State, recs: pl.DataFrame) -> pl.DataFrame:
    """Records of unnamed threads (`[]`: Task took, lock renewal) belong to the task logged before them,
    in this block or an earlier one."""
    is_dir = pl.col("logger").is_not_null()
    filled = pl.col("task_id").forward_fill()
    if st.last_task is not None:
        filled = filled.fill_null(st.last_task)
    recs = recs.with_columns(task_id=pl.when(is_dir).then(filled))
    last = recs.select(pl.col("task_id").filter(is_dir).drop_nulls().last()).item()
    if last is not None:
        st.last_task = int(last)
    return recs


# log_lines columns redacted by `_redacted`, or our own words (`component`)
_LOG_CLEAN = frozenset({"message", "thread", "component"})


def _log_lines(recs: pl.DataFrame) -> pl.DataFrame:
    return recs.select(
        ts=pl.col("logged"),
        level=pl.col("level"),
        component=pl.col("component"),
        thread=pl.col("thread_text"),
        task_id=pl.col("task_id"),
        pid=pl.col("pid").cast(pl.Int64, strict=False),
        message=pl.col("message"),
        source_line=pl.col("source_line"),
    )


def _tail(
    ctx: FileContext, st: _State, s: pl.Series, last_head: int, n: int, line0: int, truncated: bool
) -> int:
    """Handle the end of the file; returns the number of lines left for the body."""
    k = min(n - last_head - 1, 8)
    tail = [x.rstrip("\r") for x in s.slice(n - k, k).to_list()] if k > 0 else []
    if truncated and tail and re.match(r"[DIWEFA], \[\d", tail[-1]) and not _CPI_STDERR.match(tail[-1]):
        ctx.quarantine(line0 + n, "truncated log record at end of file", tail[-1])
        tail.pop()
        n -= 1
    j = len(tail)
    while j > 0 and _FOOTER.match(tail[j - 1]):
        j -= 1
    if j < len(tail) and any(tail[j:]):  # a CLI footer (blank lines alone stay in the record)
        for x in tail[j:]:
            if m := _FOOTER.match(x):
                if m.group(1):
                    t = st.tasks.setdefault(int(m.group(1)), _Task(int(m.group(1))))
                    t.state = m.group(2)
                    ctx.count(parsed=1)
                else:
                    ctx.count(ignorable=1)
        n -= len(tail) - j
    return n


def _before_first(ctx: FileContext, lines: list[str], line0: int) -> None:
    bad = []
    for k, raw in enumerate(lines):
        line = raw.rstrip("\r")
        if not line.strip() or _WRAPPER.match(line):
            ctx.count(ignorable=1)
        else:
            bad.append(
                (
                    line0 + k + 1,
                    "before the first log record (the end of a record the excerpt starts inside, or other text)",
                    line,
                )
            )
    ctx.quarantine_many(bad)


def _calibrate_sql(st: _State, s: pl.Series, head: pl.Series) -> None:
    """Head timestamp minus the first `+0000` SQL literal on the same line, in seconds."""
    idx = (head & s.str.contains("+0000'", literal=True)).arg_true().head(500)
    if not len(idx):
        return
    lines = s.gather(idx)
    df = pl.DataFrame(
        {
            "w": _naive(lines.str.extract(_HEAD_TS_RE, 1)),
            "u": _naive(lines.str.extract(_LITERAL_RE, 1)),
        }
    ).drop_nulls()
    if df.height:
        st.calib_at = st.calib_at or df["u"][0]
        st.calib_sql.extend(((df["w"] - df["u"]).dt.total_microseconds().cast(pl.Float64) / 1e6).to_list())


def _naive(ts: pl.Series) -> pl.Series:
    """Wall-clock times (`2019-01-03T01:51:28.313280`, `T` or a space) as naive datetimes. Arrow's ISO 8601
    cast is about ten times faster than polars' strptime; a value it refuses (nanoseconds, a 13th month)
    sends the whole series through strptime, which leaves what it cannot read null."""
    try:
        out = pl.from_arrow(ts.to_arrow().cast(pa.timestamp("us")))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return ts.str.replace(" ", "T", literal=True).str.to_datetime(
            "%Y-%m-%dT%H:%M:%S%.f", time_unit="us", strict=False
        )
    assert isinstance(out, pl.Series)
    return out.alias(ts.name)


def _fields(f: pl.DataFrame, s: pl.Series, cr: bool) -> pl.DataFrame:
    """The heads' fields from `_heads` (a line's one `\\r` before its `\\n` taken off the message); a head
    the prefix regex could not read goes through the whole-line regex."""
    if cr:
        f = f.with_columns(pl.col("msg").str.strip_suffix("\r"))
    bad = f["sev"].is_null()
    if bad.any():
        line = s.gather(f.filter(bad)["i"])
        if cr:
            line = line.str.strip_suffix("\r")
        redo = (
            f.filter(bad)
            .select("rank", "i", "ncont", line.str.extract_groups(FIELDS_RE).alias("f"))
            .unnest("f")
        )
        f = pl.concat([f.filter(~bad), redo.select(f.columns)]).sort("i")
    return f


def _events(st: _State, f: pl.DataFrame) -> pl.DataFrame:
    """The records that matter to a drill timeline (candidates of `_records`), as `events` rows."""
    msg = pl.col("msg")
    is_dir = pl.col("logger").is_not_null()
    is_err = pl.col("level").is_in(["ERROR", "FATAL"])
    task_err = is_err & ~msg.str.contains(BACKTRACE_RE)  # a backtrace-only record echoes the error above
    kind = (
        pl.when(is_dir & msg.str.contains(TASK_LIFE_RE))
        .then(pl.lit("director_task"))
        .when(is_dir & task_err & pl.col("thread").str.starts_with("task:") & (pl.col("ncont") > 0))
        .then(pl.lit("director_task"))  # the job runner's error with its backtrace: why the task failed
        .when(is_dir & msg.str.contains(LOCK_RE))
        .then(pl.lit("bosh_lock"))
        .when(
            is_dir & (msg.str.contains(CCK_RE) | ((pl.col("level") == "INFO") & msg.str.contains(APPLY_RE)))
        )
        .then(pl.lit("cck"))
        .when(is_dir & msg.str.contains(TIMEOUT_RE))
        .then(pl.lit("agent_timeout"))
        .when(is_dir & msg.str.contains(CPI_RE))
        .then(pl.lit("cpi"))
        .when(task_err)
        .then(pl.lit("log_error"))
        .when(is_dir & msg.str.contains(SLOW_SQL_RE))
        .then(pl.lit("slow_sql"))
        .when(~is_dir & msg.str.contains(ALERT_RE))
        .then(pl.lit("hm_alert"))
        .when(~is_dir & msg.str.contains(HM_ANALYZED_RE))
        .then(pl.lit("hm"))
    )
    f = f.with_columns(kind=kind)
    _collect_tasks(st, f.filter(is_dir & msg.str.contains(TASK_INFO_RE)))
    f = f.filter(pl.col("kind").is_not_null())
    if not f.height:
        return f
    if f["kind"].eq("hm_alert").any():
        _calibrate_hm(st, f)
    f = _cpi_methods(st, f)

    short = msg.str.slice(0, MESSAGE_CHARS)
    more = pl.when(pl.col("ncont") > 0).then(pl.format(" (+{} lines)", pl.col("ncont"))).otherwise(pl.lit(""))
    alert = msg.str.extract_groups(ALERT_RE)
    cpi_err = msg.str.extract(r'^[^,]*response: \{.*?"error":(\{[^{}]*\})', 1)
    message = (
        pl.when(pl.col("kind") == "hm_alert")
        .then(alert.struct.field("3").str.slice(0, MESSAGE_CHARS))
        .when((pl.col("kind") == "cpi") & (pl.col("cpi_dir") == "request"))
        .then(
            pl.format(
                "[external-cpi] [{}] request: {} {}",
                pl.col("cpi_req"),
                pl.col("method").fill_null("?"),
                msg.str.extract(r'"arguments":(.*?),"context":', 1).fill_null("").str.slice(0, 200),
            )
        )
        .when((pl.col("kind") == "cpi") & (pl.col("cpi_dir") == "response"))
        .then(
            pl.format(
                "[external-cpi] [{}] {} response: exit {}",
                pl.col("cpi_req"),
                pl.col("method").fill_null("?"),
                pl.col("rc").cast(pl.String).fill_null("?"),
            )
            + pl.when(cpi_err.is_not_null()).then(pl.lit(", error ") + cpi_err).otherwise(pl.lit(""))
        )
        .when(is_err)
        .then(short + more)
        .otherwise(short)
    )
    ts = (
        pl.when(pl.col("kind") == "hm_alert")
        .then(
            alert.struct.field("1")
            .str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
            .dt.replace_time_zone("UTC")
        )
        .otherwise(pl.col("logged"))
    )
    return f.select(
        ts=ts,
        ts_role=pl.lit("logged"),
        kind=pl.col("kind"),
        component=pl.col("component"),
        instance=msg.str.extract(INSTANCE_RE, 1),
        severity=pl.when(pl.col("kind") == "hm_alert")
        .then(alert.struct.field("2"))
        .otherwise(pl.col("level").str.to_lowercase()),
        task_id=pl.col("task_id"),
        message=message,
        source_line=pl.col("source_line"),
    )


def _cpi_methods(st: _State, f: pl.DataFrame) -> pl.DataFrame:
    """Name the method on CPI responses: the request with the same `cpi-N` id (this block or earlier)."""
    cpi = pl.col("msg").str.extract_groups(CPI_RE)
    f = f.with_columns(cpi_req=cpi.struct.field("1"), cpi_dir=cpi.struct.field("2"))
    reqs = f.filter(pl.col("cpi_dir") == "request").select(
        req=pl.col("cpi_req"), method=pl.col("msg").str.extract(r'"method":"(\w+)"', 1)
    )
    known = pl.concat([st.cpi_methods, reqs]).unique("req", keep="last", maintain_order=True).tail(512)
    st.cpi_methods = known
    return f.join(known.rename({"req": "cpi_req"}), on="cpi_req", how="left")


def _calibrate_hm(st: _State, f: pl.DataFrame) -> None:
    if len(st.calib_hm) >= CALIBRATION_SAMPLES:
        return
    a = f.filter(pl.col("kind") == "hm_alert").head(500)
    df = pl.DataFrame(
        {
            "w": _naive(a["ts"]),
            "u": a["msg"]
            .str.extract(ALERT_RE, 1)
            .str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False),
        }
    ).drop_nulls()
    if df.height:
        st.calib_at = st.calib_at or df["u"][0]
        st.calib_hm.extend(((df["w"] - df["u"]).dt.total_microseconds().cast(pl.Float64) / 1e6).to_list())


_STATE_UPDATE = re.compile(r"UPDATE \"tasks\" SET \"state\" = '(\w+)'")
_SQL_COL = {
    # a literal that runs on to the next line (a multi-line error result) is cut at the line end
    k: re.compile(rf"\"{k}\" = (?:'((?:[^']|'')*)'(?!')|'((?:[^']|'')*)$|NULL)")
    for k in ("description", "result", "deployment_name", "username")
}
_DUMP_COL = {
    k: re.compile(rf":{k}=>\"((?:[^\"\\]|\\.)*)\"") for k in ("description", "deployment_name", "username")
}
_TERMINAL = {"done", "error", "cancelled", "timeout"}


def _collect_tasks(st: _State, info: pl.DataFrame) -> None:
    """Task lifecycle facts for `bosh_tasks` (a handful of records per task)."""
    for r in info.select("task_id", "msg", "logged", "source_line").iter_rows(named=True):
        tid, msg, ts = r["task_id"], r["msg"], r["logged"]
        if tid is None:
            continue
        t = st.tasks.setdefault(tid, _Task(tid))
        if msg.startswith("Starting task: "):
            if t.started_at is None:
                t.started_at, t.source_line = ts, r["source_line"]
        elif msg.startswith("Enqueuing task: "):
            t.source_line = t.source_line or r["source_line"]
        elif msg.startswith("Found task #<"):
            t.description = t.description or _m(_DUMP_COL["description"], msg)
            t.deployment = t.deployment or _m(_DUMP_COL["deployment_name"], msg)
            t.user = t.user or _m(_DUMP_COL["username"], msg)
        elif msg == "Done":
            t.state = t.state or "done"
            t.end_fallback = ts
            t.end_line = t.end_line or r["source_line"]
        elif msg.startswith("Task took "):
            t.ended_at = ts
            t.end_line = r["source_line"]
        elif re.match(r"Task \d+ cancelled", msg):
            t.state, t.end_fallback = "cancelled", ts
        elif re.match(r"Task \d+ was terminated", msg):
            t.state, t.end_fallback = "error", ts
        elif m := _STATE_UPDATE.search(msg):
            t.description = t.description or _sql(_SQL_COL["description"], msg)
            t.deployment = t.deployment or _sql(_SQL_COL["deployment_name"], msg)
            t.user = t.user or _sql(_SQL_COL["username"], msg)
            if m.group(1) in _TERMINAL:
                t.state, t.end_fallback = m.group(1), ts
                t.result = _sql(_SQL_COL["result"], msg)


def _m(rx: re.Pattern[str], s: str) -> str | None:
    m = rx.search(s)
    return m.group(1) if m else None


def _sql(rx: re.Pattern[str], s: str) -> str | None:
    m = rx.search(s)
    v = (m.group(1) if m.group(1) is not None else m.group(2)) if m else None
    return v.replace("''", "'") if v is not None else None


def _emit_tasks(ctx: FileContext, st: _State) -> None:
    rows = [
        {
            "task_id": t.task_id,
            "deployment": t.deployment,
            "description": t.description,
            "state": t.state,
            "user": t.user,
            "result": t.result,
            "started_at": t.started_at,
            "ended_at": t.ended_at or t.end_fallback,
            "source_line": t.source_line,
            "end_line": t.end_line,
        }
        for t in st.tasks.values()
    ]
    if rows:
        ctx.emit("bosh_tasks", rows)


def _calibration_notes(ctx: FileContext, st: _State) -> None:
    """Note a log clock that looks like another zone than `director_timezone` (never shift silently)."""
    for label, diffs in (("debug log", st.calib_sql), ("health monitor log", st.calib_hm)):
        if not diffs or st.calib_at is None:
            continue
        med = median(diffs)
        off = round(med / 900) * 900  # zones are whole quarter hours
        if abs(med - off) > 300:
            continue
        at = st.calib_at.replace(tzinfo=UTC)
        said = at.astimezone(ctx.drill.director_timezone).utcoffset() or timedelta(0)
        if off != int(said.total_seconds()):
            ctx.notes.append(
                f"{label} clock looks like {_utc(off)}, drill says {ctx.drill.director_timezone.key}"
            )


def _utc(seconds: int) -> str:
    if seconds == 0:
        return "UTC"
    sign = "+" if seconds > 0 else "-"
    h, m = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")
