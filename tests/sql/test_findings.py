"""The drill findings (sql/findings/*.sql -> `findings`): every rule stays silent on a clean drill and fires, with
its figures and evidence, on a hand-made drill that breaks it; on the sample drills the deployment lock (drill 2)
and the health monitor's meltdown (drill 1) are found.

Hand-made lakes: rows written with `drillscope.ingest.lake.write_atomic` (tests.sql.test_sql_models.HandLake), then the real
`drillscope.build.build` runs every SQL file. The clean drill (times UTC, wall clock Asia/Seoul = UTC+9): AZ1 is
powered off at 01:00 (10:00 KST), an alert fires at 01:03, the operators note the symptom at 01:05, power the server
on at 01:20 and run the cck at 01:22 (scan cloud 11, apply resolutions 12); recovered 01:40. Three AZs, a
single-instance blobstore in az3 (not the lost AZ), 6 Diego cells with 60 % memory free, gap-free Healthwatch series,
a `bosh vms` before the power-on, and an old meltdown two hours before the drill.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from drillscope.build import SQL_DIR, build
from drillscope.ingest.pipeline import ingest_inputs
from drillscope.output import rows as plain_rows
from drillscope.query import query
from tests.sql.test_sql_models import HandLake

D = "clean"


@pytest.fixture
def hand(tmp_path: Path) -> HandLake:
    return HandLake(tmp_path)


RULES = (
    "deployment_lock",
    "diego_capacity",
    "even_az_count",
    "hm_meltdown",
    "late_alert",
    "monitoring_blind",
    "single_instance_in_lost_az",
)


def at(hm: str, day: str = "2019-01-03") -> str:
    """An UTC instant on the drill day, from HH:MM[:SS]."""
    return f"{day}T{hm if hm.count(':') == 2 else hm + ':00'}+00:00"


def clean(h: HandLake, power_on: bool = True) -> None:
    h.drill(D, timezone="Asia/Seoul", injected_at=at("01:00"), recovered_at=at("01:40"), az="az1",
            foundation="cf-x", fault="power off AZ1")  # fmt: skip
    vms = []
    groups = {"router": 1, "mysql": 1, "diego_cell": 2}
    for snap, line0 in (("00:50", 1), ("01:10", 101)):
        n = line0
        for az in ("az1", "az2", "az3"):
            for grp, per_az in groups.items():
                for k in range(per_az):
                    down = snap == "01:10" and az == "az1"
                    vms.append({"ts": at(snap), "instance": f"{grp}/{az}-{k}", "az": az,
                                "process_state": "unresponsive agent" if down else "running", "source_line": n,
                                "deployment": "cf-x"})  # fmt: skip
                    n += 1
        vms.append({"ts": at(snap), "instance": "blobstore/0", "az": "az3", "process_state": "running",
                    "source_line": n, "deployment": "cf-x"})  # fmt: skip
    h.rows("vm_states", D, "bosh/vms.txt", vms)
    h.rows("metrics", D, "hw/diego.csv", [
        {"ts": f"2019-01-03T00:{m:02d}:00+00:00" if m < 60 else f"2019-01-03T01:{m - 60:02d}:00+00:00",
         "metric": "Diego.TotalPercentageAvailableMemoryCapacity.5M", "value": 0.6, "interval_s": 60.0}
        for m in range(40, 110)
    ])  # fmt: skip
    h.rows("alerts", D, "mail/01.eml", [
        {"ts": at("01:03"), "alert": "cf push", "state": "firing", "kind": "alert", "subject": "CRITICAL cf push",
         "message_id": "<1@x>"}])  # fmt: skip
    notes = [
        {"ts": at("01:00"), "kind": "note", "message": "power off AZ1", "source_line": 1},
        {"ts": at("01:05"), "kind": "note", "message": "cf push 안됨", "source_line": 2},
        {"ts": at("01:21"), "kind": "note", "message": "bosh cck 수행", "source_line": 4},
    ]
    if power_on:
        notes.append({"ts": at("01:20"), "kind": "note", "message": "서버 기동", "source_line": 3})
    h.rows("events", D, "notes.md", notes)
    h.rows("bosh_tasks", D, "bosh/tasks.txt", [
        {"task_id": 10, "deployment": "cf-x", "description": "retrieve vm-stats", "state": "done",
         "user": "ops_manager", "started_at": at("01:10:00"), "ended_at": at("01:10:15")},
        {"task_id": 11, "deployment": "cf-x", "description": "scan cloud", "state": "done", "user": "ops_manager",
         "started_at": at("01:22:00"), "ended_at": at("01:22:20")},
        {"task_id": 12, "deployment": "cf-x", "description": "apply resolutions", "state": "done",
         "user": "ops_manager", "started_at": at("01:22:30"), "ended_at": at("01:38:00")},
    ], )  # fmt: skip
    lock = "lock:deployment:cf-x"
    h.rows("events", D, "bosh/events_locks.txt", [
        {"ts": at(ts), "kind": "bosh_lock", "task_id": task, "message": f"{what} {lock}", "source_type": "bosh_table"}
        for ts, task, what in (("01:10:00", 10, "acquire"), ("01:10:15", 10, "release"),
                               ("01:22:00", 11, "acquire"), ("01:22:20", 11, "release"),
                               ("01:22:30", 12, "acquire"), ("01:38:00", 12, "release"))
    ])  # fmt: skip
    h.rows("events", D, "bosh/health_monitor.log", [
        {"ts": at("01:01:14"), "kind": "hm_alert", "source_type": "bosh_debug",
         "message": "Notifying Director to recreate instance: 'router/az1-0'; deployment: 'cf-x'; 1 of 28 agents "
                    "are unhealthy (3.6%)"},
        {"ts": at("23:00:00", "2019-01-02"), "kind": "hm_alert", "source_type": "bosh_debug",
         "message": "Skipping resurrection for instance: 'router/az2-0'; deployment: 'cf-x'; 9 of 28 agents are "
                    "unhealthy (32.1%)"},
    ])  # fmt: skip


def finding_ko(h: HandLake, rule: str) -> list[str]:
    """The Korean wording of the rule's findings (`report --lang ko`), in the order of `findings`."""
    return [
        r["finding_ko"] for r in h.q(f"SELECT finding_ko FROM findings WHERE rule = '{rule}' ORDER BY ts")
    ]


def findings(h: HandLake, rule: str | None = None) -> list[dict]:
    h.build()
    where = f"WHERE rule = '{rule}'" if rule else ""
    return h.q(f"SELECT rule, severity, finding, evidence, ts FROM findings {where} ORDER BY ts, rule")


def test_every_rule_file_is_documented() -> None:
    files = sorted(p.stem for p in (SQL_DIR / "findings").glob("*.sql"))
    assert tuple(files) == RULES
    for name in files:
        head = (SQL_DIR / "findings" / f"{name}.sql").read_text(encoding="utf-8").splitlines()
        assert head[0].startswith("-- grain: drill") and head[1].startswith("-- upstream: drill_context")
        assert head[2].startswith(f"-- {name}: ") and head[3].startswith("-- Grain:")


def test_finding_dur_counts_whole_seconds() -> None:
    con = duckdb.connect()
    con.execute((SQL_DIR / "macros" / "finding_dur.sql").read_text(encoding="utf-8"))
    got = con.execute(
        "SELECT finding_dur(89.6::DOUBLE), finding_dur(5400.0::DOUBLE), finding_dur(3723.4::DOUBLE),"
        " finding_dur(745), finding_dur(NULL)"
    ).fetchall()
    assert got == [("1m30s", "1h30m00s", "1h02m03s", "12m25s", "?")]


def test_clean_drill_has_no_finding(hand: HandLake) -> None:
    clean(hand)
    assert findings(hand) == []
    ctx = hand.q(
        "SELECT lost_az, lost_az_by, power_on_at, power_on_evidence, cck_at, cck_task_id FROM drill_context"
    )
    assert ctx == [{"lost_az": "az1", "lost_az_by": "manifest", "power_on_at": at("01:20"),
                    "power_on_evidence": "notes.md:3", "cck_at": at("01:22"), "cck_task_id": 11}]  # fmt: skip


def test_deployment_lock_held_by_bosh_logs_refusing_the_resurrector(hand: HandLake) -> None:
    clean(hand)
    hand.rows("bosh_tasks", D, "bosh/tasks2.txt", [
        {"task_id": 13, "deployment": "cf-x", "description": "fetch logs", "state": "error", "user": "ops_manager",
         "started_at": at("01:20:30"), "ended_at": at("01:21:50")},
        {"task_id": 14, "deployment": "cf-x", "description": "scan and fix", "state": "error", "user": "hm",
         "result": "Unable to get deployment lock, maybe a deployment is in progress. Try again later.",
         "started_at": at("01:21:00"), "ended_at": at("01:21:00")},
    ])  # fmt: skip
    hand.rows("events", D, "bosh/events_locks2.txt", [
        {"ts": at("01:20:30"), "kind": "bosh_lock", "task_id": 13, "message": "acquire lock:deployment:cf-x",
         "source_type": "bosh_table", "source_line": 9},
        {"ts": at("01:21:50"), "kind": "bosh_lock", "task_id": 13, "message": "release lock:deployment:cf-x",
         "source_type": "bosh_table", "source_line": 8},
    ])  # fmt: skip
    assert findings(hand, "deployment_lock") == [{
        "rule": "deployment_lock", "severity": "critical",
        "finding": "`bosh logs` (task 13 fetch logs by ops_manager) held the deployment lock on cf-x for 1m20s "
                   "(10:20:30 .. 10:21:50) between the power-on at 10:20:00 and the cck at 10:22:00; refused the "
                   "lock meanwhile: task 14 scan and fix by hm at 10:21:00.",
        "evidence": "bosh/events_locks2.txt:9", "ts": at("01:20:30")}]  # fmt: skip
    assert finding_ko(hand, "deployment_lock") == [
        "전원 켬(10:20:00)부터 cck(10:22:00)까지의 구간에 `bosh logs`(작업 13 fetch logs, 실행: ops_manager) 명령이 "
        "deployment 잠금(cf-x)을 1m20s 동안(10:20:30 .. 10:21:50) 잡고 있었습니다; 그동안 잠금을 얻지 못한 작업: "
        "10:21:00 작업 14 scan and fix(실행: hm)."
    ]


def test_deployment_lock_from_the_task_list_alone_is_a_warning(hand: HandLake) -> None:
    clean(hand)
    hand.rows("bosh_tasks", D, "bosh/tasks2.txt", [
        {"task_id": 13, "deployment": "cf-x", "description": "retrieve vm-stats", "state": "done",
         "user": "admin", "started_at": at("01:20:40"), "ended_at": at("01:20:55"), "source_line": 7}])  # fmt: skip
    rows = findings(hand, "deployment_lock")
    assert [(r["severity"], r["evidence"], r["finding"]) for r in rows] == [(
        "warning", "bosh/tasks2.txt:7",
        "`bosh vms` (task 13 retrieve vm-stats by admin) held the deployment lock on cf-x for 0m15s "
        "(10:20:40 .. 10:20:55) between the power-on at 10:20:00 and the cck at 10:22:00.")]  # fmt: skip


def test_deployment_lock_window_starts_at_injection_without_power_on_note(hand: HandLake) -> None:
    clean(hand, power_on=False)
    rows = findings(hand, "deployment_lock")
    # the 01:10 `bosh vms` now falls inside [injected_at, cck)
    assert [(r["severity"], r["evidence"]) for r in rows] == [("warning", "bosh/events_locks.txt:1")]
    assert (
        "between the injection (no power-on note) at 10:00:00 and the cck at 10:22:00" in rows[0]["finding"]
    )


def test_hm_meltdown(hand: HandLake) -> None:
    clean(hand)
    hand.rows("events", D, "bosh/events_0101.txt", [
        {"ts": at("01:01:14"), "kind": "hm_alert", "source_type": "bosh_table", "source_line": 4,
         "message": f"We are in meltdown. Alert @ 2019-01-03 01:01:14 UTC, severity 1: Skipping resurrection for "
                    f"instance: 'router/az1-0'; deployment: 'cf-x'; {n} of 28 agents are unhealthy ({p})"}
        for n, p in ((9, "32.1%"),)
    ] + [
        {"ts": at("01:02:14"), "kind": "hm_alert", "source_type": "bosh_table", "source_line": 9,
         "message": f"We are in meltdown. Alert @ 2019-01-03 01:02:14 UTC, severity 1: Skipping resurrection for "
                    f"instance: '{i}'; deployment: 'cf-x'; 10 of 28 agents are unhealthy (35.7%)"}
        for i in ("router/az1-0", "mysql/az1-0")
    ])  # fmt: skip
    assert findings(hand, "hm_meltdown") == [{
        "rule": "hm_meltdown", "severity": "warning",
        "finding": "The BOSH health monitor was in meltdown from 10:01:14 to 10:02:14: the resurrector skipped 2 "
                   "instance(s) with up to 10 of 28 agents unhealthy (35.7%), so the lost VMs waited for a manual "
                   "cck.",
        "evidence": "bosh/events_0101.txt:4", "ts": at("01:01:14")}]  # fmt: skip
    assert finding_ko(hand, "hm_meltdown") == [
        "BOSH health monitor가 10:01:14부터 10:02:14까지 meltdown 상태였습니다: resurrector가 인스턴스 2개(비정상 agent "
        "최대 10/28개, 35.7%)를 건너뛰어, 잃은 VM은 수동 cck를 기다렸습니다."
    ]


def test_single_instance_groups_in_the_lost_az(hand: HandLake) -> None:
    clean(hand)
    hand.rows("vm_states", D, "bosh/vms_more.txt", [
        {"ts": at("00:50"), "instance": "ha_proxy/0", "az": "az1", "process_state": "running", "source_line": 3},
        {"ts": at("01:10"), "instance": "ha_proxy/0", "az": "az1", "process_state": "unresponsive agent",
         "source_line": 13},
        {"ts": at("00:50"), "instance": "clock_global/0", "az": "az1", "process_state": "running",
         "source_line": 4},
    ])  # fmt: skip
    rows = findings(hand, "single_instance_in_lost_az")
    assert [(r["severity"], r["evidence"], r["finding"]) for r in rows] == [
        ("warning", "bosh/vms_more.txt:4",
         "clock_global has a single instance (clock_global/0) and it sat in the lost AZ az1 (drill.toml): the "
         "platform had no copy of it in the other AZs."),
        ("critical", "bosh/vms_more.txt:13",
         "ha_proxy has a single instance (ha_proxy/0) and it sat in the lost AZ az1 (drill.toml); `unresponsive "
         "agent` at 10:10:00: the platform had no copy of it in the other AZs."),
    ]  # fmt: skip
    assert finding_ko(hand, "single_instance_in_lost_az") == [
        "clock_global 그룹은 인스턴스가 하나(clock_global/0)뿐이고 잃은 AZ az1(drill.toml)에 있었습니다: 다른 AZ에는 "
        "사본이 없었습니다.",
        "ha_proxy 그룹은 인스턴스가 하나(ha_proxy/0)뿐이고 잃은 AZ az1(drill.toml)에 있었습니다; 10:10:00에 "
        "`unresponsive agent`: 다른 AZ에는 사본이 없었습니다.",
    ]


def test_lost_az_is_inferred_without_manifest(hand: HandLake) -> None:
    clean(hand)
    hand.drill(
        D, timezone="Asia/Seoul", injected_at=at("01:00"), recovered_at=at("01:40"), fault="power off AZ1"
    )
    hand.rows("vm_states", D, "bosh/vms_more.txt", [
        {"ts": at("00:50"), "instance": "blobstore_2/0", "az": "az1", "process_state": "running"}])  # fmt: skip
    rows = findings(hand, "single_instance_in_lost_az")
    assert [r["severity"] for r in rows] == ["critical"]
    assert rows[0]["finding"].startswith(
        "blobstore_2 has a single instance (blobstore_2/0) and it sat in the lost AZ az1 (inferred)"
    )


def test_even_number_of_azs(hand: HandLake) -> None:
    clean(hand)
    hand.rows("vm_states", D, "bosh/vms_az4.txt", [
        {"ts": at("00:50"), "instance": "router/az4-0", "az": "az4", "process_state": "running"}])  # fmt: skip
    rows = findings(hand, "even_az_count")
    assert [(r["severity"], r["evidence"], r["ts"]) for r in rows] == [
        ("warning", "bosh/vms.txt:1", at("00:50"))
    ]
    assert rows[0]["finding"].startswith(
        "The deployment spans 4 AZs (az1, az2, az3, az4): an even number of AZs"
    )
    assert finding_ko(hand, "even_az_count") == [
        "deployment가 AZ 4개(az1, az2, az3, az4)에 걸쳐 있습니다: AZ 수가 짝수여서 하나를 잃으면 쿼럼 작업(MySQL, "
        "NATS, Diego 데이터베이스)에 안전한 과반이 남지 않습니다. 시드 문서: AZ가 3개 이상이면 AZ 수는 홀수여야 합니다."
    ]


@pytest.mark.parametrize(
    ("p", "severity", "tail", "tail_ko"),
    [
        (0.2, "critical", "need 26.7% of the total capacity but the other 4 cells had 13.3% free, 13.3% short.",
         "전체 용량의 26.7%가 필요하지만 나머지 셀 4개의 여유는 13.3%로, 13.3% 부족합니다."),
        (0.35, "warning", "need 21.7% of the total capacity but the other 4 cells had 23.3% free, leaving only 2.5% "
                          "of their capacity free.",
         "전체 용량의 21.7%가 필요하지만 나머지 셀 4개의 여유는 23.3%로, 남는 여유가 용량의 2.5%뿐입니다."),
    ],
)  # fmt: skip
def test_diego_capacity_below_the_lost_azs_need(
    hand: HandLake, p: float, severity: str, tail: str, tail_ko: str
) -> None:
    clean(hand)
    hand.rows("metrics", D, "hw/diego.csv", [  # the clean series replaced: 0.6 until 00:58, then p (as a percentage)
        {"ts": at(f"00:{m:02d}:30"), "metric": "Diego.TotalPercentageAvailableMemoryCapacity.5M",
         "value": 60.0 if m < 59 else p * 100, "interval_s": 60.0, "source_line": m}
        for m in range(40, 60)
    ])  # fmt: skip
    rows = findings(hand, "diego_capacity")
    assert [(r["severity"], r["evidence"]) for r in rows] == [(severity, "hw/diego.csv:59")]
    assert rows[0]["finding"] == (
        f"Before the injection the Diego cells had {p * 100:.1f}% of their memory free "
        "(Diego.TotalPercentageAvailableMemoryCapacity.5M at 09:59:30; 6 cells, 2 in az1): the lost AZ's app "
        f"instances {tail}"
    )
    assert finding_ko(hand, "diego_capacity") == [
        f"장애 주입 전 Diego 셀의 여유 메모리는 {p * 100:.1f}%였습니다(Diego.TotalPercentageAvailableMemoryCapacity.5M, "
        f"09:59:30; 셀 6개 중 2개가 az1에 있음): 잃은 AZ의 앱 인스턴스에는 {tail_ko}"
    ]


def test_alert_after_the_operators_noticed(hand: HandLake) -> None:
    clean(hand)
    hand.rows("events", D, "notes2.md", [
        {"ts": at("01:02"), "kind": "note", "message": "appsmanager 접속 안됨", "source_line": 3}])  # fmt: skip
    assert findings(hand, "late_alert") == [{
        "rule": "late_alert", "severity": "warning",
        "finding": 'The first alert (10:03:00, mail/01.eml:1) arrived 1m00s after the operators had noted the '
                   'outage at 10:02:00 ("appsmanager 접속 안됨").',
        "evidence": "notes2.md:3", "ts": at("01:02")}]  # fmt: skip
    assert finding_ko(hand, "late_alert") == [
        '첫 경보(10:03:00, mail/01.eml:1)는 운영자가 10:02:00에 장애를 기록한 뒤("appsmanager 접속 안됨") 1m00s 늦게 '
        "도착했습니다."
    ]


def test_no_alert_at_all_is_critical(hand: HandLake) -> None:
    clean(hand)
    hand.rows("alerts", D, "mail/01.eml", [])
    rows = findings(hand, "late_alert")
    assert [(r["severity"], r["evidence"], r["finding"]) for r in rows] == [
        (
            "critical",
            "notes.md:2",
            'No alert fired during the drill, although the operators noted the outage at 10:05:00 ("cf push 안됨").',
        )
    ]
    assert finding_ko(hand, "late_alert") == [
        '운영자가 10:05:00에 장애를 기록했지만("cf push 안됨") 훈련 중 경보가 한 번도 발생하지 않았습니다.'
    ]


def test_monitoring_blind_during_the_drill(hand: HandLake) -> None:
    clean(hand)
    hand.rows("metrics", D, "hw/chunks.csv", [
        {"ts": at(f"01:{m:02d}"), "metric": "Diego.AvailableFreeChunks", "value": 40.0, "interval_s": 60.0,
         "source_line": m + 2}
        for m in range(0, 40) if not 10 <= m <= 24
    ])  # fmt: skip
    hand.probes(D, "hw/push.json", "cf_push", [(at("01:30"), True), (at("01:31"), None), (at("01:32"), True)],
                interval_s=60.0, source_type="healthwatch")  # fmt: skip
    assert findings(hand, "monitoring_blind") == [{
        "rule": "monitoring_blind", "severity": "warning",
        "finding": "Healthwatch was blind while the platform was down: 1 series (Diego.AvailableFreeChunks) had no "
                   "samples between 10:10:00 and 10:24:00 (longest gap 15m00s, 15 samples missing); the cf_push "
                   "check(s) did not run 1 time(s) during the drill (first at 10:31:00).",
        "evidence": "hw/chunks.csv:11", "ts": at("01:10")}]  # fmt: skip
    assert finding_ko(hand, "monitoring_blind") == [
        "플랫폼이 중단된 동안 Healthwatch가 보지 못했습니다: 지표 계열 1개(Diego.AvailableFreeChunks)에 10:10:00부터 "
        "10:24:00까지 샘플이 없었습니다(가장 긴 공백 15m00s, 누락 샘플 15개); cf_push 점검이 훈련 중 1번 실행되지 "
        "않았습니다(처음 10:31:00)."
    ]


def test_gap_outside_the_drill_window_is_silent(hand: HandLake) -> None:
    clean(hand)
    hand.rows("metrics", D, "hw/chunks.csv", [
        {"ts": at(f"00:{m:02d}"), "metric": "Diego.AvailableFreeChunks", "value": 40.0, "interval_s": 60.0}
        for m in range(0, 60) if not 10 <= m <= 24
    ])  # fmt: skip
    assert findings(hand, "monitoring_blind") == []


def test_a_bad_severity_fails_the_build(
    hand: HandLake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import drillscope.build as b

    clean(hand)
    sql = tmp_path / "sql"
    (sql / "findings").mkdir(parents=True)
    for kind in SQL_DIR.iterdir():  # every SQL folder but the findings
        if kind.is_dir() and kind.name != "findings":
            (sql / kind.name).symlink_to(kind)
    (sql / "findings" / "bad.sql").write_text(
        "-- grain: drill\n-- upstream: drills\n-- bad: x\nSELECT drill, 'bad' AS rule, 'major' AS severity, 'x' AS finding, NULL AS evidence, "
        "NULL::TIMESTAMPTZ AS ts, 'x' AS finding_ko FROM drills"
    )
    monkeypatch.setattr(b, "SQL_DIR", sql)
    with pytest.raises(b.DrillscopeError, match="findings/bad.sql: Constraint Error.*severity"):
        build(hand.out)


# --- the sample drills ------------------------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples") / "out"
    ingest_inputs([SAMPLES / "2019-01-03-az1", SAMPLES / "2019-01-03-az2"], out)
    build(out)
    return out


def sample_findings(out: Path) -> list[tuple]:
    rows = plain_rows(
        query(out, "SELECT drill, rule, severity, evidence, ts FROM findings ORDER BY drill, ts, rule")
    )
    return [tuple(r.values()) for r in rows]


def test_sample_drills_findings(samples: Path) -> None:
    assert sample_findings(samples) == [
        ("2019-01-03-az1", "hm_meltdown", "warning", "bosh/events_0126.txt:4", "2019-01-03T01:26:14+00:00"),
        ("2019-01-03-az1", "monitoring_blind", "warning", "healthwatch/diego_capacity-data-2019-01-03_11_31_20.csv:31",
         "2019-01-03T01:30:00+00:00"),
        ("2019-01-03-az2", "late_alert", "warning", "notes.md:3", "2019-01-03T06:42:00+00:00"),
        ("2019-01-03-az2", "monitoring_blind", "warning", "healthwatch/diego_capacity-data-2019-01-03_16_41_05.csv:23",
         "2019-01-03T06:52:00+00:00"),
        ("2019-01-03-az2", "deployment_lock", "warning", "bosh/events_locks.txt:11", "2019-01-03T06:55:04+00:00"),
        ("2019-01-03-az2", "deployment_lock", "critical", "bosh/events_locks.txt:9", "2019-01-03T06:55:47+00:00"),
    ]  # fmt: skip


def test_sample_lock_and_meltdown_sentences(samples: Path) -> None:
    got = {
        (r["drill"], r["evidence"]): r["finding"]
        for r in plain_rows(query(samples, "SELECT drill, evidence, finding FROM findings"))
    }
    assert got[("2019-01-03-az2", "bosh/events_locks.txt:9")] == (
        "`bosh logs` (task 1241 fetch logs by ops_manager) held the deployment lock on cf-54c9c2f906b6aba996cd for "
        "12m25s (15:55:47 .. 16:08:12) between the power-on at 15:53:00 and the cck at 16:09:02; refused the lock "
        "meanwhile: task 1242 scan and fix by hm at 16:01:14."
    )
    assert got[("2019-01-03-az1", "bosh/events_0126.txt:4")] == (
        "The BOSH health monitor was in meltdown from 10:26:14 to 10:30:14: the resurrector skipped 16 instance(s) "
        "with up to 16 of 48 agents unhealthy (33.3%), so the lost VMs waited for a manual cck."
    )


def test_sample_sentences_in_korean(samples: Path) -> None:
    """`report --lang ko` shows each rule's own Korean wording (finding_ko, built in the rule's SQL)."""
    got = {
        (r["drill"], r["evidence"]): r["finding_ko"]
        for r in plain_rows(query(samples, "SELECT drill, evidence, finding_ko FROM findings"))
    }
    assert got[("2019-01-03-az1", "bosh/events_0126.txt:4")] == (
        "BOSH health monitor가 10:26:14부터 10:30:14까지 meltdown 상태였습니다: resurrector가 인스턴스 16개(비정상 "
        "agent 최대 16/48개, 33.3%)를 건너뛰어, 잃은 VM은 수동 cck를 기다렸습니다."
    )
    assert got[("2019-01-03-az2", "bosh/events_locks.txt:9")] == (
        "전원 켬(15:53:00)부터 cck(16:09:02)까지의 구간에 `bosh logs`(작업 1241 fetch logs, 실행: ops_manager) 명령이 "
        "deployment 잠금(cf-54c9c2f906b6aba996cd)을 12m25s 동안(15:55:47 .. 16:08:12) 잡고 있었습니다; 그동안 잠금을 "
        "얻지 못한 작업: 16:01:14 작업 1242 scan and fix(실행: hm)."
    )
    assert all(re.search("[가-힣]", v) for v in got.values()), got


def test_sample_report_first_screen(samples: Path) -> None:
    from drillscope.reports.render import slug, write_report

    write_report(samples, ["2019-01-03-az2", "2019-01-03-az1"])
    for drill, ref, rule in (
        ("2019-01-03-az2", "bosh/events_locks.txt:9", "deployment_lock"),
        ("2019-01-03-az1", "bosh/events_0126.txt:4", "hm_meltdown"),
    ):
        page = (samples / "report" / drill / "index.html").read_text(encoding="utf-8")
        # the findings come before the summary, each with a link to its evidence row
        assert page.index('<section id="findings">') < page.index('<table id="summary">')
        section = page[page.index('<section id="findings">') : page.index("</section>")]
        assert (
            f'data-rule="{rule}"' in section and f'<a href="#{slug(ref)}"><code>{ref}</code></a>' in section
        )
        assert f'<tr id="{slug(ref)}">' in page  # the evidence table holds that row
