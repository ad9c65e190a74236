"""Export the unified timeline for the tools analysts already use: Timesketch (JSONL), plaso-style l2tcsv,
plain CSV or Parquet, under `OUT/export/`. One row per timed row of every source (sql/export/timeline.sql)."""

from __future__ import annotations

import csv
import json
import os
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
                    "message": r["message"] or "",
                    "datetime": ts.isoformat(),
                    "timestamp": int(ts.timestamp() * 1_000_000),
                    "timestamp_desc": r["timestamp_desc"],
                    **{k: v for k, v in r.items() if k not in ("message", "timestamp_desc")},
                }
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == "l2tcsv":
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(L2T_COLUMNS)
            for r in rows:
                ts = r["ts"]
                w.writerow(
                    [
                        ts.strftime("%m/%d/%Y"),
                        ts.strftime("%H:%M:%S"),
                        "UTC",
                        "....",
                        r["source_type"],
                        r["kind"],
                        r["timestamp_desc"],
                        "-",
                        r["drill"],
                        (r["message"] or "")[:80],
                        r["message"] or "",
                        2,
                        f"{r['source_file']}:{r['source_line']}",
                        "-",
                        r["severity"] or "-",
                        "drillscope",
                        f"capability: {r['capability'] or '-'}",
                    ]
                )
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
