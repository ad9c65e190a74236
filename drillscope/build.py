"""Build `drillscope.duckdb` from the lake: load the lake tables, run the SQL models, run the audits.

The database is built into a temp file and renamed into place, so a crash or a failing model never
leaves a half-built database behind. SQL lives in `.sql` files under `sql/`, one object per file;
`drillscope.sqlfiles` checks their headers and orders them by their upstream lines. The phases: the
macros `sql/macros/`, the lake, the clock alignment `sql/align/`, the staging views and models
`sql/staging/` + `sql/models/` (one graph), the drill findings `sql/findings/*.sql` (each a query
returning finding rows, collected into the `findings` table), then the audits `sql/audits/*.sql`,
each a query returning the rows that break its rule.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from drillscope import sqlfiles
from drillscope.db import DB_NAME, SQL_DIR, connect_session
from drillscope.errors import DrillscopeError
from drillscope.ingest.schema import SCHEMAS
from drillscope.sqlfiles import SqlFile

log = logging.getLogger(__name__)

# (step, wall s, CPU s of the process, DuckDB's threads included), in build order: a lake table's load
# (`lake/metrics`), a SQL file (`models/outages.sql`), `checkpoint`
Timings = list[tuple[str, float, float]]


@dataclass
class AuditResult:
    name: str
    rows: list[dict] = field(default_factory=list)
    description: str = ""


@dataclass
class BuildResult:
    db: Path
    tables: dict[str, int]
    audits: list[AuditResult]
    timings: Timings = field(default_factory=list)

    @property
    def violations(self) -> int:
        return sum(len(a.rows) for a in self.audits)


# Tables whose `ts` the clock alignment (sql/align/apply_clock_corrections.sql) may move: they are loaded with `ts_original`,
# a copy of `ts` made while loading (50 M metric rows: +0.4 s; the ALTER + UPDATE it replaces took 5.9 s).
ALIGNED = ("events", "probes", "alerts", "metrics", "vm_states")


@contextmanager
def timed(timings: Timings | None, step: str) -> Iterator[None]:
    """Append the wall and CPU seconds of the block to `timings` (when given), and log them at DEBUG."""
    if timings is None:
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    timings.append((step, time.perf_counter() - wall, time.process_time() - cpu))
    log.debug("build: %s %.2f s, %.2f CPU s", *timings[-1])


def committed_files(lake: Path, table: str) -> list[str]:
    """The table's Parquet files of committed inputs: `<sha256>.parquet` whose input has its `ingest_files`
    row (the commit marker, written last). A run killed between the renames and the marker leaves files
    the next ingest replaces; until then they are not read. `drills` and `ingest_files` are read whole."""
    files = sorted((lake / table).glob("*/*.parquet"))
    if table in ("drills", "ingest_files"):
        return [str(f) for f in files]
    return [str(f) for f in files if (lake / "ingest_files" / f.parent.name / f.name).exists()]


def load_lake(con: duckdb.DuckDBPyConnection, lake: Path, timings: Timings | None = None) -> dict[str, int]:
    """One table per lake table, typed by its schema even when the lake holds no file for it."""
    counts = {}
    for name, schema in SCHEMAS.items():
        with timed(timings, f"lake/{name}"):
            empty = schema.empty_table()  # noqa: F841 (read by DuckDB's replacement scan)
            cols = "*, ts AS ts_original" if name in ALIGNED else "*"
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT {cols} FROM empty')
            files = committed_files(lake, name)
            if files:
                con.execute(
                    f'INSERT INTO "{name}" BY NAME SELECT {cols} FROM read_parquet(?, union_by_name = true, hive_partitioning = false)',
                    [files],
                )
            counts[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    return counts


def run_sql_file(con: duckdb.DuckDBPyConnection, f: SqlFile, timings: Timings | None = None) -> None:
    try:
        with timed(timings, f.rel):
            con.execute(f.text)
    except duckdb.Error as e:
        raise DrillscopeError(f"sql/{f.rel}: {e}") from e


def run_align(
    con: duckdb.DuckDBPyConnection, files: list[SqlFile], align: bool = False, timings: Timings | None = None
) -> None:
    """Clock alignment (sql/align): estimate each source's clock skew, then shift `ts` (keeping `ts_original`)
    by the drill.toml `[clock_offsets]`, and by the applicable estimates only when `align` (--align) is set."""
    con.execute(f"SET VARIABLE align = {'true' if align else 'false'}")
    for f in files:
        run_sql_file(con, f, timings)


def run_audits(
    con: duckdb.DuckDBPyConnection, files: list[SqlFile], timings: Timings | None = None
) -> list[AuditResult]:
    results = []
    for f in files:
        try:
            with timed(timings, f.rel):
                cur = con.execute(f.text)
                cols = [d[0] for d in cur.description]
                rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        except duckdb.Error as e:
            raise DrillscopeError(f"sql/{f.rel}: {e}") from e
        results.append(AuditResult(f.path.stem, rows, f.description))
    return results


FINDINGS_DDL = """CREATE OR REPLACE TABLE findings (
    drill VARCHAR, rule VARCHAR,
    severity VARCHAR CHECK (severity IN ('critical', 'warning', 'info')),
    finding VARCHAR, evidence VARCHAR, ts TIMESTAMP WITH TIME ZONE,
    finding_ko VARCHAR)"""


def run_findings(
    con: duckdb.DuckDBPyConnection, files: list[SqlFile], timings: Timings | None = None
) -> None:
    """Collect the rows of every `sql/findings/*.sql` query into `findings` (a bad severity fails the build).
    Each rule words its finding in English (`finding`) and Korean (`finding_ko`, for `report --lang ko`)."""
    con.execute(FINDINGS_DDL)
    for f in files:
        q = f.text.strip().rstrip(";")
        try:
            with timed(timings, f.rel):
                con.execute(
                    f"INSERT INTO findings SELECT drill, rule, severity, finding, evidence, ts, finding_ko FROM ({q}\n)"
                )
        except duckdb.Error as e:
            raise DrillscopeError(f"sql/{f.rel}: {e}") from e


def build(out: Path, align: bool = False) -> BuildResult:
    """(Re)build `out/drillscope.duckdb` from `out/lake`; idempotent and atomic. `align`: apply the clock skew
    estimates (drill.toml `[clock_offsets]` apply regardless)."""
    lake = out / "lake"
    if not lake.exists():
        raise DrillscopeError(f"{lake}: no lake here; run `drillscope ingest INPUT --out {out}` first")
    db = out / DB_NAME
    tmp = out / (DB_NAME + ".tmp")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    macros, aligns, models, findings, audits_sql = sqlfiles.plan(SQL_DIR, SCHEMAS)
    timings: Timings = []
    con = duckdb.connect(str(tmp))
    try:
        connect_session(con)
        for f in macros:
            run_sql_file(con, f)
        counts = load_lake(con, lake, timings)
        run_align(con, aligns, align, timings)
        for f in models:
            run_sql_file(con, f, timings)
        run_findings(con, findings, timings)
        audits = run_audits(con, audits_sql, timings)
        with timed(timings, "checkpoint"):
            con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, db)
    return BuildResult(db, counts, audits, timings)
