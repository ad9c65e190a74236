"""`sql --engine spark`: one read-only query on Spark SQL over the warehouse and the lake.

The query is written in DuckDB's dialect, like every query of drillscope, and transpiled; the tables are the
lake's (committed inputs) with the warehouse's model tables over them, and the views of the SQL files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from drillscope.db import SQL_DIR
from drillscope.errors import DrillscopeError
from drillscope.spark import transpile as tp
from drillscope.spark.build import WAREHOUSE, Runner, load_lake
from drillscope.spark.session import spark_session
from drillscope.spark.warehouse import build_files, views_and_macros, warehouse_tables


def query(out: Path, sql: str, master: str | None = None) -> pa.Table:
    tables = warehouse_tables(out)
    if not tables:
        raise DrillscopeError(
            f"{out / WAREHOUSE}: no warehouse here; run `drillscope build --engine spark` first"
        )
    spark = spark_session(master)
    load_lake(spark, (out / "lake").resolve(), count=False)
    for name in tables:
        spark.read.parquet(str((out / WAREHOUSE / name).resolve())).createOrReplaceTempView(name)
    run = Runner(spark, (out / WAREHOUSE).resolve())
    for path in build_files():
        for text in views_and_macros(path):
            try:
                run.run_statement(text)
            except Exception as e:
                raise DrillscopeError(f"{path.relative_to(SQL_DIR.parent)}: {e}") from None
    stmt = tp.parse(sql)
    if not isinstance(stmt, tp.exp.Query):
        raise DrillscopeError("sql --engine spark runs one read-only query (SELECT or WITH … SELECT)")
    try:
        return run.sql(stmt).toArrow()
    except Exception as e:
        raise DrillscopeError(str(e).strip().splitlines()[0]) from None
