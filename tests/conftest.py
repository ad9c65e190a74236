"""Shared test helpers: ingest real files into a temp lake, then query the real DuckDB database."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from drillscope.build import build
from drillscope.ingest.pipeline import FileResult, ingest_inputs
from drillscope.output import rows
from drillscope.query import query

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"


def commit_inputs(lake: Path) -> None:
    """Write the `ingest_files` row (the commit marker ingest writes last) of every hand-written table file
    that has none, so that `build`, which reads committed inputs only, reads it."""
    import pyarrow.parquet as pq

    from drillscope.ids import drill_of
    from drillscope.ingest.lake import write_atomic

    counts: dict[tuple[str, str], tuple[int, str | None, str | None]] = {}
    for f in sorted(lake.glob("*/*/*.parquet")):
        table, drill_dir = f.parent.parent.name, f.parent.name
        if table in ("drills", "ingest_files") or (lake / "ingest_files" / drill_dir / f.name).exists():
            continue
        t = pq.read_table(f)
        first = t.slice(0, 1).to_pylist()[0] if t.num_rows else {}
        n, _, _ = counts.get((drill_dir, f.stem), (0, None, None))
        counts[(drill_dir, f.stem)] = (n + t.num_rows, first.get("drill"), first.get("source_file"))
    for (drill_dir, name), (n, drill, source_file) in counts.items():
        row = {"drill": drill, "source_file": source_file, "sha256": name, "lines": n, "parsed_lines": n,
               "quarantined": 0, "ignorable": 0, "rows": n, "redactions": 0, "status": "ok"}  # fmt: skip
        write_atomic(lake, "ingest_files", drill or drill_of(drill_dir.removeprefix("drill=")), name, [row])


class Lake:
    """A drill folder under tmp_path, ingested into tmp_path/out, queried through DuckDB."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.out = tmp / "out"
        self.results: list[FileResult] = []

    def drill(self, name: str = "drill", toml: str | None = None, **files: str | bytes) -> Path:
        d = self.tmp / name
        d.mkdir(parents=True, exist_ok=True)
        if toml is not None:
            (d / "drill.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
        for fname, content in files.items():
            p = d / fname.replace("__", "/")
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")
        return d

    def copy(self, src: Path, name: str = "drill", as_name: str | None = None) -> Path:
        d = self.tmp / name
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, d / (as_name or src.name))
        return d

    def ingest(self, *inputs: Path) -> list[FileResult]:
        self.results = ingest_inputs(list(inputs), self.out)
        build(self.out)
        return self.results

    def q(self, sql: str) -> list[dict]:
        return rows(query(self.out, sql))

    def one(self, sql: str):
        r = self.q(sql)
        assert len(r) == 1 and len(r[0]) == 1, r
        return next(iter(r[0].values()))


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(tmp_path)


@pytest.fixture
def fixture_path() -> Callable[[str], Path]:
    def get(rel: str) -> Path:
        return FIXTURES / rel

    return get
