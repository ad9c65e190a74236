"""`build --engine spark`: the lake read by Spark, the same SQL files run on Spark SQL, the tables written as
Parquet under `OUT/warehouse/<table>/`.

The order and the steps are those of the DuckDB build (drillscope/build.py, ordered by drillscope/sqlfiles.py):
macros, load the lake (committed inputs only, `ts_original` beside `ts`), clock alignment, staging and models,
findings, audits. Each statement of a
file is transpiled (drillscope/spark/transpile.py) and run by kind: a view becomes a temp view, a table is
written to the warehouse and read back from it (so later models start from Parquet, not from a long lineage),
a temp table is checkpointed, an `UPDATE … FROM` becomes a left join that replaces the table.

The warehouse is written into `warehouse.tmp/` and renamed into place at the end, so a failed build leaves the
previous warehouse as it was. Then `drillscope.duckdb` is assembled from it (drillscope/spark/warehouse.py),
so `sql`, `report`, `quarterly` and `export` read the results of either engine the same way.
"""

from __future__ import annotations

import logging
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
from sqlglot import exp

from drillscope import sqlfiles
from drillscope.build import ALIGNED, AuditResult, BuildResult, committed_files
from drillscope.db import SQL_DIR
from drillscope.errors import DrillscopeError
from drillscope.ingest.schema import SCHEMAS
from drillscope.spark import transpile as tp
from drillscope.spark.warehouse import WAREHOUSE, assemble_duckdb

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)


_SPARK_TYPES = {
    pa.string(): "STRING",
    pa.large_string(): "STRING",
    pa.int64(): "BIGINT",
    pa.int32(): "INT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
}


def spark_ddl(schema: pa.Schema) -> str:
    """The pyarrow schema of a lake table as a Spark DDL schema string."""
    cols = []
    for f in schema:
        if pa.types.is_timestamp(f.type):
            t = "TIMESTAMP"
        elif f.type in _SPARK_TYPES:
            t = _SPARK_TYPES[f.type]
        else:
            raise DrillscopeError(f"lake column {f.name}: type {f.type} has no Spark mapping")
        cols.append(f"`{f.name}` {t}")
    return ", ".join(cols)


def empty_frame(spark: SparkSession, ddl: str) -> DataFrame:
    """A frame with no rows (made in the JVM: `createDataFrame([])` would start Python workers)."""
    from pyspark.sql.types import StructType

    return spark.createDataFrame(spark.sparkContext.emptyRDD(), StructType.fromDDL(ddl))


def load_lake(spark: SparkSession, lake: Path, count: bool = True) -> dict[str, int]:
    """One temp view per lake table, typed by its schema (a column an older file lacks is NULL); with
    `count`, the rows of each."""
    counts = {}
    for name, schema in SCHEMAS.items():
        ddl = spark_ddl(schema)
        files = committed_files(lake, name)
        if files:
            # file paths, no partition discovery: the files carry `drill` themselves
            df = spark.read.schema(ddl).option("recursiveFileLookup", "true").parquet(*files)
        else:
            df = empty_frame(spark, ddl)
        if name in ALIGNED:
            df = df.withColumn("ts_original", df["ts"])
        df.createOrReplaceTempView(name)
        if count:  # from the Parquet footers: no Spark job
            counts[name] = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    return counts


class Runner:
    """Runs DuckDB SQL files on Spark, statement by statement, writing tables under `target`."""

    def __init__(
        self,
        spark: SparkSession,
        target: Path,
        variables: dict[str, object] | None = None,
        views_as_tables: bool = False,
    ):
        """`views_as_tables`: compute each view once, when created (a Spark temp view is computed again by every
        query that reads it, and its plan is inlined into theirs); right for a build, whose sources no longer
        change once the staging views are made, not for a one-off query."""
        self.spark = spark
        self.views_as_tables = views_as_tables
        self.target = target
        self.ctx = tp.Context(variables=dict(variables or {}))
        self.written: list[str] = []  # warehouse tables, in build order
        self.updated: set[str] = set()  # lake tables changed by an UPDATE (written at the end)
        self.timings: list[tuple[str, float]] = []  # (SQL file, seconds), in build order

    @contextmanager
    def timed(self, path: Path) -> Iterator[None]:
        start = time.perf_counter()
        yield
        name = str(path.relative_to(SQL_DIR))
        self.timings.append((name, time.perf_counter() - start))
        log.info("spark build: %s %.1f s", name, self.timings[-1][1])

    def sql(self, stmt: exp.Expression) -> DataFrame:
        return self.spark.sql(tp.to_spark(stmt, self.ctx))

    def run_file(self, path: Path) -> None:
        with self.timed(path):
            for text in tp.split_statements(path.read_text(encoding="utf-8")):
                try:
                    self.run_statement(text)
                except DrillscopeError as e:
                    raise DrillscopeError(f"{path.relative_to(SQL_DIR.parent)}: {e}") from None
                except Exception as e:  # Spark's analysis and runtime errors
                    raise DrillscopeError(f"{path.relative_to(SQL_DIR.parent)}: {_first_line(e)}") from None

    def run_statement(self, text: str) -> None:
        stmt = tp.parse(text)
        macro = tp.macro_of(stmt)
        if macro:
            self.ctx.macros[macro[0]] = macro[1]
            return
        if isinstance(stmt, exp.Create):
            kind = str(stmt.args.get("kind", "")).upper()
            name = stmt.this.name
            if kind == "VIEW" and self.views_as_tables:
                self.materialize(name, self.sql(stmt.expression), temp=True)
                return
            if kind == "VIEW":
                body = tp.to_spark(stmt.expression, self.ctx)
                self.spark.sql(f"CREATE OR REPLACE TEMP VIEW `{name}` AS {body}")
                return
            if kind == "TABLE" and stmt.expression is not None:
                temp = any(isinstance(p, exp.TemporaryProperty) for p in _props(stmt))
                self.materialize(name, self.sql(stmt.expression), temp=temp)
                return
        if isinstance(stmt, exp.Update):
            self.update(stmt)
            return
        if isinstance(stmt, exp.Drop):
            for t in stmt.args.get("tables") or []:
                self.spark.catalog.dropTempView(t.name)
            return
        raise DrillscopeError(f"no Spark form for this statement: {text.strip()[:80]}")

    def materialize(self, name: str, df: DataFrame, temp: bool = False) -> None:
        if temp:
            df.localCheckpoint(eager=True).createOrReplaceTempView(name)
            return
        path = self.target / name
        try:
            df.write.mode("overwrite").parquet(str(path))
        except Exception as e:  # an optimizer or runtime error of Spark: one line
            raise DrillscopeError(f"writing {name}: {_first_line(e)}") from None
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)
        if name not in self.written:
            self.written.append(name)

    def update(self, stmt: exp.Update) -> None:
        """`UPDATE t SET c = e FROM s WHERE cond` as t LEFT JOIN s ON cond (a row takes e where s matched)."""
        target = stmt.this.name
        src = stmt.args["from_"].this
        if self.spark.table(src.name).isEmpty():  # nothing to apply (no clock offset): the table stays
            return
        alias = src.alias_or_name
        sets = {eq.this.name: eq.expression for eq in stmt.expressions}
        cond = stmt.args["where"].this
        proj = []
        for c in self.spark.table(target).columns:
            col = exp.column(c, table=target, quoted=True)
            if c in sets:
                proj.append(
                    exp.alias_(
                        exp.Case(
                            ifs=[exp.If(this=exp.column("__hit", table=alias), true=sets[c].copy())],
                            default=col,
                        ),
                        c,
                        quoted=True,
                    )
                )
            else:
                proj.append(col)
        hit = exp.select(exp.Star(), exp.alias_(exp.true(), "__hit")).from_(exp.to_table(src.name))
        query = (
            exp.select(*proj)
            .from_(exp.to_table(target))
            .join(hit.subquery(alias), on=cond.copy(), join_type="left")
        )
        df = self.spark.sql(tp.to_spark(query, self.ctx)).localCheckpoint(eager=True)
        df.createOrReplaceTempView(target)
        self.updated.add(target)

    def findings(self, files: list[sqlfiles.SqlFile]) -> None:
        """The rows of every `sql/findings/*.sql` query, in one `findings` table (a bad severity stops)."""
        cols = "drill, rule, severity, finding, evidence, ts, finding_ko"
        df = empty_frame(
            self.spark,
            "drill STRING, rule STRING, severity STRING, finding STRING, evidence STRING, ts TIMESTAMP, "
            "finding_ko STRING",
        )
        for path in (f.path for f in files):
            with self.timed(path):
                texts = tp.split_statements(path.read_text(encoding="utf-8"))
                for text in texts[:-1]:  # macros before the query
                    self.run_statement(text)
                try:  # computed once: checked here, written with the others below
                    part = (
                        self.sql(tp.parse(texts[-1]))
                        .selectExpr(*cols.split(", "))
                        .localCheckpoint(eager=True)
                    )
                    bad = part.filter(
                        "severity IS NULL OR severity NOT IN ('critical', 'warning', 'info')"
                    ).limit(1)
                    if bad.count():
                        raise DrillscopeError(f"a finding has severity {bad.first()['severity']!r}")
                except DrillscopeError as e:
                    raise DrillscopeError(f"{path.relative_to(SQL_DIR.parent)}: {e}") from None
                except Exception as e:
                    raise DrillscopeError(f"{path.relative_to(SQL_DIR.parent)}: {_first_line(e)}") from None
            df = df.unionByName(part)
        with self.timed(SQL_DIR / "findings"):
            self.materialize("findings", df)

    def audits(self, files: list[sqlfiles.SqlFile]) -> list[AuditResult]:
        results = []
        for f in files:
            path = f.path
            with self.timed(path):
                try:
                    rows = [
                        r.asDict() for r in self.sql(tp.parse(path.read_text(encoding="utf-8"))).collect()
                    ]
                except Exception as e:
                    raise DrillscopeError(f"{path.relative_to(SQL_DIR.parent)}: {_first_line(e)}") from None
            results.append(AuditResult(path.stem, rows, f.description))
        return results


def _props(stmt: exp.Create) -> list[exp.Expression]:
    props = stmt.args.get("properties")
    return list(props.expressions) if props else []


def _first_line(e: Exception) -> str:
    msg = getattr(e, "getMessage", None)
    text = msg() if callable(msg) else str(e)
    return (text or type(e).__name__).strip().splitlines()[0]


def build_spark(out: Path, align: bool = False, master: str | None = None) -> BuildResult:
    """(Re)build `out/warehouse/` with Spark from `out/lake`, then `out/drillscope.duckdb` from the warehouse."""
    from drillscope.spark.session import spark_session

    lake = out / "lake"
    if not lake.exists():
        raise DrillscopeError(f"{lake}: no lake here; run `drillscope ingest INPUT --out {out}` first")
    final = out / WAREHOUSE
    tmp = out / (WAREHOUSE + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    macros, aligns, models, findings, audit_files = sqlfiles.plan(SQL_DIR, SCHEMAS)
    spark = spark_session(master)
    try:
        counts = load_lake(spark, lake.resolve())
        run = Runner(spark, tmp.resolve(), {"align": align}, views_as_tables=True)
        for f in macros + aligns + models:
            run.run_file(f.path)
        run.findings(findings)
        audits = run.audits(audit_files)
        for name in sorted(run.updated):  # lake tables the alignment moved
            run.materialize(name, spark.table(name))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out / (WAREHOUSE + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    db = assemble_duckdb(out)
    return BuildResult(db, counts, audits)
