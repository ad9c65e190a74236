"""Clock skew (sql/align): estimates from moments two sources saw, drill.toml `[clock_offsets]`,
`--align`, ts_original beside ts, the mail_delay model, the report section; on hand-made lakes and the samples.

Sign convention: offset_s = source clock − reference clock; a probe laptop 35 s fast has offset_s = +35 and its
corrected time is ts = ts_original − 35 s.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from drillscope.build import DB_NAME, build
from drillscope.cli import app
from drillscope.errors import DrillscopeError
from drillscope.ingest.pipeline import ingest_inputs
from drillscope.reports.skew import skew_section
from tests.conftest import commit_inputs
from tests.sql.test_sql_models import HandLake

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
T0 = datetime(2019, 1, 3, 1, 0, tzinfo=UTC)  # the fault, true time (director clock)
FAST = timedelta(seconds=35)  # the probe laptop runs 35 s ahead


@pytest.fixture
def hand(tmp_path: Path) -> HandLake:
    return HandLake(tmp_path)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def fast_laptop(h: HandLake, config: dict | None = None) -> None:
    """cf push fails from 01:00:00 to 01:09:59 (true time). Healthwatch's push check (director NTP) samples every
    60 s; the cf CLI loop samples every 20 s and prints its laptop's time, 35 s fast. Also a cf error event of the
    loop, a `bosh events` alert (director time) and `bosh vms` snapshots timed by the operator's `date` line."""
    h.drill(
        "skew",
        injected_at=iso(T0),
        recovered_at=iso(T0 + timedelta(minutes=30)),
        config=json.dumps(config or {}),
    )

    def ok(true: datetime) -> bool:
        return not (T0 <= true < T0 + timedelta(minutes=10))

    hw = [T0 + timedelta(minutes=m) for m in range(-10, 21)]
    h.probes("skew", "healthwatch/push.json", "cf_push", [(iso(x), ok(x)) for x in hw], 60.0, "healthwatch")
    loop = [T0 + timedelta(seconds=s) for s in range(-300, 901, 20)]
    h.probes("skew", "cf/push_probe.log", "cf_push", [(iso(x + FAST), ok(x)) for x in loop], None, "cf_cli")
    h.rows(
        "events",
        "skew",
        "cf/push_probe.log",
        [
            {
                "ts": iso(T0 + FAST),
                "kind": "cf_error",
                "message": "FAILED",
                "source_type": "cf_cli",
                "source_line": 9,
            }
        ],
    )
    h.rows(
        "events",
        "skew",
        "bosh/events.txt",
        [
            {
                "ts": iso(T0 + timedelta(seconds=90)),
                "kind": "hm_alert",
                "instance": "diego_cell/abc",
                "message": "5f1e has timed out. Alert @ 2019-01-03 01:01:30 UTC",
                "source_type": "bosh_table",
            }
        ],
    )
    h.rows(
        "vm_states",
        "skew",
        "bosh/vms.txt",
        [
            {"ts": iso(T0 - timedelta(minutes=5)), "ts_basis": "date_line", "instance": "diego_cell/abc",
             "process_state": "running", "source_line": 8},
            {"ts": iso(T0 + timedelta(minutes=4)), "ts_basis": "date_line", "instance": "diego_cell/abc",
             "process_state": "unresponsive agent", "source_line": 20},
        ],
    )  # fmt: skip


def cf_first_failure(h: HandLake) -> dict:
    return h.q(
        "select ts, ts_original from probes where source_type = 'cf_cli' and not ok order by ts_original limit 1"
    )[0]


def test_estimate_laptop_35s_fast_nothing_moves_without_opt_in(hand: HandLake) -> None:
    fast_laptop(hand)
    hand.build()
    est = hand.q(
        "select source_type, reference, method, kind, offset_s, offset_min_s, offset_max_s, n, consistent, "
        "applicable, evidence_ref, reference_ref from clock_skew_estimates where method = 'transitions'"
    )
    # onset and restoration both seen 35 s late by the laptop; the 20 s loop window keeps 0 out of the bounds
    assert est == [
        {
            "source_type": "cf_cli",
            "reference": "healthwatch (director NTP)",
            "method": "transitions",
            "kind": "point",
            "offset_s": 35.0,
            "offset_min_s": 15.0,  # previous loop run 00:59:40 + 35 s vs Healthwatch's failure at 01:00:00
            "offset_max_s": 95.0,  # first failure 01:00:35 vs Healthwatch's last pass at 00:59:00
            "n": 2,
            "consistent": True,
            "applicable": True,
            "evidence_ref": "cf/push_probe.log:16",
            "reference_ref": "healthwatch/push.json:11",
        }
    ]
    assert "first failure cf/push_probe.log:16 at 01:00:35Z" in hand.one(
        "select evidence from clock_skew_estimates where method = 'transitions'"
    )
    # opt-in only: nothing moved, ts_original = ts in every table
    assert cf_first_failure(hand) == {
        "ts": "2019-01-03T01:00:35+00:00",
        "ts_original": "2019-01-03T01:00:35+00:00",
    }
    for table in ("events", "probes", "alerts", "metrics", "vm_states"):
        assert hand.one(f"select count(*) from {table} where ts is distinct from ts_original") == 0, table
    assert hand.q("select * from clock_corrections") == []
    assert hand.q("select * from clock_skew") == []
    # the laptop's late restoration (01:10:35) ends the union of outages
    assert hand.one("select downtime_s from capability_metrics where capability = 'cf_push'") == 635


def test_align_applies_the_estimate(hand: HandLake) -> None:
    fast_laptop(hand)
    commit_inputs(hand.lake)
    hand.result = build(hand.out, align=True)
    assert cf_first_failure(hand) == {
        "ts": "2019-01-03T01:00:00+00:00",
        "ts_original": "2019-01-03T01:00:35+00:00",
    }
    # every cf_cli row moved (61 probes, 1 event); Healthwatch, bosh events and snapshots did not
    assert hand.q("select key, key_kind, offset_s, origin, rows_shifted from clock_skew") == [
        {
            "key": "cf_cli",
            "key_kind": "source_type",
            "offset_s": 35.0,
            "origin": "estimate",
            "rows_shifted": 62,
        }
    ]
    assert hand.one("select ts from events where kind = 'cf_error'") == "2019-01-03T01:00:00+00:00"
    assert (
        hand.one("select count(*) from probes where source_type = 'healthwatch' and ts <> ts_original") == 0
    )
    assert hand.one("select count(*) from vm_states where ts <> ts_original") == 0
    # both sources now agree: the outage is the 10 minutes the fault lasted
    assert hand.one("select downtime_s from capability_metrics where capability = 'cf_push'") == 600


def test_drill_toml_offset_shifts_cf_cli_and_keeps_ts_original(hand: HandLake) -> None:
    fast_laptop(hand, {"clock_offsets": {"cf_cli": "+35s", "bosh_table": -10}})
    hand.build()  # no --align: drill.toml offsets apply regardless
    assert cf_first_failure(hand) == {
        "ts": "2019-01-03T01:00:00+00:00",
        "ts_original": "2019-01-03T01:00:35+00:00",
    }
    assert hand.q("select key, offset_s, origin, evidence, rows_shifted from clock_skew order by key") == [
        {"key": "bosh_table", "offset_s": -10.0, "origin": "drill.toml",
         "evidence": "drill.toml [clock_offsets] bosh_table = -10", "rows_shifted": 2},
        {"key": "cf_cli", "offset_s": 35.0, "origin": "drill.toml",
         "evidence": 'drill.toml [clock_offsets] cf_cli = "+35s"', "rows_shifted": 62},
    ]  # fmt: skip
    # bosh_table: only the operator's `date`-line times move (−10 s offset: +10 s), not the director's events
    assert hand.q("select ts, ts_original from vm_states order by source_line") == [
        {"ts": "2019-01-03T00:55:10+00:00", "ts_original": "2019-01-03T00:55:00+00:00"},
        {"ts": "2019-01-03T01:04:10+00:00", "ts_original": "2019-01-03T01:04:00+00:00"},
    ]
    assert hand.one("select ts = ts_original from events where kind = 'hm_alert'") is True
    # the estimates are still computed on the printed times
    assert hand.one("select offset_s from clock_skew_estimates where method = 'transitions'") == 35.0


def test_drill_toml_file_key_wins_and_beats_the_estimate(hand: HandLake) -> None:
    fast_laptop(hand, {"clock_offsets": {"cf/push_probe.log": 30.5}})
    commit_inputs(hand.lake)
    hand.result = build(hand.out, align=True)
    # the file key applies (30.5 s); the cf_cli estimate (35 s) applies to cf_cli files without a key: none here
    assert cf_first_failure(hand)["ts"] == "2019-01-03T01:00:04.500000+00:00"
    assert hand.q("select key, key_kind, offset_s, origin, rows_shifted from clock_skew order by key") == [
        {"key": "cf/push_probe.log", "key_kind": "source_file", "offset_s": 30.5, "origin": "drill.toml",
         "rows_shifted": 62},
        {"key": "cf_cli", "key_kind": "source_type", "offset_s": 35.0, "origin": "estimate", "rows_shifted": 0},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ({"cf-cli": "+35s"}, 'key "cf-cli" is neither a source_type'),
        ({"bosh_debug": 5}, "the BOSH director is the reference clock"),
        ({"cf_cli": "35 seconds"}, 'cf_cli = "35 seconds": not an offset'),
    ],
)
def test_bad_clock_offsets_stop_the_build(hand: HandLake, offsets: dict, message: str) -> None:
    fast_laptop(hand, {"clock_offsets": offsets})
    with pytest.raises(DrillscopeError, match="sql/align/clock_offsets_config.sql") as exc:
        hand.build()
    assert message in str(exc.value)
    assert not (hand.out / DB_NAME).exists()  # atomic: no half-built database


def test_vm_snapshot_vs_health_monitor_is_a_bound(hand: HandLake) -> None:
    fast_laptop(hand)
    hand.build()
    assert hand.q(
        "select source_type, kind, offset_s, offset_min_s, offset_max_s, n, applicable, evidence_ref, reference_ref "
        "from clock_skew_estimates where method = 'vm_snapshot_vs_hm'"
    ) == [
        {
            "source_type": "bosh_table",
            "kind": "bound",
            "offset_s": None,
            "offset_min_s": -390.0,  # running at 00:55:00 vs HM at 01:01:30
            "offset_max_s": 330.0,  # unresponsive at 01:04:00 vs HM at 01:01:30, + 180 s HM detection lag
            "n": 1,
            "applicable": False,
            "evidence_ref": "bosh/vms.txt:20",
            "reference_ref": "bosh/events.txt:1",
        }
    ]


def mails(h: HandLake) -> None:
    h.drill("mail", injected_at="2019-01-03T01:00:00+00:00")
    at = datetime(2019, 1, 3, 1, 2, 3, tzinfo=UTC)
    h.rows(
        "alerts",
        "mail",
        "mail/relay.eml",
        [{"ts": iso(at), "alert": "Can CF Push", "state": "firing", "kind": "alert", "sent_at": iso(at + timedelta(seconds=37)),
          "received_at": at + timedelta(seconds=42.5), "message_id": "<r@relay>"}],
    )  # fmt: skip
    h.rows(
        "alerts",
        "mail",
        "mail/direct.eml",
        [{"ts": iso(at), "alert": "Can CF Push", "state": "firing", "kind": "alert", "sent_at": iso(at),
          "received_at": at + timedelta(seconds=1), "message_id": "<d@hw>"}],
    )  # fmt: skip
    # the email parser's events say where each ts came from: the body (fired) or the Date header (sent)
    h.rows("events", "mail", "mail/relay.eml", [{"ts": iso(at), "ts_role": "fired", "kind": "alert_email", "source_type": "email"}])  # fmt: skip
    h.rows("events", "mail", "mail/direct.eml", [{"ts": iso(at), "ts_role": "sent", "kind": "alert_email", "source_type": "email"}])  # fmt: skip


def test_mail_delay_per_alert_exact_seconds(hand: HandLake) -> None:
    mails(hand)
    hand.build()
    assert hand.q(
        "select evidence, fired_from, firing_to_sent_s, sent_to_received_s, firing_to_received_s "
        "from mail_delay order by evidence"
    ) == [
        # no firing time in the body: the firing-based delays are unknown, not 0
        {"evidence": "mail/direct.eml:1", "fired_from": "Date header", "firing_to_sent_s": None,
         "sent_to_received_s": 1.0, "firing_to_received_s": None},
        {"evidence": "mail/relay.eml:1", "fired_from": "body", "firing_to_sent_s": 37.0,
         "sent_to_received_s": 5.5, "firing_to_received_s": 42.5},
    ]  # fmt: skip
    assert hand.q(
        "select clock, offset_max_s, n, evidence_ref from clock_skew_estimates where method = 'mail_hops' order by clock"
    ) == [
        {"clock": "mail sender (Date header)", "offset_max_s": 37.0, "n": 1, "evidence_ref": "mail/relay.eml:1"},
        {"clock": "mail server (first Received hop)", "offset_max_s": 1.0, "n": 2, "evidence_ref": "mail/direct.eml:1"},
    ]  # fmt: skip


def test_report_section_escapes_and_shows_both_tables(hand: HandLake) -> None:
    fast_laptop(hand, {"clock_offsets": {"cf_cli": "+35s"}})
    mails(hand)
    hand.rows(
        "alerts",
        "skew",
        "mail/x.eml",
        [{"ts": iso(T0), "alert": "<script>alert(1)</script>", "state": "firing", "sent_at": iso(T0),
          "received_at": T0 + timedelta(seconds=3)}],
    )  # fmt: skip
    hand.build()
    con = duckdb.connect(str(hand.out / DB_NAME), read_only=True)
    try:
        page = skew_section(con, "skew", "Asia/Seoul", {"drill": "Drill"})
        ko = skew_section(con, "skew", "Asia/Seoul", {"drill": "훈련"})
        mail_page = skew_section(con, "mail", "UTC", {})
        assert skew_section(con, "no-such-drill", "UTC", {}) == ""
    finally:
        con.close()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "id=clock-skew-estimates" in page and "id=clock-corrections" in page
    assert "+35 s" in page and "+15 s … +95 s" in page and "cf/push_probe.log:16" in page
    assert "2019-01-03 10:00:00 KST" in page  # mail times in the drill's zone
    assert "시계 오차" in ko and "메일 전달 지연" in ko
    assert "No correction applied" in mail_page
    assert "42.5 s" in mail_page and "37 s" in mail_page


def test_cli_build_align_flag(hand: HandLake) -> None:
    fast_laptop(hand)
    commit_inputs(hand.lake)
    res = CliRunner().invoke(app, ["build", "--out", str(hand.out), "--align"])
    assert res.exit_code in (0, 1), res.output  # 1 only for audit violations of the hand-made lake
    assert hand.one("select origin from clock_skew") == "estimate"
    res = CliRunner().invoke(app, ["build", "--out", str(hand.out)])
    assert hand.q("select * from clock_skew") == []


# --- the sample drills: written with consistent clocks -----------------------------------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    drills = [SAMPLES / d for d in ("2019-01-03-az1", "2019-01-03-az2")]
    if not all((d / "drill.toml").exists() for d in drills):
        pytest.skip("data/samples does not hold the two sample drills")
    out = tmp_path_factory.mktemp("skew-samples") / "out"
    ingest_inputs(drills, out)
    build(out, align=True)
    return out


def test_samples_estimates_are_consistent_with_zero(samples: Path) -> None:
    h = HandLake(samples.parent)  # queries the samples' database
    est = h.q(
        "select drill, source_type, method, offset_s, offset_min_s, offset_max_s, n, applicable "
        "from clock_skew_estimates order by drill, source_type, method, clock"
    )
    point = [r for r in est if r["method"] == "transitions"]
    # the loop runs ~1-3 min apart and Healthwatch every minute: the first changes differ by tens of seconds,
    # but 0 lies inside the bounds of both drills, so --align moves nothing
    assert point == [
        {"drill": "2019-01-03-az1", "source_type": "cf_cli", "method": "transitions", "offset_s": 24.5,
         "offset_min_s": -58.0, "offset_max_s": 60.0, "n": 2, "applicable": False},
        {"drill": "2019-01-03-az2", "source_type": "cf_cli", "method": "transitions", "offset_s": -47.0,
         "offset_min_s": -104.0, "offset_max_s": 6.0, "n": 2, "applicable": False},
    ]  # fmt: skip
    vm = [r for r in est if r["method"] == "vm_snapshot_vs_hm"]
    assert vm == [
        {"drill": "2019-01-03-az1", "source_type": "bosh_table", "method": "vm_snapshot_vs_hm", "offset_s": None,
         "offset_min_s": -362.0, "offset_max_s": 1008.0, "n": 16, "applicable": False},
    ]  # fmt: skip
    assert all(r["offset_min_s"] is None or r["offset_min_s"] <= 0 <= (r["offset_max_s"] or 0) for r in est)
    assert h.q("select * from clock_skew") == []
    assert h.one("select count(*) from probes where ts <> ts_original") == 0
    delays = h.q(
        "select evidence, firing_to_sent_s, sent_to_received_s from mail_delay where fired_from = 'body' order by 1"
    )
    assert delays == [
        {"evidence": "mail/02_relay_ko_critical_canary_1028.eml:1", "firing_to_sent_s": 36.0, "sent_to_received_s": 2.0},
        {"evidence": "mail/02_relay_ko_critical_cf_push_1544.eml:1", "firing_to_sent_s": 38.0, "sent_to_received_s": 2.0},
    ]  # fmt: skip
