"""The audits (sql/audits/*.sql): silent on clean lakes, firing with the offending rows on broken ones,
and `drillscope build` exiting 1 when any audit fires."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from drillscope.build import SQL_DIR, connect_session
from drillscope.output import rows as plain_rows
from tests.conftest import commit_inputs
from tests.sql.test_sql_models import (
    HandLake,
    duplicate_mails,
    flapping,
    inferred,
    midnight,
    still_open,
    two_sources,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def hand(tmp_path: Path) -> HandLake:
    return HandLake(tmp_path)


def clean(h: HandLake) -> None:
    for scenario in (flapping, still_open, two_sources, inferred, midnight, duplicate_mails):
        scenario(h)
    h.rows(
        "ingest_files",
        "flap",
        "loop/push.log",
        [{"source_type": "cf_cli", "sha256": "ab", "lines": 10, "parsed_lines": 7, "quarantined": 1,
          "ignorable": 2, "rows": 7, "status": "partial"}],
    )  # fmt: skip


def broken(h: HandLake) -> None:
    """One violation of each rule that data can break."""
    h.drill("bad", injected_at="2019-01-03T06:00:00+00:00", recovered_at="2019-01-03T05:00:00+00:00")
    h.rows(
        "probes",
        "bad",
        "push.log",
        [
            {"ts": "2019-01-03T04:59:00+00:00", "capability": "cf_push", "ok": True, "status": "ok"},
            {"ts": "2019-01-03T05:10:00+00:00", "capability": "cf_push", "ok": False, "status": "failed"},
            {"ts": "2019-01-03T05:12:00+00:00", "capability": "cf_push", "ok": False, "status": "failed"},
            {"ts": "2019-01-03T05:13:00+00:00", "capability": "healthwatch", "ok": None, "status": "not_run"},
            {"ts": "2019-01-03T05:14:00+00:00", "capability": "cf_login", "ok": True, "status": "ok",
             "source_line": None},
        ],
    )  # fmt: skip
    h.rows(
        "ingest_files",
        "bad",
        "push.log",
        [{"source_type": "cf_cli", "sha256": "cd", "lines": 10, "parsed_lines": 5, "quarantined": 1,
          "ignorable": 1, "rows": 5, "status": "ok"}],
    )  # fmt: skip
    h.rows(
        "bosh_tasks",
        "bad",
        "tasks.txt",
        [
            {"task_id": 1, "state": "done", "started_at": "2019-01-03T05:00:00+00:00", "source_line": None},
            {"task_id": 2, "state": "done", "started_at": "2019-01-03T05:00:00+00:00", "source_file": None},
        ],
    )


def test_audits_silent_on_clean_lake(hand: HandLake) -> None:
    clean(hand)
    res = hand.build()
    assert {a.name for a in res.audits} == {
        "provenance",
        "outage_order",
        "recovery_before_injection",
        "capability_without_observation",
        "failing_after_recovery",
        "ingest_conservation",
    }
    assert res.violations == 0, hand.audits()


def test_audits_fire_on_broken_lake(hand: HandLake) -> None:
    broken(hand)
    hand.build()
    assert hand.audits() == {
        "provenance": [
            {"table": "bosh_tasks", "drill": "bad", "source_file": None, "source_line": 2},
            {"table": "probes", "drill": "bad", "source_file": "push.log", "source_line": None},
        ],
        "recovery_before_injection": [
            {"drill": "bad", "injected_at": _utc("2019-01-03 06:00"), "injected_evidence": "drill.toml",
             "recovered_at": _utc("2019-01-03 05:00"), "recovered_evidence": "drill.toml", "ttr_s": -3600.0},
        ],
        "capability_without_observation": [{"drill": "bad", "capability": "healthwatch", "unknown_s": None}],
        "failing_after_recovery": [
            {"drill": "bad", "capability": "cf_push", "source_file": "push.log",
             "failing_at": _utc("2019-01-03 05:10"), "source_line": 2, "recovered_at": _utc("2019-01-03 05:00")},
        ],
        "ingest_conservation": [
            {"drill": "bad", "source_file": "push.log", "source_type": "cf_cli", "lines": 10, "parsed_lines": 5,
             "quarantined": 1, "ignorable": 1, "status": "ok"},
        ],
    }  # fmt: skip
    # the outage still failing after the recovery is clamped: it never ends before it starts
    assert hand.q("select started_at, ended_at, duration_s, open from outages") == [
        {"started_at": "2019-01-03T05:10:00+00:00", "ended_at": "2019-01-03T05:10:00+00:00", "duration_s": 0.0,
         "open": True}
    ]  # fmt: skip


def test_outage_order_audit_on_a_bad_outage_row() -> None:
    """No input can make the model emit an outage ending before its start; the audit guards the model."""
    con = duckdb.connect()
    connect_session(con)
    con.execute(
        "create table outages as select 'd' as drill, 'cf_push' as capability,"
        " timestamptz '2019-01-03 05:10:00+00' as started_at, timestamptz '2019-01-03 05:00:00+00' as ended_at,"
        " -600.0 as duration_s, false as open, 'a.log:3' as start_evidence, 'a.log:2' as end_evidence"
    )
    audit = (SQL_DIR / "audits" / "outage_order.sql").read_text(encoding="utf-8")
    got = plain_rows(con.sql(audit).to_arrow_table())
    assert [(r["drill"], r["capability"], r["duration_s"], r["start_evidence"]) for r in got] == [
        ("d", "cf_push", -600.0, "a.log:3")
    ]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "drillscope.cli", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_build_cli_exit_codes(hand: HandLake, tmp_path: Path) -> None:
    clean(hand)
    commit_inputs(hand.lake)
    ok = _cli("build", "--out", str(hand.out))
    assert ok.returncode == 0, ok.stderr
    assert "0 audit violations" in ok.stderr

    bad = HandLake(tmp_path / "bad")
    broken(bad)
    commit_inputs(bad.lake)
    res = _cli("build", "--out", str(bad.out))
    assert res.returncode == 1, res.stderr
    assert "audit failing_after_recovery" in res.stderr
    assert "audit ingest_conservation" in res.stderr


def _utc(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text + "+00:00")
