"""The README says what the code does: its source types are the registry's, its table list is the database's,
every command is shown in it, and its Layout names folders that exist."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from drillscope.cli import app
from drillscope.db import DB_NAME
from drillscope.ingest.registry import parsers

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
# source types that name a kind of file rather than a parser (a terminal session holding several kinds)
PSEUDO_TYPES = {"session"}


def _section(title: str) -> str:
    m = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ )", README, re.M | re.S)
    assert m, f"README has no section {title!r}"
    return m.group(1)


def test_source_types_are_the_registry() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", _section("Inputs"), re.M))
    assert documented - PSEUDO_TYPES == {m.NAME for m in parsers()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from drillscope import api

    out = tmp_path_factory.mktemp("docs") / "out"
    api.ingest([REPO / "data" / "samples"], out)
    return out


def test_table_list_is_the_database(built: Path) -> None:
    # the first paragraph names the tables; parentheses hold prose, `ts`/`ts_original` are columns
    text = re.sub(r"\([^)]*\)", "", _section("Tables").split("\n\n")[0])
    documented = set(re.findall(r"`(\w+)`", text)) - {"ts", "ts_original"}
    with duckdb.connect(str(built / DB_NAME), read_only=True) as con:
        actual = {
            r[0]
            for r in con.sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND NOT starts_with(table_name, 'stg_')"
            ).fetchall()
        }
    assert actual - documented == set(), "tables missing from README's Tables section"
    assert documented - actual == set(), "README names no such table"


def test_every_command_is_shown_in_the_readme() -> None:
    commands = {c.name or c.callback.__name__ for c in app.registered_commands}
    shown = set(re.findall(r"^drillscope (\w+)", README, re.M))
    assert commands - shown == set()


def test_layout_names_existing_paths() -> None:
    paths = re.findall(r"^\| `([^`]+)` \|", _section("Layout"), re.M)
    assert paths
    for p in paths:
        assert (REPO / p.split(" ")[0]).exists(), p
