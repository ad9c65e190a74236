"""Export the unified timeline for the tools analysts already use: Timesketch (JSONL), plaso-style l2tcsv,
plain CSV or Parquet, under `OUT/export/`. One row per timed row of every source (sql/export/timeline.sql)."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from drillscope.db import check_drills, open_db, sql_text
from drillscope.errors import UsageError

FORMATS = ("timesketch", "l2tcsv", "csv", "parquet")
_EXT = {"timesketch": "jsonl", "l2tcsv": "l2t.csv", "csv": "csv", "parquet": "parquet"}
L2T_COLUMNS = [
    "date",
    "time",
    "timezone",
    "MACB",
    "source",
    "sourcetype",
    "type",
    "user",
    "host",
    "short",
    "desc",
    "version",
    "filename",
    "inode",
    "notes",
    "format",
    "extra",
]


_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def l2t_field(value: object) -> str:
    """A field as plaso's l2tcsv writer prints it: never quoted, the delimiter replaced by a space and line
    breaks by a space, so that every record is one line of exactly 17 comma-separated fields."""
    text = "-" if value is None or value == "" else str(value)
    return _BREAKS.sub(" ", text).replace(",", " ")


def _where(source_file: str | None, source_line: int | None) -> str:
    if source_line is None:
        return source_file or "-"
    return f"{source_file}:{source_line}"


def timeline(out: Path, drills: list[str] | None = None) -> pa.Table:
    with open_db(out) as con:
        check_drills(con, drills)
        return con.sql(sql_text("export/timeline"), params={"drills": drills or None}).to_arrow_table()


def export(out: Path, fmt: str, drills: list[str] | None = None) -> tuple[Path, int]:
    """Write the timeline in `fmt`; returns (path, rows). Written to a temp name, then renamed."""
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    table = timeline(out, drills)
    folder = out / "export"
    folder.mkdir(parents=True, exist_ok=True)
    name = "timeline" if not drills else "timeline-" + "-".join(drills)
    path = folder / f"{name}.{_EXT[fmt]}"
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    rows = table.to_pylist()
    if fmt == "parquet":
        pq.write_table(table, tmp)
    elif fmt == "timesketch":
        with open(tmp, "w", encoding="utf-8") as fh:
            for r in rows:
                ts = r.pop("ts")
                rec = {
                    "message": r["message"] or r["timestamp_desc"],
                    "datetime": ts.isoformat(),
                    "timestamp": int(ts.timestamp() * 1_000_000),
                    "timestamp_desc": r["timestamp_desc"],
                    **{k: v for k, v in r.items() if k not in ("message", "timestamp_desc")},
                }
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == "l2tcsv":
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(L2T_COLUMNS) + "\n")
            for r in rows:
                ts, msg = r["ts"], r["message"] or ""
                fields = [
                    ts.strftime("%m/%d/%Y"),
                    ts.strftime("%H:%M:%S"),
                    "UTC",
                    "....",
                    r["source_type"],
                    r["kind"],
                    r["timestamp_desc"],
                    "-",
                    r["drill"],
                    msg[:80],
                    msg,
                    "2",
                    _where(r["source_file"], r["source_line"]),
                    "-",
                    r["severity"] or "-",
                    "drillscope",
                    f"capability: {r['capability'] or '-'}",
                ]
                fh.write(",".join(l2t_field(f) for f in fields) + "\n")
    else:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(table.column_names)
            for r in rows:
                w.writerow(
                    [
                        "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v)
                        for v in r.values()
                    ]
                )
    os.replace(tmp, path)
    return path, len(rows)
