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
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest.context import FileContext
from ingest.parsers._hw_json import file_metric
from ingest.parsers._hw_series import Point, Series, canonical, emit_series, epoch, number, split_selector

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


def _column_series(ctx: FileContext, text: str) -> Series:
    sel = split_selector(text)
    if sel is not None and sel[0]:
        return Series(metric=canonical(sel[0]), labels=sel[1])
    if text.lower() == "value":
        return Series(metric=file_metric(ctx.source_file, {}), name_from_file=True)
    return Series(metric=canonical(text))


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
        return ctx.local(dt)
    return dt.astimezone(UTC)


def parse(ctx: FileContext) -> None:
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
