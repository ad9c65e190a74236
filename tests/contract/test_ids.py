"""Drill ids stay exact and distinct everywhere (CONTRACT §1): in lake folders, in every table, in the report.

`drill 1`, `drill_1`, `drill/1` and `드릴 1` used to share the lake folder `drill=drill_1` (the second
drill's files replaced the first's) and DuckDB's hive-partition detection renamed the `drill` column
after the folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drillscope import ids
from drillscope.build import build
from drillscope.reports.render import write_report
from tests.conftest import Lake

HOSTILE = [
    "drill 1",
    "drill_1",
    "drill/1",
    "드릴 1",
    "..",
    ".hidden",
    "a%2Fb",
    "a/b",
    "x=y",
    "tab\there",
    "100%",
]


def test_folder_names_are_reversible_and_distinct() -> None:
    names = [ids.folder(i) for i in HOSTILE]
    assert len(set(names)) == len(HOSTILE)
    assert [ids.drill_of(n) for n in names] == HOSTILE
    for n in names:
        assert "/" not in n and "\t" not in n and not n.startswith(".") and "=" not in n
    assert ids.folder("2019-01-03-az1") == "2019-01-03-az1"  # plain ids read as before
    assert ids.folder("드릴 1") == "드릴 1"


# `007`: a hive-partition reader would type the folder value as the number 7
IDS = ["drill 1", "drill_1", "drill/1", "드릴 1", "007"]
WINDOW = 'injected_at = "2019-01-03T10:00:00+09:00"\nrecovered_at = "2019-01-03T11:00:00+09:00"\n'


def notes(minute: int) -> str:
    return f"- 10:{minute:02d} power off the AZ1 server\n- 10:50 power on the AZ1 server\n"


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    lake = Lake(tmp_path_factory.mktemp("ids"))
    coll = lake.tmp / "coll"
    for k, drill_id in enumerate(IDS):
        d = coll / f"d{k}"
        d.mkdir(parents=True)
        toml = f'id = "{drill_id}"\ntimezone = "Asia/Seoul"\ndate = "2019-01-03"\n' + WINDOW
        (d / "drill.toml").write_text(toml, encoding="utf-8")
        (d / "notes.md").write_text(notes(10 + k), encoding="utf-8")  # same name, other content
    lake.ingest(coll)
    write_report(lake.out)
    return lake


def test_colliding_ids_stay_four_drills(four: Lake) -> None:
    assert [r["drill"] for r in four.q("select drill from drills order by drill")] == sorted(IDS)
    got = four.q("select drill, source_file, status from ingest_files order by drill")
    assert [(r["drill"], r["status"]) for r in got] == [(d, "ok") for d in sorted(IDS)]
    # each drill keeps its own note, at its own minute (10:10 KST = 01:10 UTC, ...)
    ev = four.q("select drill, min(ts) as ts from events where source_type = 'notes' group by 1")
    minutes = {r["drill"]: r["ts"][11:16] for r in ev}
    assert minutes == {
        "drill 1": "01:10",
        "drill_1": "01:11",
        "drill/1": "01:12",
        "드릴 1": "01:13",
        "007": "01:14",
    }


def test_report_has_one_page_per_drill(four: Lake) -> None:
    report = four.out / "report"
    for drill_id in IDS:
        page = report / ids.folder(drill_id) / "index.html"
        assert page.is_file(), page
    index = (report / "index.html").read_text(encoding="utf-8")
    assert 'href="drill%252F1/index.html"' in index  # the folder `drill%2F1`, quoted as a URL
    assert 'href="drill%201/index.html"' in index


def test_a_lake_written_under_the_old_folder_names_is_taken_over(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    d = lake.drill(
        "d", toml='id = "drill 1"\ntimezone = "Asia/Seoul"\ndate = "2019-01-03"\n', **{"notes.md": notes(10)}
    )
    lake.ingest(d)
    for folder in (lake.out / "lake").glob("*/drill=drill 1"):  # as the old lossy encoding named it
        shutil.move(folder, folder.with_name("drill=drill_1"))
    lake.ingest(d)
    assert not list((lake.out / "lake").glob("*/drill=drill_1"))
    assert lake.one("select count(*) from events where source_type = 'notes'") == 2
    assert lake.one("select drill from drills") == "drill 1"


def test_build_takes_the_drill_from_the_file_not_the_folder(tmp_path: Path) -> None:
    """DuckDB's hive-partition detection would overwrite `drill` with the folder's name (`drill_1`)."""
    lake = Lake(tmp_path)
    d = lake.drill("d", toml='id = "drill 1"\ntimezone = "Asia/Seoul"\n' + WINDOW, **{"notes.md": notes(10)})
    lake.ingest(d)
    for folder in (lake.out / "lake").glob("*/drill=drill 1"):
        folder.rename(folder.with_name("drill=drill_1"))
    build(lake.out)
    assert lake.one("select distinct drill from events") == "drill 1"
    assert lake.one("select drill from drills") == "drill 1"
