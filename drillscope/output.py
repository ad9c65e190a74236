"""One output layer for every command that prints rows: `--format table|csv|json|parquet`."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyarrow is imported by the callers that pass tables: `--help` stays fast
    import pyarrow as pa


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def _plain(v: Any) -> Any:
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    if isinstance(v, Decimal):  # sum() of integers is a DuckDB HUGEINT/DECIMAL: keep whole numbers whole
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, bytes):
        return v.hex()
    return v


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in r.items()} for r in table.to_pylist()]


def terminal_width() -> int:
    """The width tables are drawn at: `COLUMNS` or the terminal's width; 160 when printing to a pipe or file
    with no `COLUMNS` (rich would say 80 and fold every timestamp)."""
    from rich.console import Console

    width = Console().width
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        return width
    return max(width, 160)


def render(
    table: pa.Table, fmt: Format, output: Path | None = None, title: str | None = None, compact: bool = False
) -> None:
    """Print (or write to `output`) a result table in the chosen format; `compact` draws the table for a
    narrow terminal (light rules, figures never wrapped)."""
    if fmt is Format.parquet:
        import pyarrow.parquet as pq

        if output is None:
            from drillscope.errors import UsageError

            raise UsageError("--format parquet needs --output FILE")
        pq.write_table(table, output)
        return
    if fmt is Format.json:
        text = json.dumps(rows(table), ensure_ascii=False, indent=2) + "\n"
    elif fmt is Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(table.column_names)
        for r in rows(table):
            w.writerow(["" if v is None else v for v in r.values()])
        text = buf.getvalue()
    else:
        from rich import box
        from rich.console import Console
        from rich.table import Table

        t = Table(
            title=title,
            show_lines=False,
            box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
            pad_edge=not compact,
            collapse_padding=compact,
        )
        for i, c in enumerate(table.column_names):
            # compact: only the first column may fold, the figures stay whole
            t.add_column(c, overflow="fold", no_wrap=compact and i > 0)
        for r in rows(table):
            t.add_row(*("" if v is None else str(v) for v in r.values()))
        if output is None:
            Console(width=terminal_width()).print(t)
            return
        buf = io.StringIO()
        Console(file=buf, width=200).print(t)
        text = buf.getvalue()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
