"""drillscope ingest benchmark: large synthetic captures, measured against baselines in the same run.

    .venv/bin/python bench/run.py                 # full sizes (512 MiB + 2 GiB realistic BOSH debug log, 1 GiB
                                                  # repeated-fixture one, 5 M cf log lines, 50 M-row Healthwatch
                                                  # CSV, 20,000-message mbox)
    .venv/bin/python bench/run.py --quick         # small sizes (about a minute)
    .venv/bin/python bench/run.py --only bosh --bosh-mb 256,512 --json out.json
    .venv/bin/python bench/run.py --only collection   # 40 drills x 30 files: process pool vs one process
    .venv/bin/python bench/run.py --only build --build-out OUT   # build + quarterly 2019Q1 over OUT's lake

The headline BOSH input (`bosh`) is shaped like a real director log (bench/realistic.py: unique ids on
every line, SQL/NATS/CPI/lock/task mix, ~1 % multi-line records); `bosh-repeat` is the task 1234 fixture
repeated (dated one day later per copy), kept as a second case.

Each input is generated in a temp folder (`--tmp`, default the system temp dir; `df -h` is checked first
and every input is deleted once measured), then each tool runs in its own subprocess so that `ru_maxrss`
(from `os.wait4`) is that run's own peak RSS:
  drillscope  `drillscope.ingest.pipeline.ingest_inputs` end to end: first pass (sha256, line count), probe, parse,
              multi-line join, redaction, provenance, Parquet (zstd)
  wc -l       the I/O ceiling
  python      what a quick script does: `for line in f` + a compiled regex (the record head; continuation
              lines joined to their record), timestamps parsed, Parquet through pyarrow in batches
  polars      a bare polars streaming parse of the same lines (`scan_csv` of the lines, head regex,
              timestamps, `sink_parquet`): no multi-line join, provenance, quarantine or redaction
Times are wall seconds of the work itself (interpreter start-up and imports excluded; `wc` includes
them), CPU seconds beside them (user + sys of every thread and worker process) and the 1-minute load
average when each was taken, since a shared machine inflates wall time. The table is printed and written as
JSON (`--json`, default bench/results.json). Not part of the unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIX = REPO / "tests" / "fixtures"
BOSH_SRC = FIX / "bosh_debug" / "task_1234_debug.log"
CF_SRC = FIX / "cf" / "cf_logs_recent.txt"
MBOX_SRC = FIX / "email" / "alerts_20190103.mbox"

FULL = {
    "bosh_mb": [512, 2048],
    "repeat_mb": [1024],
    "cf_lines": 5_000_000,
    "hw_rows": 50_000_000,
    "mbox": 20_000,
    "drills": 40,
}
QUICK = {
    "bosh_mb": [64, 128],
    "repeat_mb": [64],
    "cf_lines": 300_000,
    "hw_rows": 2_000_000,
    "mbox": 2_000,
    "drills": 8,
}


# --------------------------------------------------------------------------------------------------------
# generators: realistic inputs built from the committed fixtures
# --------------------------------------------------------------------------------------------------------
def gen_bosh_repeat(path: Path, mb: int) -> None:
    """Copies of the task 1234 debug log (SQL, CPI stderr, backtraces: multi-line records), each copy
    dated one day later, so timestamps, SQL literals and line numbers stay realistic."""
    src = BOSH_SRC.read_bytes()
    n = k = 0
    with open(path, "wb") as out:
        while n < mb << 20:
            chunk = src.replace(b"2019-01-03", (date(2019, 1, 3) + timedelta(days=k)).isoformat().encode())
            out.write(chunk)
            n += len(chunk)
            k += 1


def gen_cf(path: Path, lines: int) -> None:
    """A `cf logs --recent` capture: the prompt and header, then the fixture's log lines (RTR access log
    records with their empty gorouter lines, APP, CELL, API) repeated one day later per copy."""
    src = CF_SRC.read_text().splitlines(keepends=True)
    head, body = src[:5], [ln for ln in src if ln.startswith("   20")]
    text = "".join(body)
    n = len(head)
    k = 0
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(head)
        while n < lines:
            d = date(2019, 1, 3) + timedelta(days=k)
            chunk = text.replace("2019-01-03", d.isoformat())
            take = min(len(body), lines - n)
            out.write(chunk if take == len(body) else "".join(chunk.splitlines(keepends=True)[:take]))
            n += take
            k += 1


# A quarter of Healthwatch 1.x data for one foundation, as an operator exports it for the quarterly report:
# the five health checks (foundation-wide) and per-VM indicators, every 30 s over 2019Q1 (Asia/Seoul),
# as many VMs as the row count asks for (50 M rows: 5 checks + 188 VM series).
HW_CHECKS = [
    "health.check.cliCommand.push",
    "health.check.cliCommand.login",
    "health.check.OpsMan.available",
    "health.check.CanaryApp.available",
    "health.check.bosh.director.success",
]
HW_VM_METRICS = [
    ("Diego.AvailableFreeChunks", "count", "diego_cell"),
    ("Diego.TotalPercentageAvailableMemoryCapacity.5M", "percent", "diego_cell"),
    ("system.cpu.user", "percent", "router"),
    ("system.mem.percent", "percent", "diego_cell"),
    ("system.disk.system.percent", "percent", "doppler"),
]
HW_STEP_S = 30
HW_STEPS = 90 * 86400 // HW_STEP_S  # 2019Q1 in Seoul: 90 days
HW_WEEK = 7 * 86400 // HW_STEP_S
HW_TOML = """id = "monitoring-bench"
kind = "monitoring"
foundation = "cf-bench"
timezone = "Asia/Seoul"
slo = 0.999
"""


def gen_hw(path: Path, rows: int) -> None:
    """A Healthwatch 1.x long export (`timestamp,origin,name,value,unit,deployment,job,index`, as in the
    fixture) of 2019Q1 with a `kind = "monitoring"` drill.toml beside it: rows in time order, each instant
    all series (checks first); cf push fails for 10 minutes and cf login for 5 every week (130 and 65
    minutes in the quarter), push is not run (-1) once a week. Written with polars in 1 M-row chunks."""
    import polars as pl

    (path.parent / "drill.toml").write_text(HW_TOML)
    n_series = max(len(HW_CHECKS) + 1, -(-rows // HW_STEPS))
    series = [(name, "", "healthwatch", "healthwatch-forwarder", 0) for name in HW_CHECKS]
    for k in range(n_series - len(HW_CHECKS)):
        name, unit, job = HW_VM_METRICS[k % len(HW_VM_METRICS)]
        series.append((name, unit, "bosh-system-metrics-forwarder", job, k // len(HW_VM_METRICS)))
    names = pl.Series([s[0] for s in series])
    units = pl.Series([s[1] for s in series])
    origins = pl.Series([s[2] for s in series])
    jobs = pl.Series([s[3] for s in series])
    index = pl.Series([f"{s[4]:08x}-3b4d-4e5f-9a8b-{zlib.crc32(s[3].encode()):012d}" for s in series])
    t0 = datetime(2018, 12, 31, 15, 0, 0, tzinfo=UTC)  # 2019-01-01 00:00 KST
    with open(path, "wb") as out:
        out.write(b"timestamp,origin,name,value,unit,deployment,job,index\n")
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            i = pl.int_range(start, start + n, eager=True)
            df = pl.DataFrame({"sid": (i % n_series).cast(pl.Int32), "step": i // n_series})
            week = pl.col("step") % HW_WEEK
            sid = pl.col("sid")
            check = (
                pl.when((sid == 0) & (week == 1234))
                .then(pl.lit("-1"))
                .when((sid == 0) & (week >= 5000) & (week < 5020))
                .then(pl.lit("0"))
                .when((sid == 1) & (week >= 5000) & (week < 5010))
                .then(pl.lit("0"))
                .otherwise(pl.lit("1"))
            )
            gauge = ((pl.col("step") * 7919 + sid * 104729) % 10000 / 100).cast(pl.String)
            df = df.with_columns(
                ts=(pl.lit(t0) + pl.duration(seconds=pl.col("step") * HW_STEP_S, milliseconds=sid * 7 % 1000))
                .dt.convert_time_zone("Asia/Seoul")
                .dt.strftime("%Y-%m-%dT%H:%M:%S%.3f%:z"),
                value=pl.when(sid < len(HW_CHECKS)).then(check).otherwise(gauge),
            )
            df.select(
                pl.col("ts").alias("timestamp"),
                origins.gather(df["sid"]).alias("origin"),
                names.gather(df["sid"]).alias("name"),
                "value",
                units.gather(df["sid"]).alias("unit"),
                pl.lit("cf-bench").alias("deployment"),
                jobs.gather(df["sid"]).alias("job"),
                index.gather(df["sid"]).alias("index"),
            ).write_csv(out, include_header=False, quote_style="never")


def gen_mbox(path: Path, messages: int) -> None:
    """The fixture mbox's alert mails (Healthwatch, Alertmanager, forwarded, CP949) repeated with
    distinct Message-IDs."""
    src = MBOX_SRC.read_bytes()
    per = src.count(b"\nFrom ") + (1 if src.startswith(b"From ") else 0)
    n = k = 0
    with open(path, "wb") as out:
        while n < messages:
            out.write(
                src.replace(b"Message-ID: <", b"Message-ID: <%d." % k).replace(
                    b"Message-Id: <", b"Message-Id: <%d." % k
                )
            )
            n += per
            k += 1


# --------------------------------------------------------------------------------------------------------
# the tools, each run in a child process
# --------------------------------------------------------------------------------------------------------
def _cpu(children: bool = False) -> float:
    """CPU seconds of this process (all its threads), plus its finished children (a process pool's workers)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN) if children else None
    return r.ru_utime + r.ru_stime + (c.ru_utime + c.ru_stime if c else 0.0)


def child_drillscope(path: Path, out: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from drillscope.ingest.pipeline import ingest_inputs

    t, c = time.perf_counter(), _cpu()
    (res,) = ingest_inputs([path], out)
    r = {"seconds": time.perf_counter() - t, "cpu": _cpu() - c}
    r.update(status=res.status, lines=res.lines, parsed=res.parsed_lines, rows=res.rows, message=res.message)
    return r


# the record head of each format, as a quick script would write it (Python `re` and polars share it)
HEADS = {
    "bosh": r"^([DIWEFA]), \[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+) #(\d+)\] (?:\[([^\]]*)\] +)?(\w+) -- ([^:]*): (.*)",
    "cf": r"^\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?[+-]\d{4}) \[([^\]]*)\]\s+(OUT|ERR) ?(.*)",
    "hw": r"^([^,]*),([^,]*),([^,]*),([^,]*),([^,]*),([^,]*),([^,]*),([^,]*)$",
    "mbox": r"^(From |Subject: |Date: |Message-I[dD]: )(.*)",
}
COLS = {
    "bosh": ["sev", "ts", "pid", "thread", "level", "logger", "msg"],
    "cf": ["ts", "src", "stream", "msg"],
    "hw": ["timestamp", "origin", "name", "value", "unit", "deployment", "job", "index"],
    "mbox": ["field", "value"],
}


def _ts_py(kind: str, s: str) -> datetime | None:
    try:
        if kind == "cf":
            return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f%z")
        return datetime.fromisoformat(s)
    except ValueError:
        return None


def child_python(kind: str, path: Path, out: Path) -> dict:
    """`for line in f` + one compiled regex; continuation lines join their record (bosh); Parquet."""
    import re

    import pyarrow as pa
    import pyarrow.parquet as pq

    t, c = time.perf_counter(), _cpu()
    rx = re.compile(HEADS[kind])
    cols = COLS[kind]
    tcol = {"bosh": 1, "cf": 0, "hw": 0}.get(kind)
    batch: list[list] = [[] for _ in cols]
    writer = None
    n_lines = records = froms = 0

    def flush() -> None:
        nonlocal writer, batch
        if not batch[0]:
            return
        arrays = {c: pa.array(v) for c, v in zip(cols, batch, strict=True)}
        if tcol is not None:
            arrays[cols[tcol]] = pa.array([_ts_py(kind, s) for s in batch[tcol]])
        if kind == "hw":
            arrays["value"] = pa.array([float(v) if v else None for v in batch[3]])
        tb = pa.table(arrays)
        if writer is None:
            writer = pq.ParquetWriter(out, tb.schema, compression="zstd")
        writer.write_table(tb)
        batch = [[] for _ in cols]

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            n_lines += 1
            if kind == "hw" and n_lines == 1:
                continue  # the header
            m = rx.match(line)
            if m:
                froms += m.group(1) == "From "
                for b, v in zip(batch, m.groups(), strict=True):
                    b.append(v)
                records += 1
                if len(batch[0]) >= 200_000:
                    flush()
            elif kind == "bosh" and batch[0]:
                batch[-1][-1] += "\n" + line.rstrip("\n")  # a continuation line joins its record
    flush()
    if writer:
        writer.close()
    return {
        "seconds": time.perf_counter() - t,
        "cpu": _cpu() - c,
        "lines": n_lines,
        "rows": records,
        "messages": froms,
    }


def child_polars(kind: str, path: Path, out: Path) -> dict:
    """The same lines through polars' streaming engine: lines, head regex, timestamps, sink_parquet."""
    import polars as pl

    t, c = time.perf_counter(), _cpu()
    if kind == "hw":
        lf = pl.scan_csv(path, schema={c: pl.String for c in COLS["hw"]}).with_columns(
            pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", time_unit="us"),
            pl.col("value").cast(pl.Float64, strict=False),
        )
    else:
        lines = pl.scan_csv(
            path, has_header=False, separator="\x1f", quote_char=None, schema={"l": pl.String},
            encoding="utf8-lossy",
        )  # fmt: skip
        g = pl.col("l").str.extract_groups(HEADS[kind])
        lf = (
            lines.select(g.alias("g"))
            .unnest("g")
            .rename({str(i + 1): c for i, c in enumerate(COLS[kind])})
            .drop_nulls(COLS[kind][0])
        )
        if kind == "bosh":
            lf = lf.with_columns(pl.col("ts").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", time_unit="us"))
        elif kind == "cf":
            lf = lf.with_columns(pl.col("ts").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", time_unit="us"))
    lf.sink_parquet(out, compression="zstd")
    rows = pl.scan_parquet(out).select(pl.len()).collect().item()
    return {"seconds": time.perf_counter() - t, "cpu": _cpu() - c, "rows": rows}


def gen_collection(path: Path, drills: int, files: int = 30) -> None:
    """A collection of `drills` drill folders of `files` files each: the sample drill's 23 captures (BOSH, cf,
    Healthwatch, mail, notes) and realistic director debug logs of 1 MiB for the rest."""
    from realistic import gen_bosh_realistic

    sample = sorted(p for p in (REPO / "data" / "samples" / "2019-01-03-az1").rglob("*") if p.is_file())
    sample = [p for p in sample if p.name != "drill.toml"]
    toml = (REPO / "data" / "samples" / "2019-01-03-az1" / "drill.toml").read_text()
    for k in range(drills):
        d = path / f"drill-{k:02d}"
        d.mkdir(parents=True)
        (d / "drill.toml").write_text(toml.replace('id = "2019-01-03-az1"', f'id = "drill-{k:02d}"'))
        n_debug = max(1, files - len(sample))
        for j in range(n_debug):
            gen_bosh_realistic(d / f"task_{j}_debug.log", 1, seed=k * 100 + j)
        for j, src in enumerate(sample[: files - n_debug]):
            shutil.copy(src, d / f"{j:02d}_{src.name}")


def child_gen(kind: str, path: Path, size: str) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from realistic import gen_bosh_realistic

    gens = {
        "bosh": gen_bosh_realistic,
        "bosh-repeat": gen_bosh_repeat,
        "cf": gen_cf,
        "hw": gen_hw,
        "mbox": gen_mbox,
        "collection": gen_collection,
    }
    gens[kind](path, int(size))
    return {}


def child_collection(path: Path, out: Path, jobs: str) -> dict:
    from drillscope.ingest.pipeline import ingest_inputs

    t, c = time.perf_counter(), _cpu(children=True)
    res = ingest_inputs([path], out, jobs=int(jobs))
    r = {"seconds": time.perf_counter() - t, "cpu": _cpu(children=True) - c}
    bad = [x for x in res if x.status not in ("ok", "partial", "duplicate")]
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return r | {"files": len(res), "bad": len(bad), "bytes": size}


def measure_collection(label: str, path: Path, tmp: Path) -> list[dict]:
    """The collection parsed in one process, then by the pool (every core; children's CPU counted)."""
    rows = []
    for tool, jobs in (("one process", 1), ("process pool", os.cpu_count() or 1)):
        out = tmp / f"out-{jobs}"
        r, wall, rss = _child("collection", str(path), str(out), str(jobs))
        shutil.rmtree(out, ignore_errors=True)
        rows.append(
            {
                "input": label,
                "tool": tool if jobs == 1 else f"{tool} ({jobs})",
                "bytes": r["bytes"],
                "count": r["files"],
                "unit": "files",
                "seconds": round(r["seconds"], 3),
                "cpu_seconds": round(r["cpu"], 3),
                "mb_s": round(r["bytes"] / 1e6 / r["seconds"], 1),
                "per_s": round(r["files"] / r["seconds"]),
                "peak_rss_mib": round(rss),
                "status": f"{r['bad']} files not ok",
                "rows": None,
                "load": round(os.getloadavg()[0], 1),
            }
        )
        print(
            f"  {rows[-1]['tool']:<18} {r['seconds']:8.2f} s  peak {rss:6.0f} MiB  ({r['bad']} files not ok)",
            flush=True,
        )
    return rows


def child_build(out: Path, quarter: str) -> dict:
    sys.path.insert(0, str(REPO))
    from drillscope.build import build
    from drillscope.reports.quarterly import quarterly

    t, c = time.perf_counter(), _cpu()
    res = build(out)
    quarterly(out, quarter)
    steps = sorted(res.timings, key=lambda s: -s[2])[:5]  # where the time went: the costliest steps by CPU
    return {
        "seconds": time.perf_counter() - t,
        "cpu": _cpu() - c,
        "steps": [[name, round(w, 2), round(cs, 2)] for name, w, cs in steps],
    }


def _spawn(args: list[str], timeout: float | None = None) -> tuple[dict, float, float]:
    """Run a child; returns (its JSON result, wall seconds, peak RSS MiB of that process). Past `timeout`
    seconds the child is killed and the result says so."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        p = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        timer = threading.Timer(timeout, p.kill) if timeout else None
        if timer:
            timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        if timer:
            timer.cancel()
        if timeout and time.perf_counter() - t >= timeout:
            return (
                {"timeout": True, "seconds": time.perf_counter() - t, "cpu": None},
                0.0,
                ru.ru_maxrss / 1024,
            )
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read()
        if p.returncode != 0:
            raise RuntimeError(f"{args[3:]} failed ({p.returncode}): {err.read()[-2000:]}")
    lines = [ln for ln in text.strip().splitlines() if ln.startswith("{")]
    return (json.loads(lines[-1]) if lines else {}), wall, ru.ru_maxrss / 1024


def _child(mode: str, *args: str, timeout: float | None = None) -> tuple[dict, float, float]:
    return _spawn([sys.executable, __file__, "--child", mode, *args], timeout)


# --------------------------------------------------------------------------------------------------------
def measure(
    kind: str,
    label: str,
    path: Path,
    tmp: Path,
    unit: str,
    baselines: bool,
    quarter: str | None,
    build_timeout: float | None = None,
) -> list[dict]:
    size = path.stat().st_size
    rows: list[dict] = []

    def add(tool: str, r: dict, wall: float, rss: float, count: int | None) -> None:
        secs = r.get("seconds", wall)
        rows.append(
            {
                "input": label,
                "tool": tool,
                "bytes": size,
                "count": count,
                "unit": unit,
                "seconds": round(secs, 3),
                "cpu_seconds": round(r["cpu"], 3) if "cpu" in r else None,
                "mb_s": round(size / 1e6 / secs, 1),
                "per_s": round(count / secs) if count else None,
                "peak_rss_mib": round(rss),
                "status": r.get("status"),
                "rows": r.get("rows"),
                "load": round(os.getloadavg()[0], 1),
            }
        )
        print(f"  {tool:<11} {secs:8.2f} s  {size / 1e6 / secs:7.1f} MB/s  peak {rss:6.0f} MiB", flush=True)

    out = tmp.parent / f"{kind}-out"
    # the Healthwatch export is ingested as its monitoring folder (with its drill.toml): the quarterly needs it
    r, wall, rss = _child("drillscope", str(path.parent if kind == "hw" else path), str(out))
    if r.get("status") not in ("ok", "partial"):
        print(f"  drillscope status {r.get('status')}: {r.get('message')}")
    count = r.get("lines")
    if kind == "mbox":
        with open(path, "rb") as fh:
            count = sum(1 for ln in fh if ln.startswith(b"From "))
    if kind == "hw":
        count = r["lines"] - 1  # data rows (the header is a line too)
    add("drillscope", r, wall, rss, count)
    n_lines = r.get("lines")
    if quarter:
        rows.append(measure_build(label, size, out, quarter, build_timeout))
    shutil.rmtree(out, ignore_errors=True)
    if not baselines:
        return rows
    # /usr/bin/time reports wc's own peak RSS; without it wait4 does, but a forked child starts from the
    # bench's own high-water mark (~15 MiB), so that figure is an upper bound
    timed = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        p = subprocess.Popen([*timed, "wc", "-l", str(path)], stdout=out, stderr=err, text=True)
        _, _, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        rss = int(err.read().strip().splitlines()[-1]) / 1024 if timed else ru.ru_maxrss / 1024
        add("wc -l", {}, wall, rss, int(out.read().split()[0]))
    pq_out = tmp / "baseline.parquet"
    r, wall, rss = _child("python", kind, str(path), str(pq_out))
    add("python", r, wall, rss, r["messages"] if kind == "mbox" else n_lines)
    pq_out.unlink(missing_ok=True)
    r, wall, rss = _child("polars", kind, str(path), str(pq_out))
    add("polars", r, wall, rss, count)
    pq_out.unlink(missing_ok=True)
    return rows


def measure_build(label: str, size: int, out: Path, quarter: str, timeout: float | None) -> dict:
    """`build` + `quarterly` over the lake of `out`, in a child (its own peak RSS)."""
    rb, wall, rss = _child("build", str(out), quarter, timeout=timeout)
    late = " (killed: --build-timeout)" if rb.get("timeout") else ""
    print(f"  build+quarterly {rb['seconds']:.2f} s{late}  peak {rss:.0f} MiB", flush=True)
    for name, w, c in rb.get("steps", []):
        print(f"    {name:<40} {w:7.2f} s {c:7.2f} CPU s", flush=True)
    return {
        "input": label,
        "tool": "build+quarterly",
        "bytes": size,
        "count": None,
        "unit": "",
        "seconds": round(rb["seconds"], 3),
        "cpu_seconds": round(rb["cpu"], 3) if rb.get("cpu") is not None else None,
        "mb_s": None,
        "per_s": None,
        "peak_rss_mib": round(rss),
        "status": "killed after timeout" if rb.get("timeout") else "ok",
        "rows": None,
        "load": round(os.getloadavg()[0], 1),
        "steps": rb.get("steps"),
    }


def measure_help(runs: int = 7) -> list[dict]:
    """`drillscope --help` start-up: the best and the median of `runs` runs (wall, and CPU of the child)."""
    exe = Path(sys.executable).parent / "drillscope"
    walls, cpus = [], []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen([str(exe), "--help"], stdout=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - t)
        cpus.append(ru.ru_utime + ru.ru_stime)
    walls.sort()
    print(
        f"  --help best {walls[0]:.3f} s, median {walls[runs // 2]:.3f} s, CPU {min(cpus):.3f} s", flush=True
    )
    return [
        {
            "input": "drillscope --help",
            "tool": f"best of {runs}",
            "bytes": 0,
            "count": None,
            "unit": "",
            "seconds": round(walls[0], 3),
            "cpu_seconds": round(min(cpus), 3),
            "mb_s": None,
            "per_s": None,
            "peak_rss_mib": round(ru.ru_maxrss / 1024),
            "status": f"median {walls[runs // 2]:.3f} s",
            "rows": None,
            "load": round(os.getloadavg()[0], 1),
        }
    ]


def table(rows: list[dict]) -> str:
    hdr = f"{'input':<26} {'tool':<16} {'seconds':>8} {'CPU s':>7} {'MB/s':>7} {'units/s':>12} {'peak RSS':>9}  {'vs drillscope':>13} {'load':>5}"
    lines = [hdr, "-" * len(hdr)]
    ref: dict[str, float] = {}
    for r in rows:
        if r["tool"] == "drillscope":
            ref[r["input"]] = r["seconds"]
    for r in rows:
        base = ref.get(r["input"])
        ratio = (
            f"{r['seconds'] / base:.2f}x time"
            if base and r["tool"] not in ("drillscope", "build+quarterly")
            else ""
        )
        per = f"{r['per_s']:,} {r['unit']}" if r["per_s"] else ""
        mbs = f"{r['mb_s']:.0f}" if r["mb_s"] else ""
        cpu = f"{r['cpu_seconds']:.1f}" if r["cpu_seconds"] is not None else ""
        lines.append(
            f"{r['input']:<26} {r['tool']:<16} {r['seconds']:>8.2f} {cpu:>7} {mbs:>7} {per:>12} "
            f"{r['peak_rss_mib']:>6} MiB  {ratio:>13} {r.get('load', ''):>5}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="small sizes: " + json.dumps(QUICK))
    ap.add_argument(
        "--only",
        default="help,bosh,bosh-repeat,collection,cf,hw,mbox",
        help="inputs to run (comma-separated)",
    )
    ap.add_argument(
        "--bosh-mb", help="realistic BOSH debug log sizes in MiB, comma-separated (full: 512,2048)"
    )
    ap.add_argument("--repeat-mb", help="repeated-fixture BOSH debug log sizes in MiB (full: 1024)")
    ap.add_argument("--drills", type=int, help="drills in the collection (full: 40)")
    ap.add_argument("--cf-lines", type=int, help="cf logs lines (full: 5,000,000)")
    ap.add_argument("--hw-rows", type=int, help="Healthwatch CSV data rows (full: 50,000,000)")
    ap.add_argument("--mbox", type=int, help="mbox messages (full: 20,000)")
    ap.add_argument("--no-baselines", action="store_true", help="drillscope only")
    ap.add_argument(
        "--no-build", action="store_true", help="skip build + quarterly over the Healthwatch lake"
    )
    ap.add_argument(
        "--build-out",
        type=Path,
        help="with --only build: an existing OUT whose lake is built (it is rebuilt)",
    )
    ap.add_argument("--build-timeout", type=float, default=600, help="kill build+quarterly after this (s)")
    ap.add_argument("--tmp", type=Path, help="where to generate inputs (default: the system temp dir)")
    ap.add_argument(
        "--json", type=Path, default=REPO / "bench" / "results.json", help="write the results here"
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        fn = {
            "drillscope": child_drillscope,
            "python": child_python,
            "polars": child_polars,
            "build": child_build,
            "gen": child_gen,
            "collection": child_collection,
        }[a.child]
        conv = [Path(x) if "/" in x else x for x in a.args]
        print(json.dumps(fn(*conv)))
        return

    sizes = dict(QUICK if a.quick else FULL)
    if a.bosh_mb:
        sizes["bosh_mb"] = [int(x) for x in a.bosh_mb.split(",")]
    if a.repeat_mb:
        sizes["repeat_mb"] = [int(x) for x in a.repeat_mb.split(",")]
    for k in ("cf_lines", "hw_rows", "mbox", "drills"):
        if getattr(a, k) is not None:
            sizes[k] = getattr(a, k)
    only = set(a.only.split(","))
    base = Path(tempfile.mkdtemp(prefix="drillscope_bench_", dir=a.tmp))
    free = shutil.disk_usage(base).free
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {platform.node()}  nproc {os.cpu_count()}  "
          f"load {os.getloadavg()[0]:.1f}  free disk {free / 2**30:.0f} GiB under {base}")  # fmt: skip
    # (generator, tool kind, label, file name, size, unit)
    plan: list[tuple[str, str, str, str, int, str]] = []
    for mb in sizes["bosh_mb"] if "bosh" in only else []:
        plan.append(("bosh", "bosh", f"bosh debug {mb} MiB realistic", "task_debug.log", mb, "lines"))
    for mb in sizes["repeat_mb"] if "bosh-repeat" in only else []:
        plan.append(("bosh-repeat", "bosh", f"bosh debug {mb} MiB repeated", "task_debug.log", mb, "lines"))
    if "collection" in only:
        n = sizes["drills"]
        plan.append(("collection", "collection", f"{n} drills x 30 files", "drills", n, "files"))
    if "cf" in only:
        n = sizes["cf_lines"]
        plan.append(("cf", "cf", f"cf logs {n / 1e6:g} M lines", "cf_logs.txt", n, "lines"))
    if "hw" in only:
        n = sizes["hw_rows"]
        plan.append(("hw", "hw", f"HW CSV {n / 1e6:g} M rows", "indicators_long.csv", n, "rows"))
    if "mbox" in only:
        n = sizes["mbox"]
        plan.append(("mbox", "mbox", f"mbox {n:,} messages", "alerts.mbox", n, "msgs"))
    rows: list[dict] = []
    if "help" in only:
        rows += measure_help()
    if "build" in only:
        if not a.build_out:
            ap.error("--only build needs --build-out OUT (an ingested lake, e.g. a kept Healthwatch one)")
        lake = a.build_out / "lake"
        size = sum(f.stat().st_size for f in lake.rglob("*.parquet"))
        print(f"build + quarterly 2019Q1 over {lake} ({size / 1e6:,.0f} MB of Parquet)", flush=True)
        rows.append(measure_build(f"lake {a.build_out.name}", size, a.build_out, "2019Q1", a.build_timeout))
    try:
        for gen_kind, kind, label, name, gen, unit in plan:
            d = base / gen_kind
            d.mkdir()
            path = d / name
            t = time.perf_counter()
            # generated in a child: a forked child inherits the parent's peak RSS (Linux keeps it across
            # exec), so the parent must stay small for the children's figures to be their own
            _spawn([sys.executable, __file__, "--child", "gen", gen_kind, str(path), json.dumps(gen)])
            size = sum(f.stat().st_size for f in path.rglob("*")) if path.is_dir() else path.stat().st_size
            print(f"{label}: {size / 1e6:,.0f} MB generated in {time.perf_counter() - t:.0f} s", flush=True)
            if kind == "collection":
                rows += measure_collection(label, path, d)
            else:
                quarter = "2019Q1" if kind == "hw" and not a.no_build else None
                rows += measure(kind, label, path, d, unit, not a.no_baselines, quarter, a.build_timeout)
            shutil.rmtree(d, ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print()
    print(table(rows))
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.node(),
        "nproc": os.cpu_count(),
        "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "load_at_end": os.getloadavg()[0],
        "sizes": sizes,
    }
    a.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    print(f"\nwritten {a.json}")


if __name__ == "__main__":
    main()
