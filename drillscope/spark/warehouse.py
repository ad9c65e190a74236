"""`drillscope.duckdb` assembled from `OUT/warehouse/` (the tables a Spark build wrote), without Spark.

The lake tables are loaded as the DuckDB build loads them (those the clock alignment changed come from the
warehouse instead), every warehouse table becomes a DuckDB table, and the macros and views of the SQL files
are created over them as written. `sql`, `report`, `quarterly` and `export` then read it like a DuckDB build.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from drillscope import sqlfiles
from drillscope.build import load_lake
from drillscope.db import DB_NAME, SQL_DIR, connect_session
from drillscope.errors import DrillscopeError
from drillscope.ingest.schema import SCHEMAS
from drillscope.spark import transpile as tp

MARKER = "warehouse_assembly"  # in a database assembled from the warehouse: the engine and the instant

WAREHOUSE = "warehouse"  # OUT/warehouse/<table>/: the Spark build's tables as Parquet


def build_files() -> list[Path]:
    """Every SQL file the build runs, in its order (sqlfiles.plan: macros, align, models, findings, audits)."""
    return [f.path for phase in sqlfiles.plan(SQL_DIR, SCHEMAS) for f in phase]


def warehouse_tables(out: Path) -> list[str]:
    wh = out / WAREHOUSE
    return sorted(p.name for p in wh.iterdir() if p.is_dir()) if wh.exists() else []


def views_and_macros(path: Path) -> list[str]:
    keep = []
    for text in tp.split_statements(path.read_text(encoding="utf-8")):
        stmt = tp.parse(text)
        kind = str(stmt.args.get("kind", "")).upper() if isinstance(stmt, tp.exp.Create) else ""
        if kind in ("VIEW", "MACRO"):
            keep.append(text)
    return keep


def assemble_duckdb(out: Path) -> Path:
    """Write `out/drillscope.duckdb` from the lake and `out/warehouse/` (atomic: temp file, then rename)."""
    tables = warehouse_tables(out)
    if not tables:
        raise DrillscopeError(
            f"{out / WAREHOUSE}: no warehouse here; run `drillscope build --engine spark` first"
        )
    db = out / DB_NAME
    tmp = out / (DB_NAME + ".tmp")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        connect_session(con)
        load_lake(con, out / "lake")
        for name in tables:
            files = str((out / WAREHOUSE / name / "*.parquet").resolve())
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [files])
        for path in build_files():
            for text in views_and_macros(path):
                try:
                    con.execute(text)
                except duckdb.Error as e:
                    raise DrillscopeError(f"{path.relative_to(SQL_DIR.parent)}: {e}") from e
        con.execute(f"CREATE TABLE {MARKER} AS SELECT 'spark' AS engine, now() AS assembled_at")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, db)
    return db


def refresh_duckdb(out: Path) -> Path:
    """The database as assembled from the current warehouse: assembled again unless it already is (a later
    DuckDB build, or a later Spark build, replaced what it holds)."""
    db = out / DB_NAME
    wh = out / WAREHOUSE
    if not wh.exists():
        raise DrillscopeError(
            f"{wh}: no warehouse here; run `drillscope build --engine spark --out {out}` first"
        )
    if db.exists() and db.stat().st_mtime >= wh.stat().st_mtime:
        con = duckdb.connect(str(db), read_only=True)
        try:
            assembled = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [MARKER]
            ).fetchone()[0]
        finally:
            con.close()
        if assembled:
            return db
    return assemble_duckdb(out)
