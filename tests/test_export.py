"""`drillscope export`: Timesketch JSONL and l2tcsv carry valid instants and every row of the timeline."""

from __future__ import annotations

import csv
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
    # 40 probes + 1 alert + 2 events + the task's start and end
    assert n == len(lines) == 45
    recs = [json.loads(x) for x in lines]
    for r in recs:
        assert r["message"] and r["timestamp_desc"]
        dt = datetime.fromisoformat(r["datetime"])
        assert dt.utcoffset() is not None and r["timestamp"] == int(dt.timestamp() * 1e6)
    first_fail = next(r for r in recs if r["kind"] == "probe" and "failed" in r["message"])
    assert first_fail["datetime"] == "2019-01-03T01:29:00+00:00"
    assert first_fail["source_file"] == "cf/push_probe.log" and first_fail["drill"] == DRILL
    assert [r["datetime"] for r in recs] == sorted(r["datetime"] for r in recs)


def test_l2tcsv(out: Path) -> None:
    path, n = export(out, "l2tcsv", [DRILL])
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == L2T_COLUMNS and len(rows) == n == 45
    task_end = next(r for r in rows if r["type"] == "task finished")
    assert (task_end["date"], task_end["time"], task_end["timezone"]) == ("01/03/2019", "02:17:07", "UTC")
    assert task_end["filename"] == "bosh/cck_console.txt:30"


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
