"""One probe matrix: every format fixture is accepted by its own parser's probe and declined by every other.

A fixture's type is its folder (`tests/fixtures/<source_type>/`), with two folders that hold related kinds:
`bosh_task/` also holds `--event` JSON lines (`*.jsonl`: bosh_event_log) and `cf/` holds the three cf kinds,
named by their prefix. Each parser's own `SAMPLE` is checked the same way.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from drillscope.ingest.context import decode
from drillscope.ingest.registry import PROBE_BYTES, detect, parsers

FIXTURES = Path(__file__).parents[1] / "fixtures"
FORMAT_DIRS = ("bosh_debug", "bosh_table", "bosh_task", "cf", "email", "healthwatch", "notes")
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def expected_type(path: Path) -> str:
    folder = path.relative_to(FIXTURES).parts[0]
    if folder == "bosh_task" and path.suffix == ".jsonl":
        return "bosh_event_log"
    if folder == "cf":
        return next((t for t in ("cf_events", "cf_logs") if path.name.startswith(t)), "cf_cli")
    return folder


def head(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return decode(data[:PROBE_BYTES])[0]


FILES = sorted(p for d in FORMAT_DIRS for p in (FIXTURES / d).rglob("*") if p.is_file())


def test_every_parser_has_fixtures() -> None:
    assert {m.NAME for m in parsers()} == {expected_type(p) for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_is_accepted_by_its_parser_only(path: Path) -> None:
    text = head(path)
    assert [m.NAME for m in parsers() if m.probe(text)] == [expected_type(path)]


@pytest.mark.parametrize("mod", parsers(), ids=lambda m: m.NAME)
def test_sample_is_accepted_by_its_parser_only(mod) -> None:
    assert [m.NAME for m in parsers() if m.probe(mod.SAMPLE)] == [mod.NAME]
    assert detect(mod.SAMPLE) is mod


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "drill.toml"),
    ids=lambda p: str(p.relative_to(SAMPLES)),
)
def test_bundled_samples_are_each_one_format(path: Path) -> None:
    assert len([m for m in parsers() if m.probe(head(path))]) == 1
