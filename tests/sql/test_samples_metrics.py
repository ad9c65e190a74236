"""The sample drills under data/samples, ingested for real and built: drill_metrics, outages and downtime as
data/SAMPLES.md (the ground truth generated with the samples) states them.

Line numbers: SAMPLES.md cites a cf CLI probe run at the line that carries its time; the cf_cli parser cites
the next line (the command's first output line), so cf/*_probe.log evidence is SAMPLES.md's line + 1
(SAMPLES.md says so in its "Line conventions"). When two sources end an outage at the same instant, either
may be the end evidence (SAMPLES.md, drill 1 cf_push).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drillscope.build import SQL_DIR, build
from drillscope.ingest.pipeline import ingest_inputs
from drillscope.ingest.registry import parsers
from drillscope.output import rows as plain_rows
from drillscope.query import query

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
DRILLS = ("2019-01-03-az1", "2019-01-03-az2")
# every format the two drill folders hold
NEEDED = ("bosh_table", "bosh_task", "bosh_event_log", "bosh_debug", "cf_cli", "cf_logs", "healthwatch", "email",
          "notes")  # fmt: skip


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not all((SAMPLES / d / "drill.toml").exists() for d in DRILLS):
        pytest.skip("data/samples does not hold the two sample drills yet")
    have = {m.NAME for m in parsers()}
    missing = [n for n in NEEDED if n not in have]
    if missing:
        pytest.skip(f"parser(s) not written yet: {', '.join(missing)}; data/SAMPLES.md needs them")
    out = tmp_path_factory.mktemp("samples") / "out"
    results = ingest_inputs([SAMPLES / d for d in DRILLS], out)
    assert [(r.source_file, r.status, r.message) for r in results if r.status not in ("ok", "partial")] == []
    build(out)
    return out


def q(out: Path, sql: str) -> list[dict]:
    return plain_rows(query(out, sql))


def test_drill_metrics(out: Path) -> None:
    assert q(out, "select * from drill_metrics order by drill") == [
        {"drill": "2019-01-03-az1", "foundation": "cf-54c9c2f906b6aba996cd",
         "injected_at": "2019-01-03T01:25:00+00:00", "injected_by": "manifest",
         "detected_at": "2019-01-03T01:28:05+00:00",
         # the Event Alerts mail's first Received hop (10:28:05 KST) equals its Date: TTN = TTD
         "notified_at": "2019-01-03T01:28:05+00:00", "recovered_at": "2019-01-03T02:17:07.692221+00:00",
         "ttd_s": 185.0, "ttn_s": 185.0, "ttr_s": 3127.692221, "injected_evidence": "drill.toml",
         "detected_evidence": "mail/01_event-alerts_critical_canary_1028.eml:1",
         "notified_evidence": "mail/01_event-alerts_critical_canary_1028.eml:1",
         "recovered_evidence": "bosh/task_1234_debug.log.gz:357"},
        {"drill": "2019-01-03-az2", "foundation": "cf-54c9c2f906b6aba996cd",
         "injected_at": "2019-01-03T06:41:00+00:00", "injected_by": "manifest",
         "detected_at": "2019-01-03T06:44:12+00:00", "notified_at": "2019-01-03T06:44:12+00:00",
         "recovered_at": "2019-01-03T07:35:04+00:00",
         "ttd_s": 192.0, "ttn_s": 192.0, "ttr_s": 3244.0, "injected_evidence": "drill.toml",
         "detected_evidence": "mail/01_event-alerts_critical_cf_push_1544.eml:1",
         "notified_evidence": "mail/01_event-alerts_critical_cf_push_1544.eml:1",
         "recovered_evidence": "bosh/tasks_recent_all.txt:4"},
    ]  # fmt: skip


HW_CANARY_1 = "healthwatch/canary_app_availability-data-2019-01-03_11_31_20.csv"
HW_CANARY_2 = "healthwatch/canary_app_availability-data-2019-01-03_16_41_05.csv"
HW_PUSH = "healthwatch/health_check_cliCommand_push.json"
LOGS = "cf/logs_order-api_recent.txt"


def cli(path: str, samples_line: int) -> str:
    """A cf CLI probe run's evidence: SAMPLES.md's line + 1 (see the module docstring)."""
    return f"{path}:{samples_line + 1}"


# (drill, capability, started_at, ended_at, duration_s, start_evidence, end_evidence or {either})
OUTAGES = [
    ("2019-01-03-az1", "app_traffic", "01:26:05.510000", "01:26:10.150000", 4.64, f"{LOGS}:43", f"{LOGS}:45"),
    ("2019-01-03-az1", "app_traffic", "01:26:35.550000", "01:26:40.520000", 4.97, f"{LOGS}:49", f"{LOGS}:51"),
    ("2019-01-03-az1", "app_traffic", "01:27:05.240000", "01:27:10.100000", 4.86, f"{LOGS}:55", f"{LOGS}:57"),
    ("2019-01-03-az1", "apps_manager", "01:26:00", "01:45:00", 1140, f"{HW_CANARY_1}:28", f"{HW_CANARY_1}:47"),
    ("2019-01-03-az1", "cf_login", "01:29:18", "01:31:20", 122, cli("cf/login_probe.log", 65),
     cli("cf/login_probe.log", 70)),
    ("2019-01-03-az1", "cf_login", "01:33:22", "01:39:43", 381, cli("cf/login_probe.log", 86),
     cli("cf/login_probe.log", 120)),
    ("2019-01-03-az1", "cf_login", "01:41:45", "01:43:47", 122, cli("cf/login_probe.log", 136),
     cli("cf/login_probe.log", 141)),
    ("2019-01-03-az1", "cf_push", "01:29:00", "01:43:00", 840, f"{HW_PUSH}:43",
     {f"{HW_PUSH}:57", cli("cf/push_probe.log", 407)}),
    ("2019-01-03-az2", "apps_manager", "06:42:00", "06:43:00", 60, f"{HW_CANARY_2}:14", f"{HW_CANARY_2}:15"),
    ("2019-01-03-az2", "cf_api", "06:42:00", "06:43:00", 60, cli("cf/curl_v2_info_probe.log", 94),
     cli("cf/curl_v2_info_probe.log", 106)),
    ("2019-01-03-az2", "cf_login", "06:42:17", "06:44:17", 120, cli("cf/login_probe.log", 97),
     cli("cf/login_probe.log", 102)),
    ("2019-01-03-az2", "cf_login", "06:46:18", "06:48:18", 120, cli("cf/login_probe.log", 118),
     cli("cf/login_probe.log", 141)),
    ("2019-01-03-az2", "cf_login", "06:50:18", "06:54:20", 242, cli("cf/login_probe.log", 157),
     cli("cf/login_probe.log", 167)),
    ("2019-01-03-az2", "cf_login", "06:56:21", "06:58:22", 121, cli("cf/login_probe.log", 183),
     cli("cf/login_probe.log", 188)),
    ("2019-01-03-az2", "cf_login", "07:00:24", "07:02:25", 121, cli("cf/login_probe.log", 204),
     cli("cf/login_probe.log", 227)),
    ("2019-01-03-az2", "cf_login", "07:04:26", "07:08:29", 243, cli("cf/login_probe.log", 243),
     cli("cf/login_probe.log", 253)),
    ("2019-01-03-az2", "cf_login", "07:10:30", "07:12:32", 122, cli("cf/login_probe.log", 269),
     cli("cf/login_probe.log", 274)),
    ("2019-01-03-az2", "cf_login", "07:14:33", "07:16:34", 121, cli("cf/login_probe.log", 290),
     cli("cf/login_probe.log", 313)),
    ("2019-01-03-az2", "cf_push", "06:41:06", "07:21:00", 2394, cli("cf/push_probe.log", 278), f"{HW_PUSH}:65"),
]  # fmt: skip


def test_outages(out: Path) -> None:
    got = q(
        out,
        "select drill, capability, started_at, ended_at, round(duration_s, 6) as d, open, start_evidence,"
        " end_evidence from outages where drill in ('2019-01-03-az1', '2019-01-03-az2') order by all",
    )
    assert len(got) == len(OUTAGES)
    for row, (drill, cap, start, end, dur, start_ev, end_ev) in zip(got, OUTAGES, strict=True):
        assert (row["drill"], row["capability"]) == (drill, cap)
        assert row["started_at"] == f"2019-01-03T{start}+00:00", row
        assert row["ended_at"] == f"2019-01-03T{end}+00:00", row
        assert row["d"] == dur and row["open"] is False, row
        assert row["start_evidence"] == start_ev, row
        assert row["end_evidence"] in (end_ev if isinstance(end_ev, set) else {end_ev}), row


def test_downtime_per_capability(out: Path) -> None:
    got = q(
        out,
        "select drill, capability, round(downtime_s, 6) as downtime_s from capability_metrics order by all",
    )
    assert got == [
        {"drill": "2019-01-03-az1", "capability": "app_traffic", "downtime_s": 14.47},
        {"drill": "2019-01-03-az1", "capability": "apps_manager", "downtime_s": 1140.0},
        {"drill": "2019-01-03-az1", "capability": "cf_login", "downtime_s": 625.0},
        {"drill": "2019-01-03-az1", "capability": "cf_push", "downtime_s": 840.0},
        {"drill": "2019-01-03-az2", "capability": "apps_manager", "downtime_s": 60.0},
        {"drill": "2019-01-03-az2", "capability": "cf_api", "downtime_s": 60.0},
        {"drill": "2019-01-03-az2", "capability": "cf_login", "downtime_s": 1210.0},
        {"drill": "2019-01-03-az2", "capability": "cf_push", "downtime_s": 2394.0},
    ]


def test_summary_in_seoul_time(out: Path) -> None:
    got = q(out, (SQL_DIR / "summary.sql").read_text(encoding="utf-8"))
    assert [
        (r["drill"], r["injected"], r["detected"], r["ttd"], r["notified"], r["ttn"], r["recovered"], r["ttr"])
        for r in got
    ] == [
        ("2019-01-03-az1", "2019-01-03 10:25:00", "2019-01-03 10:28:05", "03:05", "2019-01-03 10:28:05", "03:05",
         "2019-01-03 11:17:07", "52:07"),
        ("2019-01-03-az2", "2019-01-03 15:41:00", "2019-01-03 15:44:12", "03:12", "2019-01-03 15:44:12", "03:12",
         "2019-01-03 16:35:04", "54:04"),
    ]  # fmt: skip
    assert [r["note"] for r in got] == ["", ""]  # injected_at is in drill.toml
    assert got[1]["downtime"] == "cf_push 39m54s, cf_login 20m10s, apps_manager 1m00s, cf_api 1m00s"


def test_samples_pass_the_audits(out: Path) -> None:
    res = build(out)
    assert {a.name: a.rows for a in res.audits if a.rows} == {}


def test_chart_markers_stay_in_the_drill_window(out: Path) -> None:
    """Drill 2's `bosh tasks --recent` lists drill 1's cck task 1234; its rules must not stretch drill 2's charts."""
    import duckdb

    from drillscope.build import DB_NAME, connect_session
    from drillscope.reports.render import report_sql

    con = duckdb.connect(str(out / DB_NAME), read_only=True)
    connect_session(con)
    try:
        labels = report_sql(con, "markers", {"drill": "2019-01-03-az2"})["label"].to_list()
    finally:
        con.close()
    assert sorted(labels) == sorted(
        ["injection", "detection", "notification", "power on", "cck 1244 start", "cck 1244 end", "recovery"]
    )


def test_recovery_evidence_shows_the_task_end(out: Path) -> None:
    """Drill 2 recovered when task 1244 (apply resolutions) ended, 16:35:04 KST: its `bosh tasks` row shows both
    its start (16:09:28) and its end; the evidence of recovered_at is the end."""
    from drillscope.db import open_db, run_named

    with open_db(out) as con:
        ev = run_named(con, "report/evidence", {"drill": "2019-01-03-az2"})
    (row,) = [r for r in ev.iter_rows(named=True) if r["what"] == "recovered_at"]
    assert row["ref"] == "bosh/tasks_recent_all.txt:4"
    assert row["ts"].isoformat() == "2019-01-03T07:35:04+00:00"
    assert row["text"] == "bosh task 1244 ended (done): apply resolutions — 16 resolved"


def test_series_that_fed_capabilities(out: Path) -> None:
    """The drill page's table of metric series read as probes: Healthwatch 1.x checks (−1 runs are samples, not
    failures)."""
    from drillscope.db import open_db, run_named

    rule = "Healthwatch 1.x health check: 1 ok, 0 failed, -1 not run"
    with open_db(out) as con:
        got = {d: run_named(con, "report/signals", {"drill": d}).rows() for d in DRILLS}
    assert got == {
        "2019-01-03-az1": [("apps_manager", "health.check.CanaryApp.available", rule, HW_CANARY_1, 91, 19),
                           ("cf_push", "health.check.cliCommand.push", rule, HW_PUSH, 91, 12)],
        "2019-01-03-az2": [("apps_manager", "health.check.CanaryApp.available", rule, HW_CANARY_2, 71, 1),
                           ("cf_push", "health.check.cliCommand.push", rule, HW_PUSH, 71, 37)],
    }  # fmt: skip
