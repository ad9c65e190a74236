"""The library: what every `drillscope` command does, callable from a notebook.

    from drillscope import run, sql
    result = run(["data/samples"], out="ds")
    sql("select drill, ttd_s, ttr_s from drill_metrics", out="ds").to_pandas()

Each function that writes under `out` takes the output folder's lock itself (one writer per folder;
re-entrant, so `run` holds it once across ingest, build and report) and returns data: pyarrow tables,
polars frames, paths. Errors are `drillscope.errors.DrillscopeError` with a one-line message; the CLI
only turns them into exit codes. Heavy modules are imported inside the functions so `import drillscope`
stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drillscope.lock import out_lock

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

    from drillscope.build import BuildResult
    from drillscope.ingest.pipeline import FileResult

DEFAULT_OUT = Path("drillscope-out")
PathLike = str | Path
ProgressFn = Callable[[str, int], None]


@dataclass
class RunResult:
    """What `run` did: one result per input file, the build (audits), the drills' summary, the report."""

    files: list[FileResult]
    build: BuildResult
    summary: pa.Table
    report: Path

    @property
    def ok(self) -> bool:
        """No audit violation and no input that failed to read (quarantined lines are no failure)."""
        return not self.build.violations and not any(f.status == "error" for f in self.files)


def input_bytes(inputs: Sequence[PathLike], follow_links: bool = False) -> int:
    """The total size of the files `ingest` would read (for a progress bar)."""
    from drillscope.ingest.pipeline import discover

    drills = discover(_paths(inputs), follow_links)
    return sum(p.stat().st_size for d in drills for p, _ in d.files if p.exists())


def ingest(
    inputs: Sequence[PathLike],
    out: PathLike = DEFAULT_OUT,
    progress: ProgressFn | None = None,
    follow_links: bool = False,
    engine: str = "duckdb",
    spark_master: str | None = None,
) -> list[FileResult]:
    """Parse the inputs (drill folders, collections, files) into `out/lake`, then rebuild the database.

    `progress(name, nbytes)` is called as the input bytes are read; `follow_links` also reads links whose
    target lies outside the drill folder. `engine="spark"`: the drills are parsed by Spark tasks and the
    build runs on Spark (inputs and `out` on a file system every executor reaches). Returns one result per
    input file."""
    from drillscope.build import build as _build
    from drillscope.ingest.pipeline import ingest_inputs

    out, paths = Path(out), _paths(inputs)
    with out_lock(out):
        if _engine(engine) == "spark":
            from drillscope.spark.build import build_spark
            from drillscope.spark.ingest import ingest_spark

            results = ingest_spark(paths, out, master=spark_master, follow_links=follow_links)
            build_spark(out, master=spark_master)
            return results
        results = ingest_inputs(paths, out, progress=progress, follow_links=follow_links)
        _build(out)
    return results


ENGINES = ("duckdb", "spark")


def _engine(engine: str) -> str:
    from drillscope.errors import UsageError

    if engine not in ENGINES:
        raise UsageError(f"--engine {engine}: choose duckdb or spark")
    return engine


def build(
    out: PathLike = DEFAULT_OUT, align: bool = False, engine: str = "duckdb", spark_master: str | None = None
) -> BuildResult:
    """(Re)build `out/drillscope.duckdb` from the lake and run the audits. `align`: apply the estimated
    clock offsets that exclude 0 (drill.toml `[clock_offsets]` always apply). `engine="spark"`: run the SQL
    on Spark (`spark_master`, default $DRILLSCOPE_SPARK_MASTER or local[*]), write `out/warehouse/`, and
    assemble the database from it."""
    out = Path(out)
    with out_lock(out):
        if _engine(engine) == "spark":
            from drillscope.spark.build import build_spark

            return build_spark(out, align=align, master=spark_master)
        from drillscope.build import build as _build

        return _build(out, align=align)


def _from_warehouse(out: Path, engine: str) -> None:
    """With engine spark, the readers read the Spark build's warehouse: the database is assembled from it
    when the warehouse is newer (no Spark needed)."""
    if _engine(engine) == "spark":
        from drillscope.spark.warehouse import refresh_duckdb

        with out_lock(out):
            refresh_duckdb(out)


def report(
    out: PathLike = DEFAULT_OUT, drills: Sequence[str] | None = None, lang: str = "en", engine: str = "duckdb"
) -> Path:
    """Write `out/report/` (index and one page per drill); returns the index's path. `engine="spark"`: from
    the Spark build's warehouse."""
    from drillscope.reports.render import write_report

    out = Path(out)
    _from_warehouse(out, engine)
    with out_lock(out):
        return write_report(out, list(drills) if drills else None, lang)


def summary(out: PathLike = DEFAULT_OUT) -> pa.Table:
    """One row per drill: its key instants in the drill's zone, TTD, TTR, downtime per capability."""
    from drillscope.db import open_db, sql_text

    with open_db(Path(out)) as con:
        return con.sql(sql_text("summary")).to_arrow_table()


def run(
    inputs: Sequence[PathLike],
    out: PathLike = DEFAULT_OUT,
    lang: str = "en",
    align: bool = False,
    progress: ProgressFn | None = None,
    follow_links: bool = False,
) -> RunResult:
    """The main job: ingest, build, report, under one hold of the lock."""
    from drillscope.build import build as _build
    from drillscope.ingest.pipeline import ingest_inputs
    from drillscope.reports.render import write_report

    out, paths = Path(out), _paths(inputs)
    with out_lock(out):
        files = ingest_inputs(paths, out, progress=progress, follow_links=follow_links)
        built = _build(out, align=align)
        table = summary(out)
        path = write_report(out, None, lang)
    return RunResult(files, built, table, path)


def quarterly(
    quarter: str,
    out: PathLike = DEFAULT_OUT,
    slo: float | None = None,
    foundation: str | None = None,
    page: bool = True,
    engine: str = "duckdb",
) -> tuple[pl.DataFrame, Path | None]:
    """Availability of `quarter` (like 2019Q1) per foundation and capability, and with `page` the path of
    `out/report/quarterly/<quarter>.html`. `engine="spark"`: from the Spark build's warehouse."""
    from drillscope.reports.quarterly import quarterly as _table
    from drillscope.reports.quarterly import write_quarterly

    out = Path(out)
    _from_warehouse(out, engine)
    table = _table(out, quarter, slo, foundation)
    if not page:
        return table, None
    with out_lock(out):
        return table, write_quarterly(out, quarter, slo, foundation)


def sql(
    query: str, out: PathLike = DEFAULT_OUT, engine: str = "duckdb", spark_master: str | None = None
) -> pa.Table:
    """Run one read-only query over the database; `engine="spark"`: on Spark SQL over the warehouse and the
    lake (the query is written in DuckDB's dialect and transpiled)."""
    if _engine(engine) == "spark":
        from drillscope.spark.query import query as _spark_query

        return _spark_query(Path(out), query, master=spark_master)
    from drillscope.query import query as _query

    return _query(Path(out), query)


def export(
    out: PathLike = DEFAULT_OUT, fmt: str = "timesketch", drills: Sequence[str] | None = None
) -> tuple[Path, int]:
    """Write the unified timeline under `out/export/` (timesketch, l2tcsv, csv or parquet); returns the
    file's path and its row count."""
    from drillscope.export import export as _export

    out = Path(out)
    with out_lock(out):
        return _export(out, fmt, list(drills) if drills else None)


def explain(path: PathLike) -> str:
    """How ingest reads one file: what is taken off, its segments and kinds, and for a part no parser
    reads, what each parser looked for (`drillscope explain`). Reads the file only."""
    from drillscope.ingest.explain import explain as _explain

    return _explain(Path(path))


def _paths(inputs: Sequence[PathLike]) -> list[Path]:
    """The inputs as paths; a missing one stops here, before `--out` is created."""
    import os

    from drillscope.errors import InputError

    if isinstance(inputs, str | Path):  # one path given where a list was meant
        inputs = [inputs]
    paths = [Path(p) for p in inputs]
    for p in paths:
        if not os.path.lexists(p):
            raise InputError(f"{p}: no such file or folder")
    return paths
