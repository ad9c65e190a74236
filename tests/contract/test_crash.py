"""Crash safety and concurrency with real processes (CONTRACT §5: writes are atomic).

`drillscope ingest` and `drillscope build` are SIGKILLed at seeded random points. After every kill the
lake and the database must open: every `*.parquet` reads whole, the database answers queries (the
previous one survives a killed build), and no committed file is partial; `*.tmp` leftovers may exist
but are never read and the next run removes them. A rerun then gives exactly the tables of an
uninterrupted run. Two processes on one `--out`: one stops with a clear message, nothing breaks.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from drillscope.build import DB_NAME

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
SEED = 20190103
VOLATILE = {"ingested_at"}  # the only columns that depend on when a run happened


def cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "drillscope.cli", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(*args: str) -> subprocess.CompletedProcess:
    p = cli(*args)
    out, err = p.communicate(timeout=300)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def kill_after(args: list[str], delay: float) -> bool:
    """Start the CLI, SIGKILL it after `delay` seconds; True when it was killed (not already done)."""
    p = cli(*args)
    try:
        p.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.communicate()
        return True


def assert_readable(out: Path) -> None:
    """What must hold at any instant: committed files open whole, the database answers."""
    for f in (out / "lake").rglob("*.parquet"):
        pq.read_table(f)  # raises on a truncated or partial file
    db = out / DB_NAME
    if db.exists():
        con = duckdb.connect(str(db), read_only=True)
        try:
            for (t,) in con.execute("select table_name from information_schema.tables").fetchall():
                con.execute(f'select count(*) from "{t}"').fetchone()
        finally:
            con.close()


def lake_files(out: Path) -> set[str]:
    return {f.relative_to(out).as_posix() for f in (out / "lake").rglob("*.parquet")}


def orphans(out: Path) -> set[str]:
    """Data files of an input whose ingest_files row (the commit marker, written last) is missing."""
    lake = out / "lake"
    committed = {(f.parent.name, f.stem) for f in (lake / "ingest_files").glob("*/*.parquet")}
    return {
        f.relative_to(lake).as_posix()
        for f in lake.glob("*/*/*.parquet")
        if f.parent.parent.name not in ("ingest_files", "drills") and (f.parent.name, f.stem) not in committed
    }


def assert_same_tables(db: Path, ref: Path) -> None:
    """Every table and view of `ref` has exactly the same rows (as a multiset) in `db`."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(f"attach '{ref}' as ref (read_only)")
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'ref' order by 1"
            ).fetchall()
        ]
        assert names
        for t in names:
            cols = [r[0] for r in con.execute(f'describe ref."{t}"').fetchall()]
            sel = ", ".join(f'"{c}"' for c in cols if c not in VOLATILE)
            for a, b in (("main", "ref"), ("ref", "main")):
                diff = con.execute(
                    f'select count(*) from (select {sel} from {a}."{t}" except all select {sel} from {b}."{t}")'
                ).fetchone()[0]
                assert diff == 0, f"{t}: {diff} row(s) in {a} and not in {b}"
    finally:
        con.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """An uninterrupted ingest of the sample drills, and how long it took."""
    out = tmp_path_factory.mktemp("ref") / "out"
    t0 = time.monotonic()
    p = run("ingest", str(SAMPLES), "--out", str(out))
    took = time.monotonic() - t0
    assert p.returncode == 0, p.stderr
    return out, took


def test_sigkill_ingest_then_build_at_random_points(tmp_path: Path, reference: tuple[Path, float]) -> None:
    ref, took = reference
    rng = random.Random(SEED)
    out = tmp_path / "out"
    args = ["ingest", str(SAMPLES), "--out", str(out)]
    killed = 0
    for _ in range(5):
        killed += kill_after(args, rng.uniform(0.4, took))
        assert_readable(out)
    assert killed >= 3, "the kills came too late to interrupt anything"

    p = run(*args)
    assert p.returncode == 0, p.stderr
    assert not list(out.rglob("*.tmp")), "the rerun left temp files"
    assert not orphans(out)
    assert lake_files(out) == lake_files(ref)
    assert_same_tables(out / DB_NAME, ref / DB_NAME)

    # a killed build leaves the previous database in place; a rerun builds the same one
    build = ["build", "--out", str(out)]
    t0 = time.monotonic()
    assert run(*build).returncode == 0
    build_took = time.monotonic() - t0
    for _ in range(3):
        kill_after(build, rng.uniform(0.3, build_took))
        assert_readable(out)
        assert_same_tables(out / DB_NAME, ref / DB_NAME)
    assert run(*build).returncode == 0
    assert not list(out.glob(DB_NAME + ".tmp*"))
    assert_same_tables(out / DB_NAME, ref / DB_NAME)


def test_killed_ingest_leaves_no_partial_file_and_tmp_is_never_read(tmp_path: Path) -> None:
    """A stale `*.parquet.tmp` (here: garbage, as a killed writer leaves it) is ignored by build and
    removed by the next ingest."""
    out = tmp_path / "out"
    drill = SAMPLES / "2019-01-03-az2"
    assert run("ingest", str(drill), "--out", str(out)).returncode == 0
    before = run("sql", "select count(*) as n from events", "--out", str(out), "-f", "csv").stdout
    stale = next((out / "lake" / "events").glob("*/*.parquet")).with_suffix(".parquet.tmp")
    stale.write_bytes(b"PAR1 half a file")
    assert run("build", "--out", str(out)).returncode == 0
    assert run("sql", "select count(*) as n from events", "--out", str(out), "-f", "csv").stdout == before
    assert run("ingest", str(drill), "--out", str(out)).returncode == 0
    assert not stale.exists()


def test_build_reads_only_committed_inputs(tmp_path: Path) -> None:
    """An input's table files renamed into place but without its `ingest_files` row (a kill between the
    renames and the marker) are not read; the next ingest commits it and build reads it again."""
    out = tmp_path / "out"
    drill = SAMPLES / "2019-01-03-az2"
    assert run("ingest", str(drill), "--out", str(out)).returncode == 0
    q = "select count(*) as n from events where source_file = 'bosh/task_1244_event.jsonl'"
    before = run("sql", q, "--out", str(out), "-f", "csv").stdout
    assert before.split()[-1] != "0"
    sha = next(
        r["sha256"]
        for f in (out / "lake" / "ingest_files").glob("*/*.parquet")
        for r in pq.read_table(f).to_pylist()
        if r["source_file"] == "bosh/task_1244_event.jsonl"
    )
    marker = next((out / "lake" / "ingest_files").glob(f"*/{sha}.parquet"))
    marker.unlink()
    assert next((out / "lake" / "events").glob(f"*/{sha}.parquet")).exists()
    assert run("build", "--out", str(out)).returncode == 0
    assert run("sql", q, "--out", str(out), "-f", "csv").stdout.split()[-1] == "0"
    assert run("ingest", str(drill), "--out", str(out)).returncode == 0
    assert run("sql", q, "--out", str(out), "-f", "csv").stdout == before


def test_two_writers_race(tmp_path: Path) -> None:
    """Two `drillscope ingest` on one --out at once: one waits for nobody and stops with one clear line;
    the other completes; the lake and database are the ones a single run makes."""
    out = tmp_path / "out"
    drill = SAMPLES / "2019-01-03-az1"
    args = ["ingest", str(drill), "--out", str(out)]
    results = []
    for _ in range(3):  # a few rounds: which one wins is up to the scheduler
        a, b = cli(*args), cli(*args)
        (_, ea), (_, eb) = a.communicate(timeout=300), b.communicate(timeout=300)
        results.append(sorted([(a.returncode, ea), (b.returncode, eb)]))
    for pair in results:
        codes = [c for c, _ in pair]
        assert 0 in codes, pair  # someone always finishes
        for code, err in pair:
            assert "Traceback" not in err
            if code != 0:
                assert code == 1
                lines = err.strip().splitlines()
                assert len(lines) == 1 and "another drillscope (pid " in lines[0], err
                assert str(out) in lines[0] and "is writing here" in lines[0]
    assert any(c != 0 for pair in results for c, _ in pair), "the two processes never overlapped"
    assert_readable(out)
    assert not list(out.rglob("*.tmp"))
    single = tmp_path / "single"
    assert run("ingest", str(drill), "--out", str(single)).returncode == 0
    assert lake_files(out) == {f.replace("single/", "out/", 1) for f in lake_files(single)}
    assert_same_tables(out / DB_NAME, single / DB_NAME)


def test_reader_during_a_build_sees_a_whole_database(tmp_path: Path) -> None:
    """`drillscope sql` needs no lock: while builds replace the database, every query sees a whole one."""
    out = tmp_path / "out"
    drill = SAMPLES / "2019-01-03-az1"
    assert run("ingest", str(drill), "--out", str(out)).returncode == 0
    want = run("sql", "select count(*) as n from events", "--out", str(out), "-f", "csv").stdout
    builder = cli("build", "--out", str(out))
    deadline = time.monotonic() + 60
    seen = 0
    while builder.poll() is None and time.monotonic() < deadline:
        p = run("sql", "select count(*) as n from events", "--out", str(out), "-f", "csv")
        assert p.returncode == 0 and p.stdout == want, p.stderr
        seen += 1
    builder.communicate(timeout=60)
    assert builder.returncode == 0 and seen >= 1


def test_sql_is_read_only_and_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("ingest", str(SAMPLES / "2019-01-03-az2"), "--out", str(out)).returncode == 0
    count = "select count(*) as n from events"
    before = run("sql", count, "--out", str(out), "-f", "csv").stdout
    assert before.strip() != "n\n0" and int(before.split()[-1]) > 0
    mtime = os.stat(out / DB_NAME).st_mtime_ns
    for stmt in (
        "drop table events",
        "delete from events",
        "create table x as select 1",
        "update events set message = 'x'",
        "insert into events (drill) values ('x')",
    ):
        p = run("sql", stmt, "--out", str(out))
        assert p.returncode == 1, (stmt, p.stdout, p.stderr)
        assert "Traceback" not in p.stderr, stmt
        msg = p.stderr.strip()
        assert len(msg.splitlines()) == 1 and msg.startswith("error: the database is opened read-only"), msg
    assert run("sql", count, "--out", str(out), "-f", "csv").stdout == before
    assert os.stat(out / DB_NAME).st_mtime_ns == mtime
