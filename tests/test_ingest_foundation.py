"""The ingest driver: discovery, gzip, duplicates, idempotence, conservation, bad files, drill.toml."""

from __future__ import annotations

import gzip
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from drillscope.errors import InputError
from drillscope.ingest.context import DrillConfig
from tests.conftest import Lake

EVENTS = (
    '{"time":1546480288,"stage":"Applying problem resolutions","tags":[],"total":1,"task":"VM for '
    "'nats/66c0b1a2-0000-4000-8000-0000000047c3 (0)' with cloud ID 'vm-1' is not responding. "
    '(unresponsive_agent 269): Reboot VM","index":1,"state":"started","progress":0}\n'
    '{"time":1546480379,"stage":"Applying problem resolutions","tags":[],"total":1,"task":"VM for '
    "'nats/66c0b1a2-0000-4000-8000-0000000047c3 (0)' with cloud ID 'vm-1' is not responding. "
    '(unresponsive_agent 269): Reboot VM","index":1,"state":"finished","progress":100}\n'
)


def test_gzip_copy_and_duplicate_count_once(lake: Lake) -> None:
    d = lake.drill(
        "d1", **{"a.jsonl": EVENTS, "sub__b.jsonl": EVENTS, "c.jsonl.gz": gzip.compress(EVENTS.encode())}
    )
    res = lake.ingest(d)
    assert sorted(r.status for r in res) == ["duplicate", "duplicate", "ok"]
    assert lake.one("select count(*) from cck_problems") == 1
    files = lake.q("select source_file, also_seen_as, lines, parsed_lines from ingest_files")
    assert files == [
        {"source_file": "a.jsonl", "also_seen_as": "c.jsonl.gz\nsub/b.jsonl", "lines": 2, "parsed_lines": 2}
    ]


def test_reingest_replaces_rows(lake: Lake) -> None:
    d = lake.drill("d1", **{"a.jsonl": EVENTS})
    lake.ingest(d)
    lake.ingest(d)
    assert lake.one("select count(*) from events") == 2
    # the file changes: its old rows go, the new ones come
    (d / "a.jsonl").write_text(EVENTS.splitlines()[0] + "\n", encoding="utf-8")
    lake.ingest(d)
    assert lake.one("select count(*) from events") == 1
    assert lake.one("select count(*) from ingest_files") == 1


def test_conservation_and_quarantine(lake: Lake) -> None:
    d = lake.drill("d1", **{"a.jsonl": EVENTS + "\n" + '{"time":15464803' + "\n"})
    (r,) = lake.ingest(d)
    assert (r.lines, r.parsed_lines, r.ignorable, r.quarantined, r.status) == (4, 2, 1, 1, "partial")
    q = lake.q("select source_file, source_line, reason, raw from quarantine")
    assert q == [
        {
            "source_file": "a.jsonl",
            "source_line": 4,
            "reason": "not a BOSH event JSON object",
            "raw": '{"time":15464803',
        }
    ]


def test_unrecognized_binary_truncated_gzip(lake: Lake) -> None:
    d = lake.drill(
        "d1",
        **{
            "x.txt": "nothing to see\n",
            "b.bin": b"\x00\x01\x02",
            "t.gz": gzip.compress(EVENTS.encode())[:40],
        },
    )
    res = {r.source_file: r for r in lake.ingest(d)}
    assert res["x.txt"].status == "unrecognized"
    assert res["b.bin"].message == "binary file"
    assert res["t.gz"].status == "error" and "truncated gzip" in res["t.gz"].message
    assert lake.q("select source_file, sha256 is null as no_hash from ingest_files order by source_file") == [
        {"source_file": "b.bin", "no_hash": False},
        {"source_file": "t.gz", "no_hash": True},  # unreadable: listed, with no content hash
        {"source_file": "x.txt", "no_hash": False},
    ]


def test_no_temp_files_left(lake: Lake) -> None:
    d = lake.drill("d1", **{"a.jsonl": EVENTS})
    lake.ingest(d)
    assert not list(lake.out.rglob("*.tmp"))
    for f in lake.out.rglob("*.parquet"):
        pq.read_table(f)


def test_drill_toml(tmp_path) -> None:
    d = tmp_path / "x"
    d.mkdir()
    (d / "drill.toml").write_text(
        'id = "2019-01-03-az1"\ntimezone = "Asia/Seoul"\ninjected_at = "2019-01-03T10:25:00+09:00"\n'
    )
    cfg = DrillConfig.load(d)
    assert cfg.id == "2019-01-03-az1"
    assert cfg.injected_at.isoformat() == "2019-01-03T01:25:00+00:00"
    assert str(cfg.date) == "2019-01-03"
    (d / "drill.toml").write_text('timezone = "Mars/Olympus"\n')
    with pytest.raises(InputError, match="unknown time zone timezone = 'Mars/Olympus'"):
        DrillConfig.load(d)
    (d / "drill.toml").write_text("timezone = \n")
    with pytest.raises(InputError, match="malformed drill.toml"):
        DrillConfig.load(d)


def test_cli_bad_toml_is_one_line(tmp_path) -> None:
    d = tmp_path / "x"
    d.mkdir()
    (d / "drill.toml").write_text('timezone = "Nowhere/Else"\n')
    p = subprocess.run(
        [sys.executable, "-m", "drillscope.cli", "ingest", str(d), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().splitlines() == [
        f"error: {d}/drill.toml: unknown time zone timezone = 'Nowhere/Else' (use an IANA name such as Asia/Seoul)"
    ]
