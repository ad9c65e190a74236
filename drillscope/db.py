"""The database file and the SQL files: where they are, how to open the database, how to run a named query.

Every reader (`sql`, `export`, the reports) opens `OUT/drillscope.duckdb` read-only and sandboxed through
`open_db`, so the "no database yet" message and the session settings are written once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

import duckdb
import polars as pl

from drillscope.errors import DrillscopeError, UsageError

# The SQL files' folder, found without importing the `drillscope.sql` package: importing it would bind
# `drillscope.sql` to the package and hide the library function `drillscope.sql(query)`.
SQL_DIR = Path(find_spec("drillscope.sql").submodule_search_locations[0]).resolve()
DB_NAME = "drillscope.duckdb"


def connect_session(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would cut into the CLI's output


# Readers see the database's own tables and nothing else: no file is read or written (COPY, EXPORT DATABASE,
# read_text, read_blob, glob, ATTACH), no extension installed or loaded, and the settings are locked so a
# query cannot turn this back on. Every table is materialized by `build`, so nothing needs the lake.
READER_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


@contextmanager
def open_db(out: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The built database of `out`, read-only and sandboxed (READER_CONFIG); a clear error when there is none yet."""
    db = out / DB_NAME
    if not db.exists():
        raise DrillscopeError(f"{db}: no database; run `drillscope run INPUT --out {out}` first")
    con = duckdb.connect(str(db), read_only=True, config=dict(READER_CONFIG))
    try:
        connect_session(con)
        con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()


def sql_text(name: str) -> str:
    """The text of `sql/<name>.sql` (e.g. `report/drills`, `export/timeline`)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_named(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pl.DataFrame:
    """Run `sql/<name>.sql` with the `$params` it uses (DuckDB refuses unused ones)."""
    sql = sql_text(name)
    used = {k: v for k, v in (params or {}).items() if f"${k}" in sql}
    try:
        return con.sql(sql, params=used or None).pl()
    except duckdb.Error as e:
        raise DrillscopeError(f"sql/{name}.sql: {str(e).splitlines()[0]}") from e


def check_drills(con: duckdb.DuckDBPyConnection, drills: list[str] | None) -> None:
    """A usage error naming the drill ids that the database does not hold."""
    if not drills:
        return
    known = [r[0] for r in con.sql("SELECT drill FROM drills ORDER BY drill").fetchall()]
    missing = [d for d in drills if d not in known]
    if missing:
        raise UsageError(f"unknown drill(s): {', '.join(missing)}; known: {', '.join(known) or 'none'}")
