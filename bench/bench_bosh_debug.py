"""Benchmark the bosh_debug parser on a synthetic N-MB director debug log.

The log repeats the committed task 1234 debug log (tests/fixtures/bosh_debug) with every date shifted by one
day per copy, so timestamps, SQL literals and line numbers stay realistic. Each measurement runs in a fresh
subprocess so `ru_maxrss` is that run's own peak:
  ingest  the whole pipeline (`ingest.pipeline.ingest_inputs`: read, sha256, probe, parse, redact, Parquet)
  parse   the parser alone on the bytes in memory, rows counted and dropped

    .venv/bin/python bench/bench_bosh_debug.py --mb 200
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "tests" / "fixtures" / "bosh_debug" / "task_1234_debug.log"


def generate(path: Path, mb: int, source: Path = SOURCE) -> int:
    """Write about `mb` MiB of debug log: copies of `source` dated one day apart."""
    src = source.read_bytes()
    day0 = b"2019-01-03"
    n = k = 0
    with open(path, "wb") as out:
        while n < mb << 20:
            stamp = (date(2019, 1, 3) + timedelta(days=k)).isoformat().encode()
            chunk = src.replace(day0, stamp)
            out.write(chunk)
            n += len(chunk)
            k += 1
    return n


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu() -> float:
    """CPU seconds of this process, all threads: a shared, busy machine inflates wall time, not this."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child_ingest(drill: Path, out: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from ingest.pipeline import ingest_inputs

    base = _peak_mib()
    t, c = time.perf_counter(), _cpu()
    (res,) = ingest_inputs([drill], out)
    dt = time.perf_counter() - t
    return {
        "seconds": dt,
        "cpu": _cpu() - c,
        "peak_mib": _peak_mib(),
        "base_mib": base,
        "status": res.status,
        "lines": res.lines,
        "parsed": res.parsed_lines,
        "rows": res.rows,
        "message": res.message,
    }


class _CountSink:
    def __init__(self) -> None:
        self.rows: dict[str, int] = {}

    def write(self, table: str, batch) -> None:  # noqa: ANN001 - a pyarrow Table
        self.rows[table] = self.rows.get(table, 0) + batch.num_rows


def child_parse(path: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from ingest.context import DrillConfig, FileContext
    from ingest.parsers import bosh_debug

    data = path.read_bytes()
    base = _peak_mib()
    sink = _CountSink()
    ctx = FileContext(DrillConfig(id="bench", root=path.parent), path.name, path, data, sink)
    ctx.source_type = bosh_debug.NAME
    t, c = time.perf_counter(), _cpu()
    bosh_debug.parse(ctx)
    dt = time.perf_counter() - t
    return {
        "seconds": dt,
        "cpu": _cpu() - c,
        "peak_mib": _peak_mib(),
        "base_mib": base,
        "parsed": ctx.parsed_lines,
        "quarantined": ctx.quarantined_lines,
        "rows": sink.rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200, help="size of the synthetic log in MiB (default 200)")
    ap.add_argument(
        "--source",
        type=Path,
        default=SOURCE,
        help="debug log to repeat (default: the trimmed test fixture, ~3x denser in events than the "
        "full FORMATS.md sample, which holds every 1 s ping loop)",
    )
    ap.add_argument("--child", choices=["ingest", "parse"], help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "ingest":
        print(json.dumps(child_ingest(Path(args.paths[0]), Path(args.paths[1]))))
        return
    if args.child == "parse":
        print(json.dumps(child_parse(Path(args.paths[0]))))
        return

    with tempfile.TemporaryDirectory(prefix="bench_bosh_debug_") as tmp:
        drill = Path(tmp) / "drill"
        drill.mkdir()
        log = drill / "task_debug.log"
        size = generate(log, args.mb, args.source)
        mb = size / 1e6
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {os.cpu_count()} CPUs (wall-clock figures need an idle machine)")
        print(
            f"synthetic debug log from {args.source.name}: {size / 2**20:.0f} MiB, {sum(1 for _ in open(log, 'rb')):,} lines"
        )
        for mode, extra in (("parse", [str(log)]), ("ingest", [str(drill), str(Path(tmp) / "out")])):
            p = subprocess.run(
                [sys.executable, __file__, "--child", mode, *extra],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(p.stdout.strip().splitlines()[-1])
            print(
                f"{mode:>6}: {r['seconds']:.2f} s  {mb / r['seconds']:.0f} MB/s wall, {r['cpu']:.2f} CPU-s "
                f"{mb / r['cpu']:.0f} MB/CPU-s  peak RSS {r['peak_mib']:.0f} MiB "
                f"(before the run {r['base_mib']:.0f} MiB, input {size / 2**20:.0f} MiB)  rows {r['rows']}"
                + (
                    f"  status {r['status']} lines {r['lines']:,} parsed {r['parsed']:,}"
                    if mode == "ingest"
                    else ""
                )
            )


if __name__ == "__main__":
    main()
