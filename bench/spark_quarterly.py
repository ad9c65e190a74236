"""The quarterly availability over a generated Healthwatch long CSV: DuckDB against Spark local[2], side by side.

    nice -n 10 .venv/bin/python bench/spark_quarterly.py                 # 5 M rows
    nice -n 10 .venv/bin/python bench/spark_quarterly.py --rows 50000000  # a foundation's quarter

One input (bench/run.py `gen_hw`: 2019Q1 of one foundation, 5 health checks + VM indicators every 30 s) is
ingested once (the local ingest, the same lake for both engines), then each engine builds from that lake in a
child process of its own and the quarter's availability is read (`quarterly`, no page):
  duckdb   `drillscope build`: the SQL on DuckDB (every core)
  spark    `drillscope build --engine spark --spark-master local[2]`: the same SQL on Spark, tables written
           under OUT/warehouse/, then drillscope.duckdb assembled from them; CPU is the JVM's and Python's
Wall and CPU seconds are those of the build (and of the quarterly read, given apart); rows/s per core is lake
rows per CPU second. The load average of the machine is recorded before and after every figure: the machine
is shared and a loaded one stretches the wall times. Results: printed and written as JSON
(`--json`, default bench/spark_quarterly.json). Not part of the unit tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _jvm_cpu() -> float:
    """CPU seconds of the Spark JVM this process started (it is not a waited-for child, so rusage misses it)."""
    from pyspark import SparkContext

    proc = getattr(SparkContext._gateway, "proc", None)
    if proc is None:
        return 0.0
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(x) for x in fields[11:15]) / ticks  # utime, stime, cutime, cstime


def child(engine: str, out: Path, timings: Path) -> None:
    """Build `out` with `engine` and read the quarter; prints one JSON line of figures."""
    from drillscope import api

    logging.getLogger("drillscope.spark").setLevel(logging.INFO)
    logging.getLogger("drillscope.spark").addHandler(logging.FileHandler(timings, mode="w"))
    load0 = _load()
    t = time.perf_counter()
    res = api.build(out, engine=engine, spark_master="local[2]")
    build_s = time.perf_counter() - t
    jvm = _jvm_cpu() if engine == "spark" else 0.0
    load1 = _load()
    t = time.perf_counter()
    table, _ = api.quarterly("2019Q1", out, page=False, engine=engine)
    quarterly_s = time.perf_counter() - t
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "engine": engine,
                "lake_rows": sum(res.tables.values()),
                "build_wall_s": round(build_s, 1),
                "cpu_s": round(ru.ru_utime + ru.ru_stime + jvm, 1),
                "quarterly_wall_s": round(quarterly_s, 2),
                "availability": table.select("capability", "availability_pct").rows(),
                "violations": res.violations,
                "load_before": load0,
                "load_after_build": load1,
                "load_after": _load(),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000, help="Healthwatch CSV rows (default 5 M)")
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--tmp", type=Path, help="where to generate the input (default: the system temp dir)")
    ap.add_argument("--json", type=Path, default=REPO / "bench" / "spark_quarterly.json")
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "OUT", "TIMINGS"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child[0], Path(a.child[1]), Path(a.child[2]))
        return

    from run import gen_hw

    from drillscope.ingest.pipeline import ingest_inputs

    tmp = Path(tempfile.mkdtemp(prefix="drillscope_spark_bench_", dir=a.tmp))
    try:
        src = tmp / "monitoring-bench" / "indicators.csv"
        src.parent.mkdir(parents=True)
        t = time.perf_counter()
        gen_hw(src, a.rows)
        print(
            f"input: {a.rows:,} rows, {src.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - t:.0f} s"
        )
        lake = tmp / "lake-out"
        load0 = _load()
        t = time.perf_counter()
        ingest_inputs([src.parent], lake)
        ingest = {"wall_s": round(time.perf_counter() - t, 1), "load_before": load0, "load_after": _load()}
        print(f"ingest (local, once): {ingest['wall_s']} s, load {load0} -> {ingest['load_after']}")
        results = []
        for engine in a.engines.split(","):
            out = tmp / engine
            out.mkdir()
            (out / "lake").symlink_to(lake / "lake")
            timings = tmp / f"{engine}.timings.txt"
            p = subprocess.run(
                [sys.executable, __file__, "--child", engine, str(out), str(timings)],
                capture_output=True,
                text=True,
            )
            lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
            if p.returncode or not lines:
                print(f"{engine}: failed\n{p.stderr[-3000:]}")
                continue
            r = json.loads(lines[-1])
            r["rows_per_s"] = round(r["lake_rows"] / r["build_wall_s"])
            r["rows_per_cpu_s"] = round(r["lake_rows"] / r["cpu_s"])
            if timings.exists() and timings.stat().st_size:
                per_file = [ln.rsplit(" ", 3) for ln in timings.read_text().splitlines()]
                r["slowest_sql"] = sorted(((f[1], float(f[2])) for f in per_file), key=lambda x: -x[1])[:5]
            results.append(r)
            print(
                f"{engine:7} build {r['build_wall_s']:>7} s wall {r['cpu_s']:>7} s CPU "
                f"{r['rows_per_s']:>10,} rows/s {r['rows_per_cpu_s']:>10,} rows/CPU-s; quarterly read "
                f"{r['quarterly_wall_s']} s; load {r['load_before']} -> {r['load_after_build']}"
                + (f"; slowest: {r['slowest_sql']}" if "slowest_sql" in r else "")
            )
        report = {
            "rows": a.rows,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "ingest": ingest,
            "results": results,
        }
        a.json.write_text(json.dumps(report, indent=1) + "\n")
        print(f"written: {a.json}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
