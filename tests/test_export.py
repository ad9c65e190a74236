"""`drillscope export`: Timesketch JSONL and l2tcsv carry valid instants and every row of the timeline."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from drillscope.build import build
from drillscope.errors import UsageError
from drillscope.export import L2T_COLUMNS, export
from tests.conftest import FIXTURES, Lake, commit_inputs
from tests.test_report import DRILL, _lake


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    _lake(out)
    commit_inputs(out / "lake")
    build(out)
    return out


def test_timesketch(out: Path) -> None:
    path, n = export(out, "timesketch")
    lines = path.read_text(encoding="utf-8").splitlines()
    # 40 probes + 1 alert + 2 events + the task's start and end + 3 milestones + the outage's start and end + the
    # operator's marker
    assert n == len(lines) == 51
    recs = [json.loads(x) for x in lines]
    for r in recs:
        assert r["message"] and r["timestamp_desc"] and r["datetime"]
        dt = datetime.fromisoformat(r["datetime"])
        assert dt.utcoffset() is not None and r["timestamp"] == int(dt.timestamp() * 1e6)
    first_fail = next(r for r in recs if r["kind"] == "probe" and "failed" in r["message"])
    assert first_fail["datetime"] == "2019-01-03T01:29:00+00:00"
    assert first_fail["source_file"] == "cf/push_probe.log" and first_fail["drill"] == DRILL
    assert [r["datetime"] for r in recs] == sorted(r["datetime"] for r in recs)
    milestones = [
        (r["timestamp_desc"], r["datetime"], r["source_file"]) for r in recs if r["kind"] == "milestone"
    ]
    assert (
        milestones
        == [
            (
                "drill injection",
                "2019-01-03T01:25:00+00:00",
                None,
            ),  # drill.toml: no file of the lake, no line
            ("drill detection", "2019-01-03T01:28:00+00:00", "mail/01.eml"),
            ("drill recovery", "2019-01-03T02:17:07+00:00", "bosh/cck_console.txt"),
        ]
        or milestones[0][2] == "drill.toml"
    )
    edges = [
        (r["timestamp_desc"], r["datetime"], r["source_line"], r["message"])
        for r in recs
        if r["kind"] == "outage"
    ]
    assert edges == [
        ("outage start", "2019-01-03T01:29:00+00:00", 91, "cf_push down 840 s (until 2019-01-03T01:43:00Z)"),
        ("outage end", "2019-01-03T01:43:00+00:00", 231, "cf_push up again after 840 s down"),
    ]
    (marker,) = [r for r in recs if r["kind"] == "marker"]
    assert {
        k: marker[k] for k in ("datetime", "timestamp_desc", "message", "source_file", "source_line")
    } == {
        "datetime": "2019-01-03T01:47:00+00:00",
        "timestamp_desc": "operator marker",
        "message": "marker: AZ2 network restored",
        "source_file": "drill.toml",
        "source_line": None,
    }


def test_l2tcsv(out: Path) -> None:
    path, n = export(out, "l2tcsv", [DRILL])
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 2 == n == 51  # one physical line per record, after the header
    rows = [dict(zip(L2T_COLUMNS, line.split(","), strict=True)) for line in lines[1:-1]]
    assert lines[0].split(",") == L2T_COLUMNS
    task_end = next(r for r in rows if r["type"] == "task finished")
    assert (task_end["date"], task_end["time"], task_end["timezone"]) == ("01/03/2019", "02:17:07", "UTC")
    assert task_end["filename"] == "bosh/cck_console.txt:30"
    marker = next(r for r in rows if r["type"] == "operator marker")
    assert (marker["date"], marker["time"], marker["sourcetype"], marker["desc"], marker["filename"]) == (
        "01/03/2019",
        "01:47:00",
        "marker",
        "marker: AZ2 network restored",
        "drill.toml",
    )


def test_csv(out: Path) -> None:
    import csv

    path, n = export(out, "csv")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == 51
    (marker,) = [r for r in rows if r["timestamp_desc"] == "operator marker"]
    assert marker == {
        "drill": DRILL,
        "ts": "2019-01-03T01:47:00+00:00",
        "timestamp_desc": "operator marker",
        "source_type": "drill.toml",
        "kind": "marker",
        "severity": "",
        "capability": "",
        "message": "marker: AZ2 network restored",
        "source_file": "drill.toml",
        "source_line": "",
    }


def test_bad_format_and_drill(out: Path) -> None:
    with pytest.raises(UsageError, match="use one of timesketch, l2tcsv, csv, parquet"):
        export(out, "xml")
    with pytest.raises(UsageError, match="unknown drill"):
        export(out, "csv", ["nope"])


def test_timesketch_forwarded_mail_has_a_timestamp_desc(lake: Lake) -> None:
    # a forward (`FW: …`) is a notification with no alert state: its row still says what its instant means
    lake.ingest(lake.copy(FIXTURES / "email" / "03_forward_euckr_20190103_1036.eml", "d1"))
    path, n = export(lake.out, "timesketch")
    recs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert n == len(recs) == 2  # the alerts row and the email_notification event
    assert all(isinstance(r["timestamp_desc"], str) and r["timestamp_desc"] for r in recs)
    assert sorted((r["datetime"], r["timestamp_desc"]) for r in recs) == [
        ("2019-01-03T01:36:12+00:00", "notification sent"),
        ("2019-01-03T01:36:12+00:00", "sent (email_notification)"),
    ]


def test_l2tcsv_never_quotes(tmp_path: Path) -> None:
    """plaso's l2tcsv writer never quotes: the delimiter becomes a space, a line break too, so a tool that splits
    on commas and newlines reads every record whole."""
    from datetime import UTC

    from drillscope.ingest.lake import write_atomic

    lake = tmp_path / "lake"
    write_atomic(
        lake, "drills", "d", "drill", [{"drill": "d", "kind": "drill", "timezone": "UTC", "has_toml": True}]
    )
    msg = 'cf push failed, retrying\nFAILED\r\nServer error, status code: 502 "Bad Gateway"\u2028end'
    write_atomic(
        lake,
        "events",
        "d",
        "e",
        [{"drill": "d", "ts": datetime(2019, 1, 3, 1, 29, tzinfo=UTC), "kind": "cf_error", "severity": "error",
          "message": msg, "source_type": "cf_cli", "source_file": "push, probe.log", "source_line": 7}],
    )  # fmt: skip
    commit_inputs(lake)
    build(tmp_path)
    path, n = export(tmp_path, "l2tcsv")
    lines = path.read_bytes().decode("utf-8").split("\n")
    assert n == 1 and len(lines) == 3 and lines[-1] == ""
    fields = lines[1].split(",")
    assert len(fields) == 17
    row = dict(zip(L2T_COLUMNS, fields, strict=True))
    assert row["desc"] == 'cf push failed  retrying FAILED Server error  status code: 502 "Bad Gateway" end'
    assert row["filename"] == "push  probe.log:7" and row["notes"] == "error"
    assert "\r" not in lines[1]
