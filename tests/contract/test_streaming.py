"""Large inputs stream: the block reader and every streamed parser give exactly the rows and counts of the
in-memory path (forced here with tiny thresholds: STREAM_BYTES = 0 streams every file, small blocks cut
records often so state crosses blocks); `drillscope --help` loads no heavy module."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest

from drillscope.ingest import pipeline
from drillscope.ingest.context import DrillConfig, FileContext
from drillscope.ingest.parsers import bosh_debug
from drillscope.ingest.parsers.cf import log_lines as cf_log_lines
from drillscope.ingest.parsers.healthwatch import csv_export as _hw_csv
from tests.conftest import FIXTURES, REPO, Lake

BOSH = [
    FIXTURES / "bosh_debug" / "task_1234_debug.log",
    FIXTURES / "bosh_debug" / "task_1240_error_debug.log",
    FIXTURES / "bosh_debug" / "health_monitor_onset.log",
]

FILE_COLS = (
    "source_file, source_type, sha256, bytes, lines, parsed_lines, quarantined, ignorable, rows, status"
)


def _snapshot(lake: Lake, drill: str, tables: list[str]) -> dict[str, list[dict]]:
    got = {
        "ingest_files": lake.q(
            f"select {FILE_COLS}, message from ingest_files where drill = '{drill}' order by source_file"
        )
    }
    for t in tables:
        got[t] = lake.q(f"select * exclude (drill) from {t} where drill = '{drill}' order by all")
    return got


def _both_ways(
    lake: Lake,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, bytes],
    tables: list[str],
    toml: str | None = None,
) -> tuple[dict, dict]:
    """Ingest the same files in memory (drill `mem`) and streamed in tiny blocks (drill `str`)."""
    lake.drill("mem", toml=toml and toml.replace("ID", "mem"), **files)
    lake.ingest(lake.tmp / "mem")
    mem = _snapshot(lake, "mem", tables)
    monkeypatch.setattr(pipeline, "STREAM_BYTES", 0)
    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 777)  # odd stream chunks: blocks join and cut them
    lake.drill("str", toml=toml and toml.replace("ID", "str"), **files)
    lake.ingest(lake.tmp / "str")
    streamed = _snapshot(lake, "str", tables)
    return mem, streamed


# --- the block reader ----------------------------------------------------------------------------------
class _NoSink:
    def write(self, table: str, batch: object, *_: object) -> None:  # pragma: no cover - nothing emitted here
        raise AssertionError(table)


def _ctx(tmp_path: Path, data: bytes, streamed: bool, chunk: int = 5) -> FileContext:
    cfg = DrillConfig(id="d", root=tmp_path)
    if not streamed:
        return FileContext(cfg, "x", tmp_path / "x", data, _NoSink())

    def stream():  # noqa: ANN202
        for i in range(0, len(data), chunk):
            yield data[i : i + chunk]

    return FileContext(cfg, "x", tmp_path / "x", None, _NoSink(), stream=stream)


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"one line, no newline",
        b"a\nbb\n\nccc\r\ndddd\n",
        b"\xef\xbb\xbfbom first\nsecond\nthird without newline",
        b"x" * 50 + b"\n" + b"y\n" * 30 + b"z" * 40,
    ],
)
def test_blocks_cover_the_input_at_line_ends(tmp_path: Path, data: bytes, streamed: bool) -> None:
    ctx = _ctx(tmp_path, data, streamed)
    blocks, offsets, lasts = [], [], []
    for b in ctx.blocks(8):
        blocks.append(b)
        offsets.append(ctx.line_offset)
        lasts.append(ctx.last_block)
    body = data.removeprefix(b"\xef\xbb\xbf")
    assert b"".join(blocks) == body
    assert all(b.endswith(b"\n") for b in blocks[:-1]) and all(blocks)
    assert lasts == [False] * (len(blocks) - 1) + [True] * bool(blocks)
    # line_offset is the number of physical lines before each block
    want, n = [], 0
    for b in blocks:
        want.append(n)
        n += b.count(b"\n")
    assert offsets == want


def test_blocks_cut_at_record_heads(tmp_path: Path) -> None:
    data = b"".join(b"HEAD %d\n  cont\n  cont\n" % i for i in range(40))
    cut = re.compile(rb"\n(?=HEAD )")
    for streamed in (False, True):
        blocks = list(_ctx(tmp_path, data, streamed, chunk=13).blocks(30, cut=cut))
        assert b"".join(blocks) == data and len(blocks) > 5
        assert all(b.startswith(b"HEAD ") for b in blocks)


# --- streamed parsers: identical rows and counts ---------------------------------------------------------
def test_bosh_debug_streamed_equals_in_memory(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bosh_debug, "BLOCK_BYTES", 3000)
    files = {p.name: p.read_bytes() for p in BOSH}
    files["task_1234_debug.log.gz"] = gzip.compress(files.pop("task_1234_debug.log"))
    mem, streamed = _both_ways(lake, monkeypatch, files, ["events", "bosh_tasks", "quarantine"])
    assert streamed == mem
    assert [f["status"] for f in mem["ingest_files"]] == ["ok", "ok", "ok"]
    assert len(mem["events"]) == 101 + 17 + 68


def test_cf_logs_streamed_equals_in_memory(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cf_log_lines, "BLOCK_BYTES", 2000)
    one = (FIXTURES / "cf" / "cf_logs_recent.txt").read_bytes()
    files = {"logs.txt": one * 3, "logs_crlf.txt": one.replace(b"\n", b"\r\n") + b"tail without newline"}
    toml = 'id = "ID"\ntimezone = "Asia/Seoul"\n'
    mem, streamed = _both_ways(lake, monkeypatch, files, ["probes", "events", "quarantine"], toml=toml)
    assert streamed == mem
    assert len([p for p in mem["probes"] if p["capability"] == "app_traffic"]) == 3 * 44 + 44
    assert {f["status"] for f in mem["ingest_files"]} <= {"ok", "partial"}


HW_LONG = (FIXTURES / "healthwatch" / "healthwatch_v1_indicators_long.csv").read_bytes()
# edge rows for the vectorized long-CSV path: each must end as the row path ends it
HW_EDGES = b"""\
2019-01-03T10:59:05.1+09:00,healthwatch,health.check.cliCommand.push,-1,,p-hw,healthwatch-forwarder,0
2019-01-03T10:59:06Z,healthwatch,health.check.cliCommand.push,0,,p-hw,healthwatch-forwarder,0
2019-01-03T10:59:07+09:00,healthwatch,Diego.AvailableFreeChunks,NaN,count,p-hw,healthwatch-forwarder,0
2019-01-03T10:59:08+09:00,healthwatch,Diego.AvailableFreeChunks,null,count,p-hw,healthwatch-forwarder,0
2019-01-03T10:59:09+09:00,healthwatch,Diego.AvailableFreeChunks,,count,p-hw,healthwatch-forwarder,0
2019-01-03T10:59:10+09:00,healthwatch,Diego.AvailableFreeChunks,12abc,count,p-hw,healthwatch-forwarder,0
2019-01-03T10:59:11+09:00,healthwatch,,5,count,p-hw,healthwatch-forwarder,0
2019-01-03 10:59:12,healthwatch,Diego.AvailableFreeChunks,7,count,p-hw,healthwatch-forwarder,0
1546480753000,healthwatch,Diego.AvailableFreeChunks,inf,count,p-hw,healthwatch-forwarder,0
yesterday,healthwatch,Diego.AvailableFreeChunks,8,count,p-hw,healthwatch-forwarder,0
2019-01-03T10:59:14+09:00,healthwatch,Diego.AvailableFreeChunks,9,count,p-hw
2019-01-03T10:59:15+09:00,healthwatch,"probe_success{instance=""https://opsman.example.com""}",1,,p-hw,bb,0

  2019-01-03T10:59:16+09:00 , healthwatch , Diego.AvailableFreeChunks , 10 , count , p-hw , healthwatch-forwarder , 0
2019-01-03T10:59:00+09:00,healthwatch,Diego.AvailableFreeChunks,11,count,p-hw,healthwatch-forwarder,0
"""


# the same edges with no quote in them: their blocks go through polars' CSV reader, not the line splitter
HW_EDGES_UNQUOTED = b"\n".join(ln for ln in HW_EDGES.split(b"\n") if b'"' not in ln) + (
    b"2019-01-03T10:59:18+09:00,healthwatch,Diego.AvailableFreeChunks,2,count,p-hw,healthwatch-forwarder,\n"
    b"2019-01-03T10:59:19+09:00,healthwatch,Diego.AvailableFreeChunks,3,count,p-hw,healthwatch-forwarder\n"
    b"2019-1-3T10:59:20+09:00,healthwatch,Diego.AvailableFreeChunks,4,count,p-hw,healthwatch-forwarder,0\n"
    b"2019-01-03T10:59:21+09:00,healthwatch,Diego.AvailableFreeChunks,1_000,count,p-hw,healthwatch-forwarder,0\n"
    b"2019-01-03T10:59:22+09:00,healthwatch,Diego.AvailableFreeChunks,NULL,count,p-hw,healthwatch-forwarder,0\n"
    b"   \n"
    b"2019-01-03T10:59:23.123456+09:00,healthwatch,Diego.AvailableFreeChunks,+5e-1,count,p-hw,healthwatch-forwarder,0"
)
HW_VARIANTS = {
    "plain": HW_LONG,
    "edges": HW_LONG + HW_EDGES,
    "unquoted": HW_LONG + HW_EDGES_UNQUOTED,
    "crlf": (HW_LONG + HW_EDGES_UNQUOTED).replace(b"\n", b"\r\n"),
    # a row with too many fields: polars' reader declines its block, the line splitter takes it
    "extra_field": HW_LONG.replace(b"\n", b",extra\n", 30).replace(b",extra\n", b"\n", 29),
}
HW_QUARANTINED = {"plain": 0, "edges": 4, "unquoted": 6, "crlf": 6, "extra_field": 1}


@pytest.mark.parametrize("variant", list(HW_VARIANTS))
def test_healthwatch_long_csv_fast_path_equals_row_path(
    lake: Lake, monkeypatch: pytest.MonkeyPatch, variant: str
) -> None:
    """The vectorized, streamed long-CSV reader against the row-by-row reader it replaces for big files."""
    data = HW_VARIANTS[variant]
    toml = 'id = "ID"\ntimezone = "Asia/Seoul"\n'
    tables = ["metrics", "probes", "quarantine"]
    monkeypatch.setattr(_hw_csv, "fast_long", lambda ctx: False)
    lake.drill("rows", toml=toml.replace("ID", "rows"), **{"long.csv": data})
    lake.ingest(lake.tmp / "rows")
    want = _snapshot(lake, "rows", tables)
    monkeypatch.undo()
    monkeypatch.setattr(_hw_csv, "FAST_BYTES", 1500)
    mem, streamed = _both_ways(lake, monkeypatch, {"long.csv": data}, tables, toml=toml)
    assert mem == want
    assert streamed == want
    assert len(want["metrics"]) >= 160 and {p["status"] for p in want["probes"]} >= {"ok", "failed"}
    assert len(want["quarantine"]) == HW_QUARANTINED[variant]
    assert want["ingest_files"][0]["status"] == ("partial" if HW_QUARANTINED[variant] else "ok")


def test_healthwatch_csv_grafana_frames_take_the_row_path(lake: Lake) -> None:
    src = (FIXTURES / "healthwatch" / "grafana7_frames_epoch_ms_bad_rows.csv").read_bytes()
    lake.drill("g", **{"g.csv": src})
    (r,) = lake.ingest(lake.tmp / "g")
    assert r.lines == r.parsed_lines + r.quarantined + r.ignorable and r.rows > 0


def test_streamed_truncated_gzip_is_an_error(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "STREAM_BYTES", 0)
    d = lake.drill("d", **{"t.log.gz": gzip.compress(BOSH[0].read_bytes())[:-200]})
    (r,) = pipeline.ingest_inputs([d], lake.out)
    assert r.status == "error" and "truncated gzip" in r.message


def test_unreadable_input_is_in_ingest_files_until_it_reads(lake: Lake) -> None:
    """An input that cannot be read has no sha256, yet the database lists it as an error; once it reads, that
    row is gone and the file's own row and rows take its place."""
    good = BOSH[0].read_bytes()
    d = lake.drill("d", **{"t.log.gz": gzip.compress(good)[:-200]})
    lake.ingest(d)
    q = "select source_file, sha256, status, message from ingest_files"
    assert lake.q(q) == [
        {"source_file": "t.log.gz", "sha256": None, "status": "error",
         "message": "truncated gzip file (the end of the stream is missing)"},
    ]  # fmt: skip
    (d / "t.log.gz").write_bytes(gzip.compress(good))
    lake.ingest(d)
    (row,) = lake.q(q)
    assert row["status"] == "ok" and row["sha256"] and lake.one("select count(*) from events") > 0


# --- drillscope --help ---------------------------------------------------------------------------------
def test_help_imports_no_heavy_module() -> None:
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "drillscope.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    assert "Usage" in p.stdout
    modules = {ln.split("|")[-1].strip() for ln in p.stderr.splitlines() if ln.startswith("import time:")}
    heavy = {m for m in modules if m.split(".")[0] in ("polars", "duckdb", "altair", "vl_convert")}
    assert not heavy, sorted(heavy)[:10]


def test_progress_moves_through_a_streamed_file(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bar advances block by block inside a big input (in file bytes, a .gz scaled to its size) and
    each file adds up to exactly its size."""
    monkeypatch.setattr(pipeline, "STREAM_BYTES", 0)
    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 777)
    monkeypatch.setattr(_hw_csv, "FAST_BYTES", 1500)
    d = lake.drill("p", **{"long.csv": HW_LONG, "long2.csv.gz": gzip.compress(HW_LONG + b"\n")})
    steps: list[tuple[str, int]] = []
    pipeline.ingest_inputs([d], lake.out, progress=lambda name, n: steps.append((name, n)))
    for name in ("long.csv", "long2.csv.gz"):
        mine = [n for label, n in steps if label == f"p/{name}"]
        assert sum(mine) == (d / name).stat().st_size
        assert len(mine) > 3 and all(n >= 0 for n in mine)


# -- the live first pass: a large plain file is hashed, counted and scanned for secrets while it is parsed


def _debug_log_with_key() -> bytes:
    """A director log whose multi-line record holds a private key (a manifest dumped in a debug record)."""
    log = BOSH[0].read_text(encoding="utf-8").splitlines(keepends=True)
    key = [
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "MIIEowIBAAKCAQEAzSECRETbodyline1abcdefghijklmnopqrstuvwxyz0123456789\n",
        "-----END RSA PRIVATE KEY-----\n",
    ]
    return "".join(log[:40] + key + log[40:]).encode()


def test_live_pass_with_a_secret_parses_again_knowing_it(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key found by the live pass: the file is parsed again with its lines known, so its rows, counts
    and redaction marks are those of a first pass run before the parse (the key's lines blanked whole)."""
    data = _debug_log_with_key()
    calls: list[int] = []
    real = bosh_debug.parse
    monkeypatch.setattr(bosh_debug, "parse", lambda ctx: (calls.append(1), real(ctx))[1])
    monkeypatch.setattr(pipeline, "STREAM_BYTES", 0)
    tables = ["log_lines", "events", "bosh_tasks"]
    lake.ingest(lake.drill("live", **{"debug.log": data}))
    live = _snapshot(lake, "live", tables)
    assert len(calls) == 2  # the live parse, then again knowing the key's lines
    with monkeypatch.context() as m:
        m.setattr(pipeline, "start_scan", pipeline.scan_input)  # the first pass before the parse
        lake.ingest(lake.drill("first", **{"debug.log": data}))
    assert live == _snapshot(lake, "first", tables) and len(calls) == 3
    marks = lake.q("select drill, redactions from ingest_files order by drill")
    assert marks[0]["redactions"] == marks[1]["redactions"] > 0
    assert "SECRET" not in str(lake.q("select message from log_lines"))


def test_live_pass_duplicate_is_parsed_once(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two large files with the same content: the second's rows (written before its sha256 was known) are
    dropped, it is listed as the duplicate of the first, and no temp file is left."""
    monkeypatch.setattr(pipeline, "STREAM_BYTES", 0)
    data = BOSH[0].read_bytes()
    d = lake.drill("dup", **{"a/debug.log": data, "b/debug.log": data})
    a, b = lake.ingest(d)
    assert (a.status, b.status, b.source_type) == ("ok", "duplicate", "bosh_debug")
    assert a.sha256 == b.sha256 and a.also_seen_as == ["b/debug.log"]
    rows = lake.one("select count(*) from log_lines")
    assert rows == lake.one("select count(distinct source_line) from log_lines") > 100
    assert not list(lake.out.rglob("*.tmp")) and not list(lake.out.rglob("live-*"))
    assert lake.q("select source_file, also_seen_as from ingest_files") == [
        {"source_file": "a/debug.log", "also_seen_as": "b/debug.log"}
    ]


def test_live_pass_file_changed_while_parsed(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    """Appended to while its parser reads it: no row kept, the file reported as changed."""
    monkeypatch.setattr(pipeline, "STREAM_BYTES", 0)
    d = lake.drill("chg", **{"debug.log": BOSH[0].read_bytes()})
    real = bosh_debug.parse

    def parse_then_append(ctx: FileContext) -> None:
        real(ctx)
        with open(d / "debug.log", "ab") as fh:
            fh.write(b"I, [2019-01-03T02:20:00.000000 #1] []  INFO -- DirectorJobRunner: still writing\n")

    monkeypatch.setattr(bosh_debug, "parse", parse_then_append)
    (r,) = lake.ingest(d)
    assert (r.status, r.message) == ("error", pipeline.CHANGED)
    assert lake.one("select count(*) from log_lines") == 0 and lake.one("select count(*) from events") == 0
