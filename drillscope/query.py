"""Read-only ad hoc SQL over `drillscope.duckdb`: its tables only, no file read or written (`db.open_db`)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from drillscope.db import open_db
from drillscope.errors import DrillscopeError


def query(out: Path, sql: str) -> pa.Table:
    """Run one query read-only; a write or a bad query is a DrillscopeError with DuckDB's message."""
    with open_db(out) as con:
        try:
            rel = con.sql(sql)
            if rel is None:  # a statement without a result
                return pa.table({})
            return rel.to_arrow_table()
        except duckdb.Error as e:
            msg = str(e).splitlines()[0]
            if "read-only" in msg.lower():
                msg = "the database is opened read-only: " + msg
            elif msg.startswith("Permission Error") or "configuration has been locked" in msg:
                msg = "refused: `drillscope sql` reads the database's own tables and nothing else: " + msg
            raise DrillscopeError(msg) from None
