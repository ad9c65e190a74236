"""Healthwatch CSV: operator exports of Healthwatch 1.x data and Grafana panel exports (Healthwatch 2.x).

Layouts (the header decides):
* wide, one column per series: `timestamp,<metric>,…` (operator-made HW1 export, ISO-8601 with offset);
  Grafana 7.x Inspect › Data › Download CSV, "Series joined by time" (`"Time",…`; UTF-8 BOM, CRLF,
  quoted header, `YYYY-MM-DD HH:mm:ss` in the dashboard zone without offset → read in the drill's
  `timezone`, or epoch ms when unformatted; empty cell = null; an extra blank line after each frame,
  several frames each with its own header); Grafana ≤ 6.x "Export CSV" series as columns (optional
  `sep=;` line, `;`, quoted strings, time with offset, literal `null`). Grafana source:
  `packages/grafana-data/src/utils/csv.ts`, `public/app/core/utils/file_export.ts`.
* long, one row per sample: `timestamp,origin,name,value,unit,deployment,job,index` (HW1 operator
  export; the other columns become labels), and Grafana ≤ 6.x series as rows `Series;Time;Value`.

A header cell that is a Prometheus selector (`probe_success{instance="…", job="…"}`) gives the metric
and its labels; a legend (`cf push failures (5m)`) is kept as the metric name; `Value` (an unnamed
frame) takes the metric from the file name. An empty / `null` / `NaN` cell is a missing sample: no row.
Header, `sep=` and blank lines are ignorable; data rows are parsed; a row with the wrong number of
fields, an unreadable time or a value that is not a plain number is quarantined (its readable cells
are still kept).
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from drillscope.ingest.context import FileContext, decode, split_lines
from drillscope.ingest.parsers.healthwatch.json_export import file_metric
from drillscope.ingest.parsers.healthwatch.series import (
    Mapping,
    Point,
    Series,
    _detail,
    canonical,
    emit_series,
    number,
    probe_capability,
    resolve,
    series_name,
    split_selector,
)
from drillscope.ingest.signals import OPS
from drillscope.ingest.wallclock import EPOCH, epoch
from drillscope.transforms.redact import redact_values

_SEP = re.compile(r"^sep=(.)$")
_TIME_COLS = ("time", "timestamp")
_LONG_NAME = ("name", "metric", "series")
_TIME_TEXT = re.compile(
    r"^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?|\d{10,19}(\.\d+)?)$"
)
_DELIMS = (",", ";", "\t")


def _cells(line: str, delim: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delim))
    except (csv.Error, StopIteration):
        return []


def _header(line: str, prefer: str | None) -> tuple[str, list[str]] | None:
    """(delimiter, cells) when the line is a header of a layout we read."""
    best: tuple[str, list[str]] | None = None
    for d in (prefer,) if prefer else _DELIMS:
        cells = [c.strip() for c in _cells(line, d)]
        if len(cells) < 2 or _layout(cells) is None:
            continue
        if best is None or len(cells) > len(best[1]):
            best = (d, cells)
    return best


def _layout(cells: list[str]) -> str | None:
    low = [c.lower() for c in cells]
    if low[0] in _TIME_COLS:
        has_name = any(c in ("name", "metric") for c in low)
        return "long" if has_name and "value" in low else "wide"
    if low[:3] == ["series", "time", "value"]:
        return "long"
    return None


def probe(head: str) -> bool:
    lines = [ln.strip().lstrip("\ufeff") for ln in head.splitlines()]
    lines = [ln for ln in lines if ln]
    prefer = None
    if lines and (m := _SEP.match(lines[0])):
        prefer = m.group(1)
        lines = lines[1:]
    if len(lines) < 2:
        return False
    h = _header(lines[0], prefer)
    if h is None:
        return False
    delim, cells = h
    row = [c.strip() for c in _cells(lines[1], delim)]
    tcol = [c.lower() for c in cells].index("time") if cells[0].lower() == "series" else 0
    return len(row) == len(cells) and bool(_TIME_TEXT.match(row[tcol]))


@dataclass
class _Frame:
    layout: str
    cols: list[str]
    tcol: int = 0
    series: list[Series | None] = field(default_factory=list)  # wide: one per column
    name_col: int = -1
    value_col: int = -1
    label_cols: list[int] = field(default_factory=list)
    by_key: dict[tuple, Series] = field(default_factory=dict)  # long: one per (metric, labels)


_GRAFANA_FILE = re.compile(r"^(?P<title>.+?)-data(?:-as-[A-Za-z]+)?-\d{4}-\d\d-\d\d[ _T]\d\d[:_]\d\d[:_]\d\d")


def panel_title(source_file: str) -> str | None:
    """The Grafana panel title in an Inspect › Data download's name: `<title>-data-<YYYY-MM-DD HH:mm:ss>.csv`."""
    m = _GRAFANA_FILE.match(PurePosixPath(source_file).name)
    return m.group("title").strip() if m else None


def _column_series(ctx: FileContext, text: str) -> Series:
    """The series of a wide column: a selector gives the metric and labels, a legend is the metric; a
    column without a name (`Value`, a selector without metric: `rate()` drops `__name__`) takes the
    Grafana panel title from the file name, else the metric the file name suggests."""
    sel = split_selector(text)
    if sel is not None and sel[0]:
        return Series(metric=canonical(sel[0]), labels=sel[1], title=text)
    if sel is not None or text.lower() == "value":
        labels = sel[1] if sel else {}
        title = panel_title(ctx.source_file)
        metric = canonical(title) if title else file_metric(ctx.source_file, labels)
        return Series(metric=metric, labels=labels, name_from_file=True, title=text)
    return Series(metric=canonical(text), title=text if canonical(text) != text else None)


def _frame(ctx: FileContext, cells: list[str]) -> _Frame:
    layout = _layout(cells) or "wide"
    low = [c.lower() for c in cells]
    if layout == "wide":
        f = _Frame("wide", cells)
        f.series = [None] + [_column_series(ctx, c) for c in cells[1:]]
        return f
    f = _Frame("long", cells, tcol=low.index("time") if "time" in low else 0)
    f.name_col = next(i for i, c in enumerate(low) if c in _LONG_NAME)
    f.value_col = low.index("value")
    f.label_cols = [i for i in range(len(cells)) if i not in (f.tcol, f.name_col, f.value_col)]
    return f


def _time(ctx: FileContext, text: str) -> datetime | None:
    text = text.strip()
    if not _TIME_TEXT.match(text):
        return None
    if text[:1].isdigit() and "-" not in text:
        return epoch(text)  # unformatted Grafana export: epoch ms
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:  # Grafana 7 prints the dashboard's wall clock without offset
        return ctx.clock.local(dt)
    return dt.astimezone(UTC)


def parse(ctx: FileContext) -> None:
    if fast_long(ctx):
        return
    delim: str | None = None
    frame: _Frame | None = None
    frames: list[_Frame] = []
    fresh = True  # at the start, or after a blank line: a new Grafana frame may begin
    for n, raw in enumerate(ctx.lines, 1):
        line = raw.lstrip("\ufeff").strip()
        if not line:
            ctx.count(ignorable=1)
            fresh = True
            continue
        if frame is None and (m := _SEP.match(line)):
            delim = m.group(1)
            ctx.count(ignorable=1)
            continue
        if frame is None or fresh:
            h = _header(line, delim)
            if h is not None:
                delim = h[0]
                frame = _frame(ctx, h[1])
                frames.append(frame)
                ctx.count(ignorable=1)
                fresh = False
                continue
        fresh = False
        if frame is None or delim is None:
            ctx.quarantine(n, "CSV row before any header", raw)
            continue
        _row(ctx, frame, n, raw, [c.strip() for c in _cells(line, delim)])
    series: list[Series] = []
    for f in frames:
        series += [s for s in f.series if s is not None] if f.layout == "wide" else list(f.by_key.values())
    emit_series(ctx, series)


def _row(ctx: FileContext, f: _Frame, n: int, raw: str, cells: list[str]) -> None:
    if len(cells) != len(f.cols):
        ctx.quarantine(n, f"expected {len(f.cols)} fields, found {len(cells)}", raw)
        return
    ts = _time(ctx, cells[f.tcol])
    if ts is None:
        ctx.quarantine(n, f"unreadable time {cells[f.tcol]!r}", raw)
        return
    bad: list[str] = []
    if f.layout == "wide":
        for i in range(1, len(cells)):
            s = f.series[i]
            assert s is not None
            try:
                v = number(cells[i])
            except ValueError:
                bad.append(f"{f.cols[i]}={cells[i]!r}")
                continue
            if v is not None:
                s.points.append(Point(ts, v, cells[i], n))
    else:
        name = cells[f.name_col]
        try:
            v = number(cells[f.value_col])
        except ValueError:
            bad.append(f"{f.cols[f.value_col]}={cells[f.value_col]!r}")
            v = None
        if not name:
            bad.append("empty metric name")
        elif v is not None:
            labels = {f.cols[i]: cells[i] for i in f.label_cols if cells[i]}
            sel = split_selector(name)
            metric = canonical(sel[0]) if sel and sel[0] else canonical(name)
            if sel:
                labels.update(sel[1])
            key = (metric, tuple(sorted(labels.items())))
            s = f.by_key.get(key)
            if s is None:
                s = f.by_key[key] = Series(metric=metric, labels=labels)
            s.points.append(Point(ts, v, cells[f.value_col], n))
    if bad:
        ctx.quarantine(n, "not a plain number: " + ", ".join(bad), raw)
    else:
        ctx.count(parsed=1)


# --------------------------------------------------------------------------------------------------------
# The streamed, vectorized path for big long exports (HW1 `timestamp,origin,name,value,...`): same rows,
# counts and quarantine as the row path above, in bounded memory. Clean rows are parsed with polars
# block by block and spooled to a temp Arrow file; rows it cannot take as they are (quotes, a wrong
# field count, an odd time, a value that is not a plain number, no name) go through `_row` unchanged.
# `interval_s` (the median spacing of a series) needs the whole series: it comes from a histogram of
# spacings per series, exact while each series is in time order (else the spooled times are sorted).
# A second header or a `sep=` line (Grafana frames) sends the file to the row path, before anything
# has been written.
# --------------------------------------------------------------------------------------------------------
# 16 MiB blocks stay below glibc's 32 MiB mmap threshold, so their memory is reused; 32 MiB blocks were mapped
# and faulted in afresh each time (+0.4-0.7 CPU s per 5 M rows in block reading alone)
FAST_BYTES = 16 << 20
_FAST_TS = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:[+-]\d\d:\d\d|Z)$"
_HEADERISH = re.compile(r"(?i)^[\s\"\ufeff]*(?:time|timestamp|series)[\"\s]*[,;\t]")
_PLAIN_NUMBER = r"^[+-]?[0-9.eE+-]+$"  # what float() reads the same way (no inf, nan, 1_000)


class _Fallback(Exception):
    """The file is not a plain long export: parse it with the row path."""


class _Buffer:
    """Stands in for the FileContext during the fast pass: counts and quarantined lines are held
    until the pass has succeeded (a fallback then starts from a clean slate)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.drill = ctx.drill
        self.source_file = ctx.source_file
        self.clock = ctx.clock
        self.parsed = 0
        self.ignorable = 0
        self.bad: list[tuple[int, str, str]] = []

    def count(self, parsed: int = 0, ignorable: int = 0) -> None:
        self.parsed += parsed
        self.ignorable += ignorable

    def quarantine(self, line: int, reason: str, raw: str) -> None:
        self.bad.append((line, reason, raw))


def fast_long(ctx: FileContext) -> bool:
    """Parse a long export in blocks; False (nothing written) when the file needs the row path."""
    import polars as pl

    head = ctx.head(4096).lstrip("\ufeff").split("\n", 1)[0].rstrip("\r").strip()
    h = _header(head, None) if head else None
    if h is None or _layout(h[1]) != "long":
        return False
    delim, cols = h
    frame = _frame(ctx, cols)  # type: ignore[arg-type]
    buf = _Buffer(ctx)
    try:
        with tempfile.TemporaryDirectory(prefix="drillscope-hw-") as tmp, ThreadPoolExecutor(1) as ahead:
            spool = _Spool(Path(tmp) / "rows.arrow")
            blocks = ctx.blocks(FAST_BYTES)
            # the next block is read and through polars' CSV reader in a thread of its own while this one
            # goes through the rules: both cores stay busy (file reads and polars release the GIL)
            nxt = ahead.submit(_next_block, ctx, blocks, frame, delim, pl)
            while (got := nxt.result()) is not None:
                nxt = ahead.submit(_next_block, ctx, blocks, frame, delim, pl)
                _fast_block(buf, frame, delim, *got, spool, pl)
            spool.close()
            _fast_emit(ctx, buf, frame, spool, pl)
    except _Fallback:
        return False
    return True


class _Spool:
    """Parsed samples (series id, µs since epoch, value, raw value, line) in a temp Arrow IPC file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: Any = None
        self.keys: dict[tuple[str, str], int] = {}  # (metric, labels JSON) -> series id
        self.by_hash: dict[int, int | None] = {}  # key hash of the cells -> series id (None: no name)
        self.labels: list[dict[str, str]] = []
        self.last: dict[int, int] = {}  # last time of each series (spacings across blocks)
        self.hist: dict[tuple[int, int], int] = {}  # (series id, spacing µs) -> count
        self.ordered = True

    def sid(self, metric: str, labels: dict[str, str]) -> int:
        key = (metric, json.dumps(labels, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
        got = self.keys.get(key)
        if got is None:
            got = self.keys[key] = len(self.keys)
            self.labels.append(labels)
        return got

    def write(self, df: Any, pl: Any) -> None:
        if not df.height:
            return
        if self.ordered:
            self._spacings(df, pl)
        t = df.to_arrow()
        if self.writer is None:
            import pyarrow as pa

            self.writer = pa.ipc.new_file(str(self.path), t.schema)
        self.writer.write_table(t)

    def _spacings(self, df: Any, pl: Any) -> None:
        prev = pl.DataFrame(
            {"sid": list(self.last), "us": list(self.last.values())}, schema={"sid": pl.Int32, "us": pl.Int64}
        )
        # rows are in line order and `over` keeps that order inside each series: no sort needed
        d = pl.concat([prev, df.select("sid", "us")]).with_columns(gap=pl.col("us").diff().over("sid"))
        if (d["gap"] < 0).any():
            self.ordered = False  # a series out of time order: exact spacings from the sorted times
            return
        for sid, gap, n in d.filter(pl.col("gap") > 0).group_by("sid", "gap").len().iter_rows():
            self.hist[(sid, gap)] = self.hist.get((sid, gap), 0) + n
        last = df.group_by("sid").agg(pl.col("us").max())
        self.last.update(zip(last["sid"].to_list(), last["us"].to_list(), strict=True))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def intervals(self, pl: Any) -> dict[int, float | None]:
        gaps: dict[int, list[tuple[int, int]]] = {}
        if self.ordered:
            for (sid, gap), n in self.hist.items():
                gaps.setdefault(sid, []).append((gap, n))
        elif self.writer is not None:
            t = (
                pl.scan_ipc(self.path)
                .select("sid", "us")
                .unique()
                .sort("sid", "us")
                .with_columns(gap=pl.col("us").diff().over("sid"))
                .filter(pl.col("gap") > 0)
                .group_by("sid", "gap")
                .len()
                .collect()
            )
            for sid, gap, n in t.iter_rows():
                gaps.setdefault(sid, []).append((gap, n))
        return {sid: _median_us(g) for sid, g in gaps.items()}


def _median_us(hist: list[tuple[int, int]]) -> float | None:
    """`median_spacing` from a histogram of spacings in µs (same float arithmetic)."""
    hist.sort()
    total = sum(n for _, n in hist)
    if not total:
        return None

    def nth(k: int) -> float:
        for gap, n in hist:
            if k < n:
                return gap / 10**6
            k -= n
        raise IndexError(k)

    m = nth(total // 2) if total % 2 else (nth(total // 2 - 1) + nth(total // 2)) / 2
    return float(round(m)) if m >= 1 else round(m, 3)


def _next_block(ctx: FileContext, blocks: Iterator[bytes], f: _Frame, delim: str, pl: Any) -> tuple | None:
    """The next block without the header line: (block, its first line's index, its line count, whether the
    header was taken off, its cells from polars' reader or None); None at the end."""
    block = next(blocks, None)
    if block is None:
        return None
    line0, nlines, header = ctx.line_offset, ctx.block_lines, ctx.line_offset == 0
    if header:
        cut = block.find(b"\n") + 1 or len(block)
        block, line0, nlines = block[cut:], 1, nlines - 1
    return block, line0, nlines, header, _read_cells(block, f, delim, line0, nlines, pl) if block else None


def _fast_block(
    buf: _Buffer,
    f: _Frame,
    delim: str,
    block: bytes,
    line0: int,
    nlines: int,
    header: bool,
    cells: Any,
    spool: _Spool,
    pl: Any,
) -> None:
    if header:
        buf.count(ignorable=1)
    if not block:
        return
    if cells is None:
        cells = _split_cells(buf, f, delim, block, line0, pl)
    _fast_rows(buf, f, delim, block, line0, cells, spool, pl)


def _read_cells(block: bytes, f: _Frame, delim: str, line0: int, nlines: int, pl: Any) -> Any:
    """The block through polars' native CSV reader (multi-threaded, no Python strings): one row per line,
    cells as printed. None when the block needs the line splitter: quotes (csv.reader unquotes them), NUL,
    a lone CR, bytes that are not UTF-8, a row with too many fields, or a row count that is not the line
    count. A row with too few fields reads with a null last cell, like a row whose last cell is empty:
    `_fast_rows` sends both to the row path, which tells them apart."""
    if b'"' in block or b"\x00" in block:
        return None
    if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):  # (`in` first: a count costs)
        return None
    try:
        df = pl.read_csv(
            block,
            has_header=False,
            separator=delim,
            quote_char=None,
            new_columns=[f"c{i}" for i in range(len(f.cols))],
            schema={f"c{i}": pl.String for i in range(len(f.cols))},
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:  # too many fields, bad UTF-8, a short first row, ...
        return None
    if df.height != nlines:
        return None
    last = f"c{len(f.cols) - 1}"
    return df.select(
        pl.int_range(line0 + 1, line0 + 1 + df.height, dtype=pl.Int64).alias("line"),
        pl.col(f"c{f.tcol}").alias("ts_txt"),
        pl.col(f"c{f.name_col}").alias("name"),
        pl.col(f"c{f.value_col}").alias("val_txt"),
        *[pl.col(f"c{i}").alias(f"l{i}") for i in f.label_cols],
        pl.col(last).is_null().alias("suspect"),
    )


def _split_cells(buf: _Buffer, f: _Frame, delim: str, block: bytes, line0: int, pl: Any) -> Any:
    """The block split into lines and cells by polars string functions (after decoding as `decode` does):
    the path for blocks `_read_cells` declines. Rows it cannot split as they are (quotes, a wrong field
    count) are marked `suspect` for the row path."""
    text, _ = decode(block)
    df = pl.DataFrame({"raw": pl.Series("raw", split_lines(text), dtype=pl.String)}).with_row_index(
        "line", offset=line0 + 1
    )
    ncols = len(f.cols)
    blank = pl.col("raw").str.strip_chars() == ""
    n_blank = int(df.select(blank.sum()).item())
    if n_blank:  # ignorable
        buf.count(ignorable=n_blank)
        df = df.filter(~blank)
    suspect = pl.col("raw").str.contains('["\r\x00]') | (
        pl.col("raw").str.count_matches(delim, literal=True) + 1 != ncols
    )
    cell = [pl.col("c").list.get(i, null_on_oob=True).str.strip_chars() for i in range(ncols)]
    return df.with_columns(c=pl.col("raw").str.split(delim, inclusive=False), suspect=suspect).select(
        pl.col("line").cast(pl.Int64),
        cell[f.tcol].alias("ts_txt"),
        cell[f.name_col].alias("name"),
        cell[f.value_col].alias("val_txt"),
        *[cell[i].alias(f"l{i}") for i in f.label_cols],
        "suspect",
        "raw",  # the row path needs it for the rows these rules do not take
    )


def _fast_rows(
    buf: _Buffer, f: _Frame, delim: str, block: bytes, line0: int, cells: Any, spool: _Spool, pl: Any
) -> None:
    """Rows the vectorized rules take are spooled; the others go through `_row` one by one (rare)."""
    keys = ["name", *[f"l{i}" for i in f.label_cols]]
    val = pl.col("val_txt")
    # one lazy pass: polars runs these expressions side by side on both cores
    cells = (
        cells.lazy()
        .with_columns(
            # the series key: a 64-bit hash of its cells (each hashed with its own seed, summed with odd
            # weights: collisions ~ n²/2⁶⁵; a struct hash row-encodes the cells first, 3x the CPU)
            h=pl.sum_horizontal([pl.col(k).hash(i) * (2 * i + 3) for i, k in enumerate(keys)]),
            value=val.cast(pl.Float64, strict=False),
            # a missing sample, as `number` reads it: no cell, empty, `null`, NaN (no row, the line is parsed)
            empty=val.is_null() | val.is_in(["", "null", "NULL", "Null", "NaN", "nan", "NAN"]),
            plain=val.str.contains(_PLAIN_NUMBER),
            iso=pl.col("ts_txt").str.contains(_FAST_TS),
        )
        .collect()
    )
    ok = (
        ~pl.col("suspect")
        & pl.col("sid").is_not_null()
        & pl.col("us").is_not_null()
        & (pl.col("empty") | (pl.col("value").is_finite() & pl.col("plain")))
    ).fill_null(False)
    cells = cells.with_columns(us=_epoch_us(cells, pl), sid=_sids(f, spool, cells, keys, pl)).with_columns(
        ok=ok
    )
    buf.count(parsed=int(cells["ok"].sum()))
    out = cells.filter(pl.col("ok") & ~pl.col("empty")).select(
        "sid", "us", "value", pl.col("val_txt").alias("rawv"), "line"
    )
    slow = cells.filter(~pl.col("ok"))
    if slow.height:
        if "raw" in slow.columns:  # the line splitter's frame has the raw lines
            pairs = list(slow.select("line", "raw").iter_rows())
        else:  # polars' reader took valid UTF-8: cut just these lines out of the bytes
            raw = block.split(b"\n")
            pairs = [(n, raw[n - line0 - 1].decode().removesuffix("\r")) for n in slow["line"].to_list()]
        ex = _slow_rows(buf, f, delim, pairs, spool, pl)
        if ex is not None:
            out = pl.concat([out, ex]).sort("line")
    spool.write(out, pl)


def _epoch_us(cells: Any, pl: Any) -> Any:
    """µs since the epoch of each time written as `_FAST_TS` (`iso`), else null (the row path reads it).
    Arrow's ISO 8601 cast reads them about ten times faster than polars' strptime; when it refuses one
    (a 30th of February), strptime reads the block, leaving null what it cannot read."""
    import pyarrow as pa

    fast = cells.select(pl.when("iso").then("ts_txt")).to_series()
    try:
        return pl.from_arrow(fast.to_arrow().cast(pa.timestamp("us", tz="UTC"))).dt.epoch("us")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return (
            fast.str.replace(r"Z$", "+00:00")
            .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", time_unit="us", strict=False)
            .dt.epoch("us")
        )


def _sids(f: _Frame, spool: _Spool, cells: Any, keys: list[str], pl: Any) -> Any:
    """The series id of each row from its key hash; a hash not seen before gets its id from its first row's
    cells (`_sid`), so the strings of a key are read once per file, not once per row or block."""
    new = set(cells["h"].unique().to_list()) - spool.by_hash.keys()
    if new:
        first = cells.filter(pl.col("h").is_in(list(new)) & pl.col("h").is_first_distinct())
        for h, *key in first.select("h", *keys).iter_rows():
            spool.by_hash[h] = _sid(f, spool, key[0], tuple(key[1:]))
    known = {h: s for h, s in spool.by_hash.items() if s is not None}
    return cells["h"].replace_strict(
        pl.Series(list(known), dtype=pl.UInt64),
        pl.Series(list(known.values()), dtype=pl.Int32),
        default=None,
    )


def _sid(f: _Frame, spool: _Spool, name: str | None, cells: tuple) -> int | None:
    """The series id of a row's (metric, labels) as the row path builds them; None: no name (row path)."""
    name = (name or "").strip()
    if not name:
        return None
    labels = {f.cols[i]: c.strip() for i, c in zip(f.label_cols, cells, strict=True) if c and c.strip()}
    sel = split_selector(name)
    metric = canonical(sel[0]) if sel and sel[0] else canonical(name)
    if sel:
        labels.update(sel[1])
    return spool.sid(metric, labels)


def _slow_rows(
    buf: _Buffer, f: _Frame, delim: str, pairs: list[tuple[int, str]], spool: _Spool, pl: Any
) -> Any:
    """The row path for the given (line number, raw line) pairs; their samples as spool rows (None when none)."""
    f.by_key.clear()
    for n, raw in pairs:
        line = raw.lstrip("\ufeff").strip()
        if not line:
            buf.count(ignorable=1)
            continue
        if _HEADERISH.match(raw):
            raise _Fallback  # a second header: Grafana frames
        _row(buf, f, n, raw, [c.strip() for c in _cells(line, delim)])  # type: ignore[arg-type]
    extra = [
        (spool.sid(s.metric, s.labels), _us(p.ts), p.value, p.raw, p.line)
        for s in f.by_key.values()
        for p in s.points
    ]
    f.by_key.clear()
    if not extra:
        return None
    return pl.DataFrame(
        extra,
        schema={"sid": pl.Int32, "us": pl.Int64, "value": pl.Float64, "rawv": pl.String, "line": pl.Int64},
        orient="row",
    )


def _us(t: datetime) -> int:
    d = t - EPOCH
    return (d.days * 86400 + d.seconds) * 10**6 + d.microseconds


def _fast_emit(ctx: FileContext, buf: _Buffer, f: _Frame, spool: _Spool, pl: Any) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    ctx.count(parsed=buf.parsed, ignorable=buf.ignorable)
    if buf.bad:
        ctx.quarantine_many(sorted(buf.bad))
    if spool.writer is None:
        return
    # metric, labels and the probe detail are the same on every row of a series: redacted once per series;
    # a batch's columns are `take`s by series id from these arrays (straight into the lake's types)
    metrics, m_marks = redact_values([m for m, _ in spool.keys])
    labels_json, l_marks = redact_values([lab for _, lab in spool.keys])
    interval = spool.intervals(pl)
    per_sid = {
        "metric": _Texts(metrics, pa),
        "labels": _Texts(labels_json, pa),
        "interval_s": pa.array([interval.get(i) for i in range(len(metrics))], pa.float64()),
    }
    marks = pa.array([a + b for a, b in zip(m_marks, l_marks, strict=True)], pa.int64())
    caps: dict[int, _Cap] = {}
    for sid, (metric, _) in enumerate(spool.keys):
        s = Series(metric=metric, labels=spool.labels[sid])
        m = probe_capability(s, ctx.drill.signals)
        if m is None:
            continue
        if m.kind == "counter":
            raise _Fallback  # cumulative counters need their series sorted: the row path does that
        if m.kind == "availability":
            top = pl.scan_ipc(spool.path).filter(pl.col("sid") == sid).select(pl.col("value").max()).collect()
            m = resolve(m, [v for v in top["value"].to_list() if v is not None])
        # the value (a number: no secret pattern can match it) goes in place of the NUL
        texts, n = redact_values([_detail(s, "\x00"), series_name(s), m.rule])
        caps[sid] = _Cap(m, texts[0], sum(n), texts[1], texts[2])
    ts_type = pa.timestamp("us", tz="UTC")  # the spool's µs since the epoch, read as they are
    probes = _Probes(caps, per_sid["interval_s"], ts_type, pa, pl) if caps else None
    # read batch by batch (not memory-mapped: mapped pages of a GB-sized spool would count as resident)
    with pa.OSFile(str(spool.path)) as src:
        reader = pa.ipc.open_file(src)
        for b in _batches(reader, EMIT_ROWS, pa):
            sid = b.column("sid")
            cols = {
                "ts": b.column("us").view(ts_type),
                "value": b.column("value"),
                "source_line": b.column("line"),
            }
            cols.update((k, v.take(sid)) for k, v in per_sid.items())
            red = pc.sum(marks.take(sid)).as_py() if pc.max(marks).as_py() else 0
            ctx.emit("metrics", pa.table(cols), clean=_CLEAN_METRICS, redactions=red)
            if probes is not None:
                probes.emit(ctx, b)


# rows per batch sent to the sink, each a Parquet row group: the spool's per-block batches are joined up to it
EMIT_ROWS = 200_000


def _batches(reader: Any, rows: int, pa: Any) -> Iterator[Any]:
    """The spool's record batches joined into batches of `rows` rows or a little more."""
    group: list[Any] = []
    n = 0
    for i in range(reader.num_record_batches):
        group.append(reader.get_batch(i))
        n += group[-1].num_rows
        if n >= rows:
            yield pa.concat_batches(group)
            group, n = [], 0
    if group:
        yield pa.concat_batches(group)


_CLEAN_METRICS = frozenset({"metric", "labels"})
_CLEAN_PROBES = frozenset({"detail", "series", "mapped_by"})


class _Texts:
    """A text per series id, taken by the ids of a batch's rows as a dictionary column: its distinct values
    once, the same dictionary in every batch, so the sink's Parquet writer does not hash every row's text
    (5 M metric rows: the writer's 1.5 CPU s -> 0.9)."""

    def __init__(self, values: list[str | None], pa: Any) -> None:
        distinct = list(dict.fromkeys(v for v in values if v is not None))
        code = {v: i for i, v in enumerate(distinct)}
        self.pa = pa
        self.dictionary = pa.array(distinct, pa.string())
        self.codes = pa.array([None if v is None else code[v] for v in values], pa.int32())

    def take(self, sid: Any) -> Any:
        return self.pa.DictionaryArray.from_arrays(self.codes.take(sid), self.dictionary)


@dataclass
class _Cap:
    mapping: Mapping
    dfmt: str  # the probe detail with a NUL where the sample's value goes
    marks: int  # redactions in these texts
    series: str
    rule: str


class _Probes:
    """The `probes` rows of the spooled samples of series that observe a capability: texts are `take`s
    by series id, `ok` is computed by polars on the numbers."""

    def __init__(self, caps: dict[int, _Cap], interval_s: Any, ts_type: Any, pa: Any, pl: Any) -> None:
        self.pa, self.pl, self.ts_type = pa, pl, ts_type
        self.sids = pa.array(list(caps), pa.int32())
        n = len(interval_s)

        def by_sid(get: Any, typ: Any) -> Any:
            return pa.array([get(caps[i]) if i in caps else None for i in range(n)], typ)

        # the detail is `prefix + value + suffix`, cut at the NUL (a detail without one takes no value)
        cut = {i: c.dfmt.partition("\x00") for i, c in caps.items()}
        self.texts = {
            "capability": by_sid(lambda c: c.mapping.capability, pa.string()),
            "series": _Texts([caps[i].series if i in caps else None for i in range(n)], pa),
            "mapped_by": _Texts([caps[i].rule if i in caps else None for i in range(n)], pa),
            "interval_s": interval_s,
        }
        self.prefix = pa.array([cut[i][0] if i in cut else None for i in range(n)], pa.string())
        self.suffix = pa.array([cut[i][2] if i in cut else None for i in range(n)], pa.string())
        self.has_nul = pa.array([bool(cut[i][1]) if i in cut else None for i in range(n)], pa.bool_())
        self.marks = pa.array([caps[i].marks if i in caps else 0 for i in range(n)], pa.int64())
        # ok: one when/then per (kind, op, threshold), over the series ids that share it
        v = pl.col("value")
        groups: dict[tuple[str, str, float], list[int]] = {}
        for i, c in caps.items():
            m = c.mapping
            groups.setdefault((m.kind, m.op, m.threshold), []).append(i)
        ok: Any = pl
        for (kind, op, thr), ids in groups.items():
            test = pl.when(v < 0).then(None).otherwise(v >= 1) if kind == "hw" else OPS[op](v, thr)
            ok = ok.when(pl.col("sid").is_in(ids)).then(test)
        self.ok = ok.otherwise(None)

    def emit(self, ctx: FileContext, b: Any) -> None:
        pa, pl = self.pa, self.pl
        import pyarrow.compute as pc

        b = b.filter(pc.is_in(b.column("sid"), value_set=self.sids))
        if not b.num_rows:
            return
        sid = b.column("sid")
        ok = pl.from_arrow(b.select(["sid", "value"])).select(self.ok).to_series().to_arrow()
        status = pc.if_else(pc.is_null(ok), "not_run", pc.if_else(ok, "ok", "failed"))
        rawv = pc.if_else(self.has_nul.take(sid), b.column("rawv").cast(pa.string()), "")
        detail = pc.binary_join_element_wise(self.prefix.take(sid), rawv, self.suffix.take(sid), "")
        cols = {"ts": b.column("us").view(self.ts_type), "ok": ok, "status": status, "detail": detail}
        cols.update((k, v.take(sid)) for k, v in self.texts.items())
        cols["source_line"] = b.column("line")
        red = pc.sum(self.marks.take(sid)).as_py() if pc.max(self.marks).as_py() else 0
        ctx.emit("probes", pa.table(cols), clean=_CLEAN_PROBES, redactions=red)
