"""Plan vs actual (drill.toml `[[plan]]`, `rto`, `tolerance` -> plan_steps, drill_rto) and drill vs drill
(drill_measures, drill_comparison), on hand-made lakes built by the real `drillscope.build.build`, then the report's
sections for them; and the sample drills' plans.

The drill.toml keys reach the database as `drills.config` (the whole drill.toml as JSON), as ingest writes it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drillscope.build import build
from drillscope.ingest.pipeline import ingest_inputs
from drillscope.output import rows as plain_rows
from drillscope.query import query
from tests.sql.test_sql_models import HandLake


@pytest.fixture
def hand(tmp_path: Path) -> HandLake:
    return HandLake(tmp_path)


def z(hms: str, day: str = "2019-01-03") -> str:
    return f"{day}T{hms}+00:00"


PLAN = {
    "rto": "45m",
    "tolerance": "5m",
    "plan": [
        {"step": "stop server", "at": "10:00", "match": "power off"},
        {"step": "cf push test", "at": "10:10", "match": "cf push"},
        {"step": "bosh cck", "at": "10:30"},  # no match: the step text as a plain substring
        {"step": "scan", "after": "25m", "match": "scan cloud", "tolerance": "1m"},
        {"step": "healthwatch", "at": "10:40", "match": "("},
        {"step": "never", "at": "10:45", "match": "nothing-matches"},
        {"step": "full", "at": "2019-01-03T10:50:00+09:00", "match": "done"},
    ],
}


def planned_drill(h: HandLake) -> None:
    h.drill("p1", timezone="Asia/Seoul", injected_at=z("01:00:00"), recovered_at=z("01:50:00"),
            config=json.dumps(PLAN), foundation="cf-p")  # fmt: skip
    h.rows("events", "p1", "notes.md", [
        {"ts": z("00:30:00"), "kind": "note", "message": "cf push baseline"},  # before the drill: ignored
        {"ts": z("01:00:00"), "kind": "note", "message": "power off AZ1"},
        {"ts": z("01:20:00"), "kind": "note", "message": "cf push OK"},
        {"ts": z("01:21:00"), "kind": "note", "message": "Bosh CCK 수행"},
        {"ts": z("01:49:00"), "kind": "note", "message": "all done"},
    ])  # fmt: skip
    h.rows("bosh_tasks", "p1", "bosh/tasks.txt", [
        {"task_id": 11, "description": "scan cloud", "state": "done", "user": "admin",
         "started_at": z("01:22:00"), "ended_at": z("01:22:20"), "source_line": 6}])  # fmt: skip


def test_plan_steps_planned_vs_observed(hand: HandLake) -> None:
    planned_drill(hand)
    hand.build()
    got = hand.q(
        "SELECT step_no, step, planned_at, observed_at, delta_s, tolerance_s, status, evidence FROM plan_steps"
    )
    assert [tuple(r.values()) for r in got] == [
        (1, "stop server", z("01:00:00"), z("01:00:00"), 0, 300, "on time", "notes.md:2"),
        (2, "cf push test", z("01:10:00"), z("01:20:00"), 600, 300, "late", "notes.md:3"),
        (3, "bosh cck", z("01:30:00"), z("01:21:00"), -540, 300, "early", "notes.md:4"),
        (4, "scan", z("01:25:00"), z("01:22:00"), -180, 60, "early", "bosh/tasks.txt:6"),
        (5, "healthwatch", z("01:40:00"), None, None, 300, "bad match", None),
        (6, "never", z("01:45:00"), None, None, 300, "not observed", None),
        (7, "full", z("01:50:00"), z("01:49:00"), -60, 300, "on time", "notes.md:5"),
    ]  # fmt: skip
    assert hand.q("SELECT observed_what FROM plan_steps WHERE step_no = 4") == [
        {"observed_what": "bosh task 11: scan cloud"}
    ]
    assert hand.q("SELECT rto, rto_s, ttr_s, rto_result FROM drill_rto") == [
        {"rto": "45m", "rto_s": 2700, "ttr_s": 3000, "rto_result": "fail"}
    ]


def test_rto_in_seconds_passes_and_dateless_step_rolls_past_midnight(hand: HandLake) -> None:
    cfg = {"rto": 3600, "plan": [{"step": "after midnight", "at": "00:15", "match": "cck"}]}
    # injected 23:30 KST: a planned 00:15 is the next day
    hand.drill("late", timezone="Asia/Seoul", injected_at=z("14:30:00"), recovered_at=z("15:20:00"),
               config=json.dumps(cfg))  # fmt: skip
    hand.rows("events", "late", "notes.md", [{"ts": z("15:16:00"), "kind": "note", "message": "bosh cck"}])
    hand.build()
    assert hand.q("SELECT planned_at, observed_at, status FROM plan_steps") == [
        {"planned_at": z("15:15:00"), "observed_at": z("15:16:00"), "status": "on time"}
    ]
    assert hand.q("SELECT rto_s, ttr_s, rto_result FROM drill_rto") == [
        {"rto_s": 3600, "ttr_s": 3000, "rto_result": "pass"}
    ]


def test_no_plan_no_rows(hand: HandLake) -> None:
    hand.drill("plain", injected_at=z("01:00:00"), recovered_at=z("01:10:00"))
    hand.build()
    assert hand.q("SELECT count(*) AS n FROM plan_steps") == [{"n": 0}]
    assert hand.q("SELECT count(*) AS n FROM drill_rto") == [{"n": 0}]


def two_drills(h: HandLake) -> None:
    """Drill a (Jan 3) and drill b (Jan 4) of foundation cf-x; drill c of cf-y stands alone."""
    for drill, day, alert, action, recovered, push_fail, login in (
        ("a", "2019-01-03", "01:03:00", "01:20:00", "01:50:00", 10, False),
        ("b", "2019-01-04", "01:03:30", "01:10:00", "01:40:00", 20, True),
    ):
        h.drill(drill, injected_at=z("01:00:00", day), recovered_at=z(recovered, day), foundation="cf-x")
        h.rows("alerts", drill, "mail/1.eml", [
            {"ts": z(alert, day), "alert": "x", "state": "firing", "kind": "alert", "message_id": f"<{drill}>"}])  # fmt: skip
        h.rows("events", drill, "notes.md", [{"ts": z(action, day), "kind": "note", "message": "서버 기동"}])
        h.probes(drill, "cf/push.log", "cf_push",
                 [(z("00:59:00", day), True)] + [(z(f"01:{m:02d}:00", day), False) for m in range(1, push_fail + 1)]
                 + [(z(f"01:{push_fail + 1:02d}:00", day), True)])  # fmt: skip
        if login:
            h.probes(drill, "cf/login.log", "cf_login",
                     [(z("00:59:00", day), True), (z("01:02:00", day), False), (z("01:04:00", day), True)])  # fmt: skip
    h.drill(
        "c",
        injected_at=z("01:00:00", "2019-01-05"),
        recovered_at=z("01:30:00", "2019-01-05"),
        foundation="cf-y",
    )


def test_drill_vs_drill(hand: HandLake) -> None:
    two_drills(hand)
    hand.build()
    got = hand.q(
        "SELECT drill, previous_drill, measure, value_s, previous_s, delta_s, verdict FROM drill_comparison"
    )
    assert [tuple(r.values()) for r in got] == [
        ("b", "a", "detection", 210, 180, 30, "unchanged"),
        ("b", "a", "response", 390, 1020, -630, "improved"),
        ("b", "a", "mitigation", 1800, 1800, 0, "unchanged"),
        ("b", "a", "ttr", 2400, 3000, -600, "improved"),
        ("b", "a", "downtime:cf_login", 120, None, None, "not observed before"),
        ("b", "a", "downtime:cf_push", 1200, 600, 600, "regressed"),
    ]  # fmt: skip
    assert hand.q("SELECT count(*) AS n FROM drill_measures WHERE drill = 'c'") == [{"n": 1}]  # its TTR alone


def test_report_sections(hand: HandLake) -> None:
    from drillscope.reports.render import write_report

    two_drills(hand)
    planned_drill(hand)
    hand.build()
    write_report(hand.out)
    index = (hand.out / "report" / "index.html").read_text(encoding="utf-8")
    section = index[index.index('<section id="drill-vs-drill">') :]
    assert '<tr data-measure="response"><td>Response (alert → first action)</td>' in section
    assert '<td class=num>6m30s <span class="v-improved">improved</span></td>' in section
    assert '<span class="v-regressed">Regressed</span>: Downtime: cf_push (10m00s → 20m00s)' in section
    assert "cf-y" not in section  # one drill only: nothing to compare
    page = (hand.out / "report" / "p1" / "index.html").read_text(encoding="utf-8")
    plan = page[page.index('<section id="plan-vs-actual">') :]
    assert '<span class="rto-fail">fail</span>' in plan
    assert (
        '<td>2019-01-03 10:10:00 KST</td><td>2019-01-03 10:20:00 KST</td><td class=num>+10m00s</td><td class="st-late">late</td>'
        in plan
    )
    md = (hand.out / "report" / "p1" / "summary.md").read_text(encoding="utf-8")
    assert (
        "| 2 | cf push test | 2019-01-03 10:10:00 KST | 2019-01-03 10:20:00 KST | +10m00s | late | `notes.md:3` |"
        in md
    )


SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_sample_drill_plans(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ingest_inputs([SAMPLES / "2019-01-03-az2"], out)
    build(out)
    got = plain_rows(
        query(out, "SELECT step_no, step, observed_at, status, evidence FROM plan_steps ORDER BY 1")
    )
    assert [tuple(r.values()) for r in got][-2:] == [
        (7, "power on server", "2019-01-03T06:53:00+00:00", "on time", "notes.md:7"),
        (8, "bosh cck", "2019-01-03T07:09:00+00:00", "late", "notes.md:9"),  # the lock held it back
    ]
    assert plain_rows(query(out, "SELECT rto_s, rto_result FROM drill_rto")) == [
        {"rto_s": 3600, "rto_result": "pass"}
    ]
