"""availability_quarterly on hand-made inputs: exact windows (DST), downtime across a quarter boundary, gaps,
planned vs unplanned downtime, budget; and the `quarterly` command."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from drillscope.build import build
from drillscope.ingest.lake import write_atomic
from drillscope.output import rows
from drillscope.query import query
from tests.browser import check_page, needs_chromium
from tests.conftest import commit_inputs

NY = ZoneInfo("America/New_York")


def ny(*a: int) -> datetime:
    return datetime(*a, tzinfo=NY).astimezone(UTC)


def probe(drill: str, ts: datetime, ok: bool, cap: str = "cf_push", line: int = 1) -> dict:
    return {
        "drill": drill,
        "ts": ts,
        "capability": cap,
        "ok": ok,
        "status": "ok" if ok else "failed",
        "interval_s": 300.0,
        "source_type": "healthwatch",
        "source_file": "hw.csv",
        "source_line": line,
    }


def folder(lake: Path, drill: str, kind: str, **kw) -> None:
    row = {"drill": drill, "kind": kind, "foundation": "F", "timezone": "America/New_York", "has_toml": True}
    row.update(kw)
    write_atomic(lake, "drills", drill, "drill", [row])


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("q")
    lake = out / "lake"
    folder(lake, "mon-F", "monitoring")
    # 5-minute checks from 2019-03-31 23:00 to 2019-04-01 01:00 New York time:
    # failing 23:50 .. 00:15 (first pass at 00:20): 10 min down in Q1, 20 min in Q2
    t, probes, i = ny(2019, 3, 31, 23, 0), [], 0
    while t <= ny(2019, 4, 1, 1, 0):
        local = t.astimezone(NY)
        failing = (local.day == 31 and local.hour == 23 and local.minute >= 50) or (
            local.day == 1 and local.hour == 0 and local.minute < 20
        )
        # a gap: no checks 00:40 .. 00:50 (the 00:35 check covers 5 min, then 10 min unknown)
        if not (local.day == 1 and local.hour == 0 and 40 <= local.minute < 50):
            probes.append(probe("mon-F", t, not failing, line=i + 2))
        t += timedelta(minutes=5)
        i += 1
    # a second check in January during a drill: down 10:00 .. 10:30 (planned: the drill window is 10:00 .. 11:00)
    probes += [
        probe("mon-F", ny(2019, 1, 10, 10, 0), False, line=900),
        probe("mon-F", ny(2019, 1, 10, 10, 30), True, line=901),
    ]
    write_atomic(lake, "probes", "mon-F", "p", probes)
    folder(
        lake,
        "drill-F",
        "drill",
        injected_at=ny(2019, 1, 10, 10, 0),
        recovered_at=ny(2019, 1, 10, 11, 0),
    )
    commit_inputs(lake)
    build(out)
    return out


def q(out: Path, sql: str) -> list[dict]:
    return rows(query(out, sql))


def test_quarter_windows_follow_dst(out: Path) -> None:
    got = q(
        out, "select quarter, window_start, window_end, window_s from availability_quarterly order by quarter"
    )
    assert got == [
        {
            "quarter": "2019Q1",
            "window_start": "2019-01-01T05:00:00+00:00",
            "window_end": "2019-04-01T04:00:00+00:00",
            "window_s": 90 * 86400 - 3600,  # the spring-forward hour is missing
        },
        {
            "quarter": "2019Q2",
            "window_start": "2019-04-01T04:00:00+00:00",
            "window_end": "2019-07-01T04:00:00+00:00",
            "window_s": 91 * 86400,
        },
    ]


def test_downtime_split_at_the_boundary_and_planned(out: Path) -> None:
    got = {
        r["quarter"]: r
        for r in q(
            out,
            "select quarter, downtime_s, planned_downtime_s, unknown_s, availability, availability_min,"
            " budget_used, slo from availability_quarterly",
        )
    }
    q1, q2 = got["2019Q1"], got["2019Q2"]
    assert (q1["downtime_s"], q1["planned_downtime_s"]) == (600 + 1800, 1800)
    assert (q2["downtime_s"], q2["planned_downtime_s"]) == (1200, 0)
    # Q1 up: the 00:00..23:45 checks each 5 min on 31 Mar (10 checks = 3000 s) + the 10:30 check (300 s)
    assert q1["unknown_s"] == (90 * 86400 - 3600) - 2400 - 3300
    # Q2 up: 00:20 .. 01:00 checks (9) minus the 00:40, 00:45 gap = 7 checks = 2100 s
    assert q2["unknown_s"] == 91 * 86400 - 1200 - 2100
    assert q1["availability"] == pytest.approx(1 - 2400 / (90 * 86400 - 3600))
    assert q1["availability_min"] == pytest.approx(3300 / (90 * 86400 - 3600))
    assert q1["slo"] == 0.999
    assert q1["budget_used"] == pytest.approx(2400 / (0.001 * (90 * 86400 - 3600)))


def test_quarterly_command(out: Path) -> None:
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "drillscope.cli",
            "quarterly",
            "2019Q1",
            "--slo",
            "99.5",
            "--out",
            str(out),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    import json

    (row,) = json.loads(p.stdout)
    assert row["foundation"] == "F" and row["capability"] == "cf_push"
    assert row["downtime_s"] == 2400 and row["planned_downtime_s"] == 1800
    assert row["budget_used"] == pytest.approx(2400 / (0.005 * (90 * 86400 - 3600)))
    page = out / "report" / "quarterly" / "2019Q1.html"
    html = page.read_text(encoding="utf-8")
    # durations to the second; past a day with days, as the terminal table writes them (89d21h)
    assert "<td class=num>40m00s</td>" in html and "<td class=num>89d21h25m00s " in html
    bad = subprocess.run(
        [sys.executable, "-m", "drillscope.cli", "quarterly", "2019-1", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "QUARTER like 2019Q1" in bad.stderr and "Traceback" not in bad.stderr


@needs_chromium
def test_quarterly_page_offline_in_chromium(out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "drillscope.cli", "quarterly", "2019Q1", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    res = check_page(out / "report" / "quarterly" / "2019Q1.html", "quarterly-2019Q1.png", ("#quarterly",))
    assert res.charts == 4  # availability, burn-down, trend, and the quarter's one drill
    assert "cf_push" in res.texts["#quarterly"]
    assert (res.errors, res.blocked, res.dialogs) == ([], [], [])


def test_quarterly_terminal_table_fits_80_columns(out: Path) -> None:
    """The table people read: availability in %, durations like 1h30m, no line past COLUMNS (here a pipe)."""
    import os

    p = subprocess.run(
        [sys.executable, "-m", "drillscope.cli", "quarterly", "2019Q1", "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert p.returncode == 0, p.stderr
    table = p.stdout.split("report:")[0]
    assert max(len(line) for line in table.splitlines()) <= 80, table
    (row,) = [line.split() for line in table.splitlines() if "cf_push" in line]
    # 2,400 s down of 7,772,400 (Q1 2019 in New York: 90 days less the DST hour); all but 3,300 s of the quarter
    # unobserved: the lower bound is 0.0425 % and the verdict "unknown", not "yes"
    assert row == ["cf_push", "99.9691%", "0.0425%", "99.9%", "40m", "89d21h", "30.9%", "unknown"]
    assert "availability 2019Q1 · F" in table
