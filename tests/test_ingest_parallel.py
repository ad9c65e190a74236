"""A collection parsed by a process pool gives the same lake as a serial run."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from drillscope.ingest.pipeline import ingest_inputs
from tests.conftest import SAMPLES


def _lake_rows(out: Path) -> dict[str, list[tuple]]:
    """Every lake file's rows, by table and file name (ingest time left out: it differs by run)."""
    tables: dict[str, list[tuple]] = {}
    for f in sorted((out / "lake").glob("*/*/*.parquet")):
        t = pq.read_table(f)
        if "ingested_at" in t.column_names:
            t = t.drop_columns(["ingested_at"])
        rows = [tuple(sorted(r.items())) for r in t.to_pylist()]
        key = f"{f.parent.parent.name}/{f.parent.name}/{f.name}"
        tables[key] = rows
    return tables


def test_pool_equals_serial(tmp_path: Path) -> None:
    serial = ingest_inputs([SAMPLES], tmp_path / "serial", jobs=1)
    pooled = ingest_inputs([SAMPLES], tmp_path / "pooled", jobs=2)
    assert len({r.drill for r in serial}) == 4
    key = [(r.drill, r.source_file, r.source_type, r.status, r.lines, r.rows, r.quarantined) for r in serial]
    assert [
        (r.drill, r.source_file, r.source_type, r.status, r.lines, r.rows, r.quarantined) for r in pooled
    ] == key
    a, b = _lake_rows(tmp_path / "serial"), _lake_rows(tmp_path / "pooled")
    assert sorted(a) == sorted(b)
    assert sum(len(v) for k, v in a.items() if k.startswith("events/")) > 100
    for k in a:
        assert a[k] == b[k], k
