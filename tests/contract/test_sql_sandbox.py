"""`drillscope sql` reads the database's own tables and nothing else (CONTRACT §2): no file written, no local
file read, no extension installed, no setting changed to undo that."""

from __future__ import annotations

from pathlib import Path

import pytest

from drillscope.errors import DrillscopeError
from drillscope.output import rows
from drillscope.query import query
from tests.conftest import Lake

TASK = Path(__file__).parents[1] / "fixtures" / "bosh_task" / "task_1234.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = Lake(tmp_path_factory.mktemp("sandbox"))
    lake.ingest(
        lake.drill("d", toml='date = "2019-01-03"\n', **{"task.txt": TASK.read_text(encoding="utf-8")})
    )
    return lake.out


def _refused(out: Path, stmt: str) -> str:
    with pytest.raises(DrillscopeError) as e:
        query(out, stmt)
    msg = str(e.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize(
    "template",
    [
        "COPY events TO '{tmp}/leak.csv'",
        "COPY (select 1) TO '{lake}/events/drill=d/planted.parquet' (FORMAT parquet)",
        "EXPORT DATABASE '{tmp}/dump'",
        "select * from read_text('/etc/shadow')",
        "select * from read_text('/etc/hostname')",
        "select * from read_blob('/etc/passwd')",
        "select * from glob('/root/*')",
        "select * from read_csv('/etc/passwd')",
        "select * from read_parquet('{lake}/events/*/*.parquet')",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SET temp_directory = '{tmp}/spill'",
        "PRAGMA enable_profiling = 'json'",
        "SET profiling_output = '{tmp}/profile.json'",
    ],
)
def test_statement_is_refused(built: Path, tmp_path: Path, template: str) -> None:
    stmt = template.format(tmp=tmp_path, lake=built / "lake")
    before = sorted(p.relative_to(built) for p in built.rglob("*"))
    msg = _refused(built, stmt)
    assert msg.startswith("refused: `drillscope sql` reads the database's own tables and nothing else: "), msg
    assert sorted(p.relative_to(built) for p in built.rglob("*")) == before  # nothing written under --out
    assert list(tmp_path.iterdir()) == []  # nor anywhere else


def test_tables_still_read(built: Path) -> None:
    got = rows(query(built, "select task_id, state from bosh_tasks"))
    assert got == [{"task_id": 1234, "state": "done"}]
    assert rows(query(built, "select current_setting('TimeZone') as tz"))[0]["tz"] == "UTC"
    names = {r["table_name"] for r in rows(query(built, "select table_name from information_schema.tables"))}
    assert {"events", "drill_metrics", "timeline", "ingest_files"} <= names
