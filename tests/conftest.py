"""Shared test helpers: ingest real files into a temp lake, then query the real DuckDB database."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from drillscope.build import build
from drillscope.output import rows
from drillscope.query import query
from ingest.pipeline import FileResult, ingest_inputs

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"


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
