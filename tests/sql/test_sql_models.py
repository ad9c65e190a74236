"""The SQL models (sql/staging, sql/models, sql/summary.sql) on hand-made lakes: exact golden rows.

Rows are written straight into a lake with `drillscope.ingest.lake.write_atomic` (columns as in ingest/schema.py),
then the real `drillscope.build.build` runs every SQL file and the tests query the real DuckDB database.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from drillscope.build import SQL_DIR, BuildResult, build
from drillscope.ingest.lake import write_atomic
from drillscope.output import rows as plain_rows
from drillscope.query import query
from tests.conftest import commit_inputs

DEFAULT_SOURCE_TYPE = {
    "probes": "cf_cli",
    "alerts": "email",
    "events": "notes",
    "bosh_tasks": "bosh_task",
    "vm_states": "bosh_table",
    "cck_problems": "bosh_event_log",
    "metrics": "healthwatch",
    "quarantine": "cf_cli",
}


def t(iso: str) -> datetime:
    """An exact instant from an ISO string with its offset."""
    dt = datetime.fromisoformat(iso)
    assert dt.tzinfo is not None, iso
    return dt


class HandLake:
    """A lake written row by row (no parser involved), built into a real drillscope.duckdb."""

    def __init__(self, tmp: Path) -> None:
        self.out = tmp / "out"
        self.lake = self.out / "lake"
        self.lake.mkdir(parents=True, exist_ok=True)
        self.result: BuildResult | None = None

    def drill(
        self,
        drill: str,
        timezone: str = "UTC",
        injected_at: str | None = None,
        recovered_at: str | None = None,
        **extra: Any,
    ) -> None:
        """The drills row ingest writes from drill.toml (no toml when both instants are absent)."""
        row = {
            "drill": drill,
            "kind": "drill",
            "timezone": timezone,
            "director_timezone": "UTC",
            "injected_at": t(injected_at) if injected_at else None,
            "recovered_at": t(recovered_at) if recovered_at else None,
            "has_toml": injected_at is not None or recovered_at is not None,
            "root": f"/drills/{drill}",
            "config": "{}",
            **extra,
        }
        write_atomic(self.lake, "drills", drill, "drill", [row])

    def rows(self, table: str, drill: str, source_file: str, rows: list[dict]) -> None:
        """Rows of one input file; source_line defaults to the row's position (1-based)."""
        stamped = []
        for i, r in enumerate(rows, 1):
            r = dict(r)
            for k in ("ts", "started_at", "ended_at", "sent_at", "received_at"):
                if isinstance(r.get(k), str):
                    r[k] = t(r[k])
            r.setdefault("source_line", i)
            r.setdefault("source_type", DEFAULT_SOURCE_TYPE.get(table))
            stamped.append({"drill": drill, "source_file": source_file, **r})
        name = hashlib.sha256(f"{table}/{source_file}".encode()).hexdigest()
        write_atomic(self.lake, table, drill, name, stamped)

    def probes(
        self,
        drill: str,
        source_file: str,
        capability: str,
        obs: list[tuple[str, bool | None]],
        interval_s: float | None = None,
        source_type: str = "cf_cli",
    ) -> None:
        self.rows(
            "probes",
            drill,
            source_file,
            [
                {
                    "ts": ts,
                    "capability": capability,
                    "ok": ok,
                    "status": {True: "ok", False: "failed", None: "not_run"}[ok],
                    "interval_s": interval_s,
                    "source_type": source_type,
                }
                for ts, ok in obs
            ],
        )

    def build(self) -> BuildResult:
        commit_inputs(self.lake)
        self.result = build(self.out)
        return self.result

    def q(self, sql: str) -> list[dict]:
        return plain_rows(query(self.out, sql))

    def one(self, sql: str) -> Any:
        r = self.q(sql)
        assert len(r) == 1 and len(r[0]) == 1, r
        return next(iter(r[0].values()))

    def audits(self) -> dict[str, list[dict]]:
        assert self.result is not None
        return {a.name: a.rows for a in self.result.audits if a.rows}


@pytest.fixture
def hand(tmp_path: Path) -> HandLake:
    return HandLake(tmp_path)


# --- scenarios ---------------------------------------------------------------------------------------


def flapping(h: HandLake) -> None:
    """cf_push flaps fail/pass/fail; cf_login never fails (no interval given: median spacing)."""
    h.drill("flap", injected_at="2019-01-03T01:00:00+00:00", recovered_at="2019-01-03T01:30:00+00:00")
    h.probes(
        "flap",
        "loop/push.log",
        "cf_push",
        [
            ("2019-01-03T00:58:00+00:00", True),
            ("2019-01-03T01:00:00+00:00", False),
            ("2019-01-03T01:02:00+00:00", False),
            ("2019-01-03T01:04:00+00:00", True),
            ("2019-01-03T01:06:00+00:00", False),
            ("2019-01-03T01:08:00+00:00", True),
            ("2019-01-03T01:10:00+00:00", True),
        ],
        interval_s=120,
    )
    h.probes(
        "flap",
        "loop/login.log",
        "cf_login",
        [
            ("2019-01-03T01:00:00+00:00", True),
            ("2019-01-03T01:10:00+00:00", True),
            ("2019-01-03T01:20:00+00:00", True),
        ],
    )


def still_open(h: HandLake) -> None:
    h.drill("open", injected_at="2019-01-03T02:00:00+00:00", recovered_at="2019-01-03T02:20:00+00:00")
    h.probes(
        "open",
        "api.log",
        "cf_api",
        [
            ("2019-01-03T01:59:00+00:00", True),
            ("2019-01-03T02:01:00+00:00", False),
            ("2019-01-03T02:03:00+00:00", False),
        ],
        interval_s=120,
    )


def two_sources(h: HandLake) -> None:
    """cf_push seen by Healthwatch every 60 s and by a push loop every 210 s; apps_manager by two sources
    whose outages touch."""
    h.drill("union", injected_at="2019-01-03T10:00:00+00:00", recovered_at="2019-01-03T10:20:00+00:00")
    h.probes(
        "union",
        "hw/push.json",
        "cf_push",
        [
            ("2019-01-03T09:59:00+00:00", True),
            ("2019-01-03T10:00:00+00:00", True),
            ("2019-01-03T10:01:00+00:00", False),
            ("2019-01-03T10:02:00+00:00", False),
            ("2019-01-03T10:03:00+00:00", False),
            ("2019-01-03T10:04:00+00:00", True),
            ("2019-01-03T10:05:00+00:00", True),
        ],
        interval_s=60,
        source_type="healthwatch",
    )
    h.probes(
        "union",
        "push-loop.log",
        "cf_push",
        [
            ("2019-01-03T09:56:30+00:00", True),
            ("2019-01-03T10:00:00+00:00", True),
            ("2019-01-03T10:03:30+00:00", False),
            ("2019-01-03T10:07:00+00:00", True),
            ("2019-01-03T10:10:30+00:00", True),
        ],
    )
    h.probes(
        "union",
        "am-a.log",
        "apps_manager",
        [("2019-01-03T10:10:00+00:00", False), ("2019-01-03T10:12:00+00:00", True)],
        interval_s=120,
    )
    h.probes(
        "union",
        "am-b.log",
        "apps_manager",
        [
            ("2019-01-03T10:09:00+00:00", True),
            ("2019-01-03T10:12:00+00:00", False),
            ("2019-01-03T10:15:00+00:00", True),
        ],
        interval_s=180,
    )


def inferred(h: HandLake) -> None:
    """No drill.toml: injection from the operator's note, recovery from the cck task ending after the outage."""
    h.drill("noinfer", has_toml=False)
    h.rows(
        "events",
        "noinfer",
        "notes.md",
        [
            {
                "ts": "2019-01-03T03:03:00+00:00",
                "kind": "note",
                "ts_role": "noted",
                "message": "power off z1 server",
            },
            {
                "ts": "2019-01-03T03:20:00+00:00",
                "kind": "note",
                "ts_role": "noted",
                "message": "cck done, all good",
            },
        ],
    )
    h.rows(
        "vm_states",
        "noinfer",
        "vms.txt",
        [
            {
                "ts": "2019-01-03T03:04:00+00:00",
                "deployment": "cf-abc",
                "instance": "router/0",
                "az": "z1",
                "process_state": "unresponsive agent",
            },
            {
                "ts": "2019-01-03T03:04:00+00:00",
                "deployment": "cf-abc",
                "instance": "router/1",
                "az": "z2",
                "process_state": "running",
            },
            {
                "ts": None,
                "deployment": "p-healthwatch",
                "instance": "hw/0",
                "az": "z1",
                "process_state": "failing",
            },
        ],
    )
    h.probes(
        "noinfer",
        "push.log",
        "cf_push",
        [
            ("2019-01-03T03:00:00+00:00", True),
            ("2019-01-03T03:05:00+00:00", False),
            ("2019-01-03T03:10:00+00:00", False),
            ("2019-01-03T03:15:00+00:00", True),
        ],
    )
    h.rows(
        "alerts",
        "noinfer",
        "mail/a.eml",
        [
            {
                "ts": "2019-01-03T03:06:00+00:00",
                "alert": "CFPushFailed",
                "state": "firing",
                "kind": "alert",
                "message_id": "<1@hw>",
                "sent_at": "2019-01-03T03:06:20+00:00",  # no Received header: notified when sent
                "source_line": 1,
            }
        ],
    )
    h.rows(
        "bosh_tasks",
        "noinfer",
        "tasks.txt",
        [
            {
                "task_id": 7,
                "deployment": "cf-abc",
                "description": "create deployment",
                "state": "done",
                "started_at": "2019-01-03T02:50:00+00:00",
                "ended_at": "2019-01-03T02:55:00+00:00",
                "source_line": 4,
            },
            {
                "task_id": 42,
                "deployment": "cf-abc",
                "description": "scan and fix",
                "state": "done",
                "started_at": "2019-01-03T03:08:00+00:00",
                "ended_at": "2019-01-03T03:18:00+00:00",
                "source_line": 3,
            },
        ],
    )


def midnight(h: HandLake) -> None:
    """A Seoul drill from 23:50 to 00:20 local time."""
    h.drill(
        "midnight",
        timezone="Asia/Seoul",
        injected_at="2019-01-03T23:50:00+09:00",
        recovered_at="2019-01-04T00:20:00+09:00",
        foundation="cf-54c9c2f906b6aba996cd",
        fault="power off the physical server of AZ1",
        date=date(2019, 1, 3),
    )
    h.probes(
        "midnight",
        "push.log",
        "cf_push",
        [
            ("2019-01-03T23:51:00+09:00", True),
            ("2019-01-03T23:52:00+09:00", False),
            ("2019-01-03T23:59:00+09:00", False),
            ("2019-01-04T00:06:00+09:00", True),
        ],
    )
    h.probes(
        "midnight",
        "login.log",
        "cf_login",
        [
            ("2019-01-03T23:55:00+09:00", True),
            ("2019-01-03T23:58:00+09:00", False),
            ("2019-01-04T00:01:00+09:00", True),
        ],
    )
    h.rows(
        "alerts",
        "midnight",
        "alerts.mbox",
        [
            {
                "ts": "2019-01-03T23:55:00+09:00",
                "alert": "CFPushFailed",
                "state": "firing",
                "kind": "alert",
                "message_id": "<m1@am>",
                "source_line": 12,
            }
        ],
    )


def duplicate_mails(h: HandLake) -> None:
    """The same mail in an .eml and in an mbox, a forwarded copy earlier, a resolved mail, a second alert."""
    h.drill("mail", injected_at="2019-01-03T05:00:00+00:00", recovered_at="2019-01-03T05:30:00+00:00")
    firing = {
        "alert": "CFPushFailed",
        "state": "firing",
        "kind": "alert",
        "message_id": "<a1@am>",
        "subject": "[FIRING:1] CFPushFailed",
        "sent_at": "2019-01-03T05:04:31+00:00",
        "received_at": "2019-01-03T05:04:33+00:00",
    }
    h.rows(
        "alerts", "mail", "mail/one.eml", [{"ts": "2019-01-03T05:04:00+00:00", **firing, "source_line": 1}]
    )
    h.rows(
        "alerts",
        "mail",
        "mail/inbox.mbox",
        [
            {
                "ts": "2019-01-03T04:58:00+00:00",
                "alert": "Old",
                "state": "firing",
                "kind": "alert",
                "message_id": "<old@am>",
                "source_line": 1,
            },
            {
                "ts": "2019-01-03T05:03:00+00:00",
                "alert": "CFPushFailed",
                "state": "firing",
                "kind": "notification",
                "message_id": "<fw@corp>",
                "source_line": 20,
            },
            {"ts": "2019-01-03T05:04:00+00:00", **firing, "source_line": 40},
            {
                "ts": "2019-01-03T05:09:00+00:00",
                "alert": "CFLoginFailed",
                "state": "firing",
                "kind": "alert",
                "message_id": "<a2@am>",
                "source_line": 60,
            },
            {
                "ts": "2019-01-03T05:20:00+00:00",
                "alert": "CFPushFailed",
                "state": "resolved",
                "kind": "alert",
                "message_id": "<a3@am>",
                "source_line": 80,
            },
        ],
    )
    # the email parser's event rows of the two copies
    event = {"ts": "2019-01-03T05:04:00+00:00", "ts_role": "fired", "kind": "alert_email", "source_type": "email",
             "severity": "warning", "message": "[FIRING:1] CFPushFailed"}  # fmt: skip
    h.rows("events", "mail", "mail/one.eml", [{**event, "source_line": 1}])
    h.rows("events", "mail", "mail/inbox.mbox", [{**event, "source_line": 40}])


# --- outages ------------------------------------------------------------------------------------------

OUTAGE_COLS = "drill, capability, started_at, ended_at, duration_s, open, start_evidence, end_evidence"


def test_flapping_probe_gives_two_outages(hand: HandLake) -> None:
    flapping(hand)
    hand.build()
    assert hand.q(f"select {OUTAGE_COLS} from outages order by started_at") == [
        {"drill": "flap", "capability": "cf_push", "started_at": "2019-01-03T01:00:00+00:00",
         "ended_at": "2019-01-03T01:04:00+00:00", "duration_s": 240.0, "open": False,
         "start_evidence": "loop/push.log:2", "end_evidence": "loop/push.log:4"},
        {"drill": "flap", "capability": "cf_push", "started_at": "2019-01-03T01:06:00+00:00",
         "ended_at": "2019-01-03T01:08:00+00:00", "duration_s": 120.0, "open": False,
         "start_evidence": "loop/push.log:5", "end_evidence": "loop/push.log:6"},
    ]  # fmt: skip
    assert hand.audits() == {}


def test_capability_metrics_flapping_and_never_failing(hand: HandLake) -> None:
    flapping(hand)
    hand.build()
    assert hand.q("select * from capability_metrics order by capability") == [
        # cf_login: every 600 s (median spacing) from 01:00: the whole window is known up
        {"drill": "flap", "capability": "cf_login", "first_failure_at": None, "restored_at": None,
         "downtime_s": 0.0, "availability": 1.0, "known_up_s": 1800.0, "known_down_s": 0.0, "unknown_s": 0.0,
         "availability_min": 1.0, "availability_max": 1.0},
        # cf_push: observed 01:00-01:12 inside [01:00, 01:30]; 360 s down, 360 s up, 1080 s unknown
        {"drill": "flap", "capability": "cf_push", "first_failure_at": "2019-01-03T01:00:00+00:00",
         "restored_at": "2019-01-03T01:08:00+00:00", "downtime_s": 360.0, "availability": 0.8,
         "known_up_s": 360.0, "known_down_s": 360.0, "unknown_s": 1080.0,
         "availability_min": 0.2, "availability_max": 0.8},
    ]  # fmt: skip


def test_open_outage_ends_at_recovered_at(hand: HandLake) -> None:
    still_open(hand)
    hand.build()
    assert hand.q(f"select {OUTAGE_COLS} from outages") == [
        {"drill": "open", "capability": "cf_api", "started_at": "2019-01-03T02:01:00+00:00",
         "ended_at": "2019-01-03T02:20:00+00:00", "duration_s": 1140.0, "open": True,
         "start_evidence": "api.log:2", "end_evidence": None},
    ]  # fmt: skip
    cm = hand.q("select first_failure_at, restored_at, downtime_s, availability from capability_metrics")
    assert cm == [
        {"first_failure_at": "2019-01-03T02:01:00+00:00", "restored_at": None, "downtime_s": 1140.0,
         "availability": 0.05},
    ]  # fmt: skip
    assert hand.audits() == {}


def test_two_sources_at_different_rates_union(hand: HandLake) -> None:
    two_sources(hand)
    hand.build()
    assert hand.q(f"select {OUTAGE_COLS} from outages order by capability, started_at") == [
        # touching outages of two sources merge: [10:10, 10:12] + [10:12, 10:15]
        {"drill": "union", "capability": "apps_manager", "started_at": "2019-01-03T10:10:00+00:00",
         "ended_at": "2019-01-03T10:15:00+00:00", "duration_s": 300.0, "open": False,
         "start_evidence": "am-a.log:1", "end_evidence": "am-b.log:3"},
        # Healthwatch passes again at 10:04 while the push loop still fails (10:03:30 .. 10:07): one outage
        {"drill": "union", "capability": "cf_push", "started_at": "2019-01-03T10:01:00+00:00",
         "ended_at": "2019-01-03T10:07:00+00:00", "duration_s": 360.0, "open": False,
         "start_evidence": "hw/push.json:3", "end_evidence": "push-loop.log:4"},
    ]  # fmt: skip
    cm = hand.q(
        "select capability, downtime_s, availability, known_up_s, known_down_s, unknown_s, availability_min,"
        " availability_max from capability_metrics where capability = 'cf_push'"
    )
    # covered: 10:00-10:06 (every 60 s) and 09:56:30-10:14:00 (every 210 s) -> 840 s of the 1200 s window
    assert cm == [
        {"capability": "cf_push", "downtime_s": 360.0, "availability": 0.7, "known_up_s": 480.0,
         "known_down_s": 360.0, "unknown_s": 360.0, "availability_min": 0.4, "availability_max": 0.7},
    ]  # fmt: skip


# --- drill metrics ------------------------------------------------------------------------------------


def test_drill_without_toml_infers_injection_and_recovery(hand: HandLake) -> None:
    inferred(hand)
    hand.build()
    assert hand.q("select * from drill_metrics") == [
        {"drill": "noinfer", "foundation": "cf-abc", "injected_at": "2019-01-03T03:03:00+00:00",
         "injected_by": "inferred", "detected_at": "2019-01-03T03:06:00+00:00",
         "notified_at": "2019-01-03T03:06:20+00:00",
         "recovered_at": "2019-01-03T03:18:00+00:00", "ttd_s": 180.0, "ttn_s": 200.0, "ttr_s": 900.0,
         "injected_evidence": "notes.md:1", "detected_evidence": "mail/a.eml:1",
         "notified_evidence": "mail/a.eml:1", "recovered_evidence": "tasks.txt:3"},
    ]  # fmt: skip
    assert hand.audits() == {}


def test_inferred_injection_without_note_is_the_vm_not_running(hand: HandLake) -> None:
    inferred(hand)
    hand.rows("events", "noinfer", "notes.md", [])  # the notes file now has nothing
    hand.build()
    assert hand.q("select injected_at, injected_by, injected_evidence from drill_metrics") == [
        {
            "injected_at": "2019-01-03T03:04:00+00:00",
            "injected_by": "inferred",
            "injected_evidence": "vms.txt:1",
        }
    ]


def test_recovery_from_outages_when_tasks_end_earlier(hand: HandLake) -> None:
    """Without BOSH tasks the last closed outage sets recovered_at; notes never do."""
    inferred(hand)
    hand.rows("bosh_tasks", "noinfer", "tasks.txt", [])
    hand.build()
    assert hand.q("select recovered_at, recovered_evidence, ttr_s, foundation from drill_metrics") == [
        {
            "recovered_at": "2019-01-03T03:15:00+00:00",
            "recovered_evidence": "push.log:4",
            "ttr_s": 720.0,
            "foundation": "cf-abc",
        }
    ]


def test_duplicate_mail_counted_once_and_detection(hand: HandLake) -> None:
    duplicate_mails(hand)
    hand.build()
    assert hand.q("select ts, alert, source_file, source_line from stg_alerts order by ts") == [
        {"ts": "2019-01-03T04:58:00+00:00", "alert": "Old", "source_file": "mail/inbox.mbox", "source_line": 1},
        {"ts": "2019-01-03T05:04:00+00:00", "alert": "CFPushFailed", "source_file": "mail/inbox.mbox",
         "source_line": 40},
        {"ts": "2019-01-03T05:09:00+00:00", "alert": "CFLoginFailed", "source_file": "mail/inbox.mbox",
         "source_line": 60},
    ]  # fmt: skip
    # the forwarded copy (05:03) and the alert before the injection (04:58) do not detect; the operators could read
    # the mail when its first mail server took it (received_at)
    assert hand.q(
        "select detected_at, ttd_s, detected_evidence, notified_at, ttn_s, notified_evidence from drill_metrics"
    ) == [
        {"detected_at": "2019-01-03T05:04:00+00:00", "ttd_s": 240.0, "detected_evidence": "mail/inbox.mbox:40",
         "notified_at": "2019-01-03T05:04:33+00:00", "ttn_s": 273.0, "notified_evidence": "mail/inbox.mbox:40"}
    ]  # fmt: skip
    # the mail delay table and the event chart of the report show the mail once
    delays = hand.q("select message_id, alert, source_file from mail_delay where message_id = '<a1@am>'")
    assert len(delays) == 2  # the model keeps both copies ...
    from drillscope.db import open_db, run_named

    with open_db(hand.out) as con:
        shown = run_named(con, "report/mail_delay", {"drill": "mail"})
        events = run_named(con, "report/events", {"drill": "mail"})
    assert shown.filter(shown["message_id"] == "<a1@am>")["source_file"].to_list() == ["mail/inbox.mbox"]
    assert events.select("source_file", "source_line").rows() == [("mail/inbox.mbox", 40)]


def test_no_alert_no_detection(hand: HandLake) -> None:
    flapping(hand)
    hand.build()
    assert hand.q("select detected_at, ttd_s, detected_evidence, ttr_s from drill_metrics") == [
        {"detected_at": None, "ttd_s": None, "detected_evidence": None, "ttr_s": 1800.0}
    ]


def test_foundation_metrics(hand: HandLake) -> None:
    flapping(hand)
    still_open(hand)
    midnight(hand)
    hand.build()
    assert hand.q("select * from foundation_metrics") == [
        {"foundation": "cf-54c9c2f906b6aba996cd", "drills": 1, "drills_recovered": 1, "mttr_s": 1800.0,
         "min_ttr_s": 1800.0, "max_ttr_s": 1800.0, "mttd_s": 300.0},
        {"foundation": None, "drills": 2, "drills_recovered": 2, "mttr_s": 1500.0, "min_ttr_s": 1200.0,
         "max_ttr_s": 1800.0, "mttd_s": None},
    ]  # fmt: skip


# --- timeline -----------------------------------------------------------------------------------------


def test_timeline_inferred_drill(hand: HandLake) -> None:
    inferred(hand)
    hand.build()
    got = hand.q("select ts, phase, what, source_type, source_file, source_line from timeline")
    assert got == [
        {"ts": "2019-01-03T02:50:00+00:00", "phase": "baseline", "what": "bosh task 7 started: create deployment",
         "source_type": "bosh_task", "source_file": "tasks.txt", "source_line": 4},
        {"ts": "2019-01-03T02:55:00+00:00", "phase": "baseline", "what": "bosh task 7 done: create deployment",
         "source_type": "bosh_task", "source_file": "tasks.txt", "source_line": 4},
        {"ts": "2019-01-03T03:03:00+00:00", "phase": "injection",
         "what": "fault injected (inferred: first note of the fault): note: power off z1 server",
         "source_type": "notes", "source_file": "notes.md", "source_line": 1},
        {"ts": "2019-01-03T03:05:00+00:00", "phase": "degraded", "what": "cf_push down",
         "source_type": "cf_cli", "source_file": "push.log", "source_line": 2},
        {"ts": "2019-01-03T03:06:00+00:00", "phase": "detection", "what": "alert firing: CFPushFailed",
         "source_type": "email", "source_file": "mail/a.eml", "source_line": 1},
        {"ts": "2019-01-03T03:08:00+00:00", "phase": "mitigation", "what": "bosh task 42 started: scan and fix",
         "source_type": "bosh_task", "source_file": "tasks.txt", "source_line": 3},
        {"ts": "2019-01-03T03:15:00+00:00", "phase": "mitigation", "what": "cf_push restored",
         "source_type": "cf_cli", "source_file": "push.log", "source_line": 4},
        {"ts": "2019-01-03T03:18:00+00:00", "phase": "recovered", "what": "bosh task 42 done: scan and fix",
         "source_type": "bosh_task", "source_file": "tasks.txt", "source_line": 3},
        {"ts": "2019-01-03T03:18:00+00:00", "phase": "recovered",
         "what": "recovered (inferred: bosh task 42 ended (done): scan and fix)",
         "source_type": "bosh_task", "source_file": "tasks.txt", "source_line": 3},
        {"ts": "2019-01-03T03:20:00+00:00", "phase": "recovered", "what": "note: cck done, all good",
         "source_type": "notes", "source_file": "notes.md", "source_line": 2},
    ]  # fmt: skip


def test_timeline_flapping_manifest(hand: HandLake) -> None:
    flapping(hand)
    hand.build()
    got = hand.q("select ts, phase, what, source_file, source_line from timeline")
    assert got == [
        {"ts": "2019-01-03T01:00:00+00:00", "phase": "injection", "what": "fault injected",
         "source_file": "drill.toml", "source_line": None},
        {"ts": "2019-01-03T01:00:00+00:00", "phase": "injection", "what": "cf_push down",
         "source_file": "loop/push.log", "source_line": 2},
        {"ts": "2019-01-03T01:04:00+00:00", "phase": "degraded", "what": "cf_push restored",
         "source_file": "loop/push.log", "source_line": 4},
        {"ts": "2019-01-03T01:06:00+00:00", "phase": "degraded", "what": "cf_push down again",
         "source_file": "loop/push.log", "source_line": 5},
        {"ts": "2019-01-03T01:08:00+00:00", "phase": "degraded", "what": "cf_push restored",
         "source_file": "loop/push.log", "source_line": 6},
        {"ts": "2019-01-03T01:30:00+00:00", "phase": "recovered", "what": "recovered",
         "source_file": "drill.toml", "source_line": None},
    ]  # fmt: skip


# --- summary ------------------------------------------------------------------------------------------


def test_summary_crossing_midnight_in_drill_zone(hand: HandLake) -> None:
    midnight(hand)
    hand.build()
    summary = (SQL_DIR / "summary.sql").read_text(encoding="utf-8")
    assert hand.q(summary) == [
        {"drill": "midnight", "timezone": "Asia/Seoul", "injected": "2019-01-03 23:50:00",
         "detected": "2019-01-03 23:55:00", "ttd": "05:00", "notified": None, "ttn": None,
         "recovered": "2019-01-04 00:20:00", "ttr": "30:00", "downtime": "cf_push 14m00s, cf_login 3m00s",
         "note": ""},
    ]  # fmt: skip
    assert hand.q("select drill, injected_at, recovered_at, ttr_s from drill_metrics") == [
        {"drill": "midnight", "injected_at": "2019-01-03T14:50:00+00:00",
         "recovered_at": "2019-01-03T15:20:00+00:00", "ttr_s": 1800.0},
    ]  # fmt: skip


def test_summary_inferred_marks_injection(hand: HandLake) -> None:
    inferred(hand)
    flapping(hand)
    hand.build()
    summary = (SQL_DIR / "summary.sql").read_text(encoding="utf-8")
    got = [(r["drill"], r["injected"], r["ttd"], r["ttr"], r["downtime"]) for r in hand.q(summary)]
    assert got == [
        ("flap", "2019-01-03 01:00:00", None, "30:00", "cf_push 6m00s, cf_login 0m00s"),
        ("noinfer", "2019-01-03 03:03:00 (inferred)", "03:00", "15:00", "cf_push 10m00s"),
    ]


def test_build_is_repeatable(hand: HandLake) -> None:
    two_sources(hand)
    hand.build()
    first = hand.q(f"select {OUTAGE_COLS} from outages order by all")
    hand.build()
    assert hand.q(f"select {OUTAGE_COLS} from outages order by all") == first


def test_series_of_one_file_at_one_instant_any_failure_wins(hand: HandLake) -> None:
    """A Prometheus response with one probe_success series per instance: aligned samples are one observation."""
    hand.drill("prom", injected_at="2019-01-03T07:00:00+00:00", recovered_at="2019-01-03T07:10:00+00:00")
    rows = []
    for minute, a_ok, b_ok in ((0, True, True), (1, True, False), (2, True, False), (3, True, True)):
        for inst, ok, base in (("a", a_ok, 1), ("b", b_ok, 20)):
            rows.append(
                {
                    "ts": f"2019-01-03T07:0{minute}:00+00:00",
                    "capability": "app_traffic",
                    "ok": ok,
                    "status": "ok" if ok else "failed",
                    "detail": f'probe_success{{instance="{inst}"}} = {int(ok)}',
                    "interval_s": 60.0,
                    "source_type": "healthwatch",
                    "source_line": base + minute,
                }
            )
    hand.rows("probes", "prom", "probe_success.json", rows)
    hand.build()
    assert hand.q(f"select {OUTAGE_COLS} from outages") == [
        {"drill": "prom", "capability": "app_traffic", "started_at": "2019-01-03T07:01:00+00:00",
         "ended_at": "2019-01-03T07:03:00+00:00", "duration_s": 120.0, "open": False,
         "start_evidence": "probe_success.json:21", "end_evidence": "probe_success.json:4"},
    ]  # fmt: skip
    assert hand.q("select what from timeline where what like 'app_traffic%'") == [
        {"what": 'app_traffic down: probe_success{instance="b"} = 0'},
        {"what": "app_traffic restored"},
    ]


def test_operator_markers_in_the_timeline(hand: HandLake) -> None:
    """drill.toml `[[markers]]`: a date-less time on the drill's local date, an ISO time with an offset, one without
    (read in the drill's zone), one a day after the drill (kept: the operator wrote it for this drill) and a
    duplicate (one timeline row); each listed in the phase the drill is in at that instant."""
    import json

    inferred(hand)  # injected 03:03 UTC (12:03 KST), detected 03:06, first action 03:08, recovered 03:18
    markers = [
        {"at": "12:04", "label": "AZ2 network restored"},
        {"at": "2019-01-03T12:10:00+09:00", "label": "called the vendor"},
        {"at": "2019-01-03T12:30:00", "label": "all apps checked"},
        {"at": "2019-01-04T09:00:00Z", "label": "post-mortem"},
        {"at": "12:04:00", "label": "AZ2 network restored"},
    ]
    hand.drill("noinfer", timezone="Asia/Seoul", has_toml=True, config=json.dumps({"markers": markers}))
    hand.build()
    assert hand.q("select marker_no, ts, label, at_text from operator_markers") == [
        {"marker_no": 1, "ts": "2019-01-03T03:04:00+00:00", "label": "AZ2 network restored", "at_text": "12:04"},
        {"marker_no": 2, "ts": "2019-01-03T03:10:00+00:00", "label": "called the vendor",
         "at_text": "2019-01-03T12:10:00+09:00"},
        {"marker_no": 3, "ts": "2019-01-03T03:30:00+00:00", "label": "all apps checked",
         "at_text": "2019-01-03T12:30:00"},
        {"marker_no": 4, "ts": "2019-01-04T09:00:00+00:00", "label": "post-mortem", "at_text": "2019-01-04T09:00:00Z"},
        {"marker_no": 5, "ts": "2019-01-03T03:04:00+00:00", "label": "AZ2 network restored", "at_text": "12:04:00"},
    ]  # fmt: skip
    got = hand.q(
        "select ts, phase, what, source_type, source_file, source_line from timeline where what like 'marker:%'"
    )
    assert got == [
        {"ts": "2019-01-03T03:04:00+00:00", "phase": "degraded", "what": "marker: AZ2 network restored",
         "source_type": "drill.toml", "source_file": "drill.toml", "source_line": None},
        {"ts": "2019-01-03T03:10:00+00:00", "phase": "mitigation", "what": "marker: called the vendor",
         "source_type": "drill.toml", "source_file": "drill.toml", "source_line": None},
        {"ts": "2019-01-03T03:30:00+00:00", "phase": "recovered", "what": "marker: all apps checked",
         "source_type": "drill.toml", "source_file": "drill.toml", "source_line": None},
        {"ts": "2019-01-04T09:00:00+00:00", "phase": "recovered", "what": "marker: post-mortem",
         "source_type": "drill.toml", "source_file": "drill.toml", "source_line": None},
    ]  # fmt: skip
    # a marker is no operator action: mitigation still starts at bosh task 42 (03:08), detection is still the alert
    assert hand.one("select min(ts) from timeline where phase = 'mitigation'") == "2019-01-03T03:08:00+00:00"


def test_timeline_one_moment_per_task_and_only_near_the_drill(hand: HandLake) -> None:
    inferred(hand)
    hand.rows(
        "bosh_tasks",
        "noinfer",
        "task_42_event.jsonl",
        [{"task_id": 42, "started_at": "2019-01-03T03:08:01+00:00", "ended_at": "2019-01-03T03:18:00+00:00",
          "source_type": "bosh_event_log", "source_line": 1}],
    )  # fmt: skip
    hand.rows(
        "bosh_tasks",
        "noinfer",
        "tasks_all.txt",
        [
            {"task_id": 5, "description": "create release", "state": "done",
             "started_at": "2019-01-02T09:00:00+00:00", "ended_at": "2019-01-02T09:05:00+00:00"},
            {"task_id": 42, "description": "scan and fix", "state": "done",
             "started_at": "2019-01-03T03:08:00+00:00", "ended_at": "2019-01-03T03:18:01+00:00"},
            {"task_id": 43, "description": "retrieve vm-stats", "state": "done",
             "started_at": "2019-01-03T03:07:00+00:00", "ended_at": "2019-01-03T03:07:02+00:00"},
        ],
    )  # fmt: skip
    hand.build()
    got = hand.q("select ts, phase, what, source_file from timeline where what like 'bosh task%'")
    assert got == [
        {"ts": "2019-01-03T02:50:00+00:00", "phase": "baseline", "what": "bosh task 7 started: create deployment",
         "source_file": "tasks.txt"},
        {"ts": "2019-01-03T02:55:00+00:00", "phase": "baseline", "what": "bosh task 7 done: create deployment",
         "source_file": "tasks.txt"},
        # a look-up (bosh vms) is no mitigation
        {"ts": "2019-01-03T03:07:00+00:00", "phase": "degraded", "what": "bosh task 43 started: retrieve vm-stats",
         "source_file": "tasks_all.txt"},
        {"ts": "2019-01-03T03:07:02+00:00", "phase": "degraded", "what": "bosh task 43 done: retrieve vm-stats",
         "source_file": "tasks_all.txt"},
        {"ts": "2019-01-03T03:08:00+00:00", "phase": "mitigation", "what": "bosh task 42 started: scan and fix",
         "source_file": "tasks.txt"},
        {"ts": "2019-01-03T03:18:00+00:00", "phase": "mitigation", "what": "bosh task 42 done: scan and fix",
         "source_file": "tasks.txt"},
    ]  # fmt: skip
    # recovered_at: the last end of any task started after the injection, whatever capture shows it
    assert hand.one("select recovered_at from drill_metrics") == "2019-01-03T03:18:01+00:00"


def test_monitoring_folder_is_no_drill(hand: HandLake) -> None:
    """kind = 'monitoring' (continuous checks for the quarterly figures): outages, but nothing inferred."""
    hand.drill("mon", kind="monitoring", foundation="cf-east", has_toml=True)
    hand.probes(
        "mon",
        "hw/push.csv",
        "cf_push",
        [
            ("2019-02-01T00:00:00+00:00", True),
            ("2019-02-01T00:10:00+00:00", False),
            ("2019-02-01T00:20:00+00:00", True),
            ("2019-02-01T00:30:00+00:00", False),
        ],
        interval_s=600,
        source_type="healthwatch",
    )
    flapping(hand)
    hand.build()
    assert hand.q("select drill from drill_metrics") == [{"drill": "flap"}]
    assert hand.q("select injected_at, injected_by from stg_drills where drill = 'mon'") == [
        {"injected_at": None, "injected_by": None}
    ]
    # the open outage has no recovered_at to end at: it ends at the folder's last observation
    assert hand.q(f"select {OUTAGE_COLS} from outages where drill = 'mon'") == [
        {"drill": "mon", "capability": "cf_push", "started_at": "2019-02-01T00:10:00+00:00",
         "ended_at": "2019-02-01T00:20:00+00:00", "duration_s": 600.0, "open": False,
         "start_evidence": "hw/push.csv:2", "end_evidence": "hw/push.csv:3"},
        {"drill": "mon", "capability": "cf_push", "started_at": "2019-02-01T00:30:00+00:00",
         "ended_at": "2019-02-01T00:30:00+00:00", "duration_s": 0.0, "open": True,
         "start_evidence": "hw/push.csv:4", "end_evidence": None},
    ]  # fmt: skip
    assert hand.q("select drill, downtime_s, availability from capability_metrics where drill = 'mon'") == [
        {"drill": "mon", "downtime_s": 600.0, "availability": None}
    ]
    summary = (SQL_DIR / "summary.sql").read_text(encoding="utf-8")
    assert [r["drill"] for r in hand.q(summary)] == ["flap"]
    assert hand.audits() == {}


def test_summary_formats_long_durations(hand: HandLake) -> None:
    hand.drill("long", injected_at="2019-01-03T00:00:00+00:00", recovered_at="2019-01-05T01:02:03+00:00")
    hand.probes(
        "long",
        "push.log",
        "cf_push",
        [("2019-01-03T00:00:00+00:00", False), ("2019-01-03T02:05:09+00:00", True)],
    )
    hand.build()
    summary = (SQL_DIR / "summary.sql").read_text(encoding="utf-8")
    got = hand.q(summary)
    assert (got[0]["ttr"], got[0]["downtime"]) == ("2942:03", "cf_push 2h05m09s")


@pytest.mark.parametrize("seed", range(4))
def test_capability_bounds_equal_a_brute_force_count(tmp_path: Path, seed: int) -> None:
    """known_up/known_down/unknown of random multi-source cf_push probes (gaps, not-run checks, sources at
    other rates, given or median intervals) against counting every half second of the window by hand."""
    rng = random.Random(seed)
    h = HandLake(tmp_path)
    h.drill("rnd", injected_at="2019-01-03T10:00:00+00:00", recovered_at="2019-01-03T11:00:00+00:00")
    base = datetime(2019, 1, 3, 9, 50, tzinfo=UTC)
    for k in range(3):
        step = rng.choice([20, 30, 60, 90])
        obs = []
        for i in range(0, 4800 // step):
            if rng.random() < 0.15:
                continue  # a gap in this source's data
            r = rng.random()
            ok = None if r < 0.05 else r > 0.3
            obs.append(((base + timedelta(seconds=i * step + 7 * k)).isoformat(), ok))
        h.probes("rnd", f"src{k}.log", "cf_push", obs, interval_s=rng.choice([None, step, 45]))
    h.build()
    cover = h.q("select ts, interval_s from stg_observations where capability = 'cf_push'")
    down = h.q("select started_at, ended_at from outages where capability = 'cf_push'")
    w0 = datetime(2019, 1, 3, 10, tzinfo=UTC)

    def inside(t: datetime, a: str, seconds: float | None = None, b: str | None = None) -> bool:
        start = datetime.fromisoformat(a)
        end = start + timedelta(seconds=seconds) if seconds is not None else datetime.fromisoformat(b or a)
        return start <= t < end

    grid = [w0 + timedelta(seconds=k / 2) for k in range(7200)]
    covered = [any(inside(t, c["ts"], c["interval_s"]) for c in cover) for t in grid]
    is_down = [any(inside(t, d["started_at"], b=d["ended_at"]) for d in down) for t in grid]
    observed = sum(covered) / 2
    known_down = sum(c and d for c, d in zip(covered, is_down, strict=True)) / 2
    got = h.q(
        "select known_up_s, known_down_s, unknown_s from capability_metrics where capability = 'cf_push'"
    )
    assert got == [
        {"known_up_s": observed - known_down, "known_down_s": known_down, "unknown_s": 3600 - observed}
    ]
    assert 0 < known_down < observed <= 3600  # the case is not trivial


def test_injection_inferred_from_the_alert_says_so(hand: HandLake) -> None:
    """No drill.toml and the alert is the earliest failure signal: injected_at = detected_at, TTD 0 by construction;
    the summary and the report say so and suggest injected_at."""
    hand.drill("alertfirst", has_toml=False)
    hand.rows(
        "alerts",
        "alertfirst",
        "mail/a.eml",
        [{"ts": "2019-01-03T03:06:00+00:00", "alert": "CFPushFailed", "state": "firing", "kind": "alert",
          "message_id": "<1@hw>", "sent_at": "2019-01-03T03:06:31+00:00",
          "received_at": "2019-01-03T03:06:40+00:00"}],
    )  # fmt: skip
    hand.probes("alertfirst", "push.log", "cf_push", [("2019-01-03T03:05:00+00:00", True),
                ("2019-01-03T03:10:00+00:00", False), ("2019-01-03T03:15:00+00:00", True)])  # fmt: skip
    hand.rows(
        "probes",
        "alertfirst",
        "hw/push_failures.csv",
        [{"ts": "2019-01-03T03:11:00+00:00", "capability": "cf_push", "ok": False, "status": "failed",
          "source_type": "healthwatch", "series": "cf push failures (5m)",
          "mapped_by": "name states a failure count: 0 ok, > 0 failed"}],
    )  # fmt: skip
    hand.build()
    summary = (SQL_DIR / "summary.sql").read_text(encoding="utf-8")
    (row,) = hand.q(summary)
    assert (row["injected"], row["ttd"], row["ttn"]) == ("2019-01-03 03:06:00 (inferred)", "00:00", "00:40")
    assert row["note"] == "injection inferred from the first alert (TTD 0): set injected_at in drill.toml"
    from drillscope.reports.render import write_report

    page = (write_report(hand.out).parent / "alertfirst" / "index.html").read_text(encoding="utf-8")
    assert (
        '<p class=note id="inferred-injection">The injection time was inferred from the first alert' in page
    )
    assert "set injected_at in drill.toml." in page
    # the series that fed a capability, by rule
    signals = page.split("<table id=signals>")[1].split("</table>")[0]
    assert (
        "<tr><td>cf_push</td><td><code>cf push failures (5m)</code></td>"
        "<td>name states a failure count: 0 ok, &gt; 0 failed</td><td><code>hw/push_failures.csv</code></td>"
        "<td class=num>1</td><td class=num>1</td></tr>"
    ) in signals
