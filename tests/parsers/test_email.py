"""The `email` parser: .eml and mbox alert mails ingested for real and read back from DuckDB."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from drillscope.ingest.context import decode
from drillscope.ingest.parsers import email as em
from drillscope.ingest.registry import PROBE_BYTES, detect
from tests.conftest import FIXTURES, Lake

EMAIL = FIXTURES / "email"
EMLS = sorted(EMAIL.glob("*.eml"))
MBOX = EMAIL / "alerts_20190103.mbox"
TOML = """\
timezone = "Asia/Seoul"
date = "2019-01-03"
"""

# every sample's subject, decoded: UTF-8 base64 words, EUC-KR, ks_c_5601-1987, plain ASCII
SUBJECTS = {
    "01_firing_korean_utf8_subject_20190103_1028.eml": (
        "[PCF 경보][CRITICAL] Apps Manager(Canary App) 가용성 저하 - pcf-prod"
    ),
    "02_event_alerts_critical_canary_20190103_1028.eml": (
        "CRITICAL Threshold Event: Canary App Availability: canary-health-check; pcf-prod"
    ),
    "03_forward_euckr_20190103_1036.eml": "FW: [모의훈련] AZ1 전원 차단 후 cf push 실패",
    "04_alertmanager_hw2_firing_cfpush_20190103_1040.eml": "[1 ALERT FIRING] TanzuSLOCFPushAvailability",
    "05_alertmanager_default_resolved_diego_memory_20190103_1117.eml": "[RESOLVED] TASDiegoMemoryUsed (cf)",
    "06_cp949_ks_c_kst_20190103_1052.eml": "[PCF 경보][CRITICAL] 똠햏 Diego Cell 메모리 부족 - pcf-prod",
}


def _ingest_all(lake: Lake) -> Path:
    d = lake.drill("d1", toml=TOML)
    for f in [*EMLS, MBOX, EMAIL / "grafana_variants.mbox"]:
        lake.copy(f, "d1")
    lake.ingest(d)
    return d


def test_every_subject_decoded_exactly(lake: Lake) -> None:
    _ingest_all(lake)
    got = {
        r["source_file"]: r["subject"]
        for r in lake.q("select source_file, subject from alerts where source_file like '%.eml'")
    }
    assert got == SUBJECTS
    mbox = [
        r["subject"]
        for r in lake.q(
            "select subject from alerts where source_file = 'alerts_20190103.mbox' order by source_line"
        )
    ]
    assert mbox == [
        SUBJECTS["02_event_alerts_critical_canary_20190103_1028.eml"],
        SUBJECTS["01_firing_korean_utf8_subject_20190103_1028.eml"],
        SUBJECTS["03_forward_euckr_20190103_1036.eml"],
        SUBJECTS["04_alertmanager_hw2_firing_cfpush_20190103_1040.eml"],
        "HEALTHY Threshold Event: Canary App Availability: canary-health-check; pcf-prod",
        SUBJECTS["05_alertmanager_default_resolved_diego_memory_20190103_1117.eml"],
        "RE: [모의훈련] AZ1 전원 차단 후 cf push 실패",  # ks_c_5601-1987
    ]
    assert lake.one("select count(*) from alerts where subject like '%' || chr(65533) || '%'") == 0


def test_cp949_only_syllables_survive(lake: Lake) -> None:
    # the stdlib's euc_kr codec turns 똠 and 햏 into U+FFFD under ks_c_5601-1987: read as CP949
    d = lake.copy(EMAIL / "06_cp949_ks_c_kst_20190103_1052.eml", "d1")
    lake.ingest(d)
    (r,) = lake.q("select * from alerts")
    assert "똠햏" in r["subject"] and r["sender"] == "똠햏 모니터 <pcf-monitor@example.co.kr>"
    # Date with the zone name KST (+09:00); the firing time stated in the body wins for ts
    assert r["sent_at"] == "2019-01-03T01:52:00+00:00"
    assert r["ts"] == "2019-01-03T01:51:30+00:00"
    # the first hop is the bottom-most Received header (10:52:01 KST), not the top one (10:52:03)
    assert r["received_at"] == "2019-01-03T01:52:01+00:00"
    assert (r["state"], r["severity"], r["kind"]) == ("firing", "critical", "alert")


def test_alert_columns_per_sender(lake: Lake) -> None:
    _ingest_all(lake)
    rows = lake.q(
        "select ts, alert, state, severity, kind, sent_at, received_at from alerts "
        "where source_file = 'alerts_20190103.mbox' order by source_line"
    )
    assert rows == [
        # Event Alerts: no time in the body -> Date (+0000); first hop 10:28:05 KST
        {
            "ts": "2019-01-03T01:28:05+00:00",
            "alert": "Canary App Availability",
            "state": "firing",
            "severity": "critical",
            "kind": "alert",
            "sent_at": "2019-01-03T01:28:05+00:00",
            "received_at": "2019-01-03T01:28:05+00:00",
        },
        # Korean relay: `발생 시각: 2019-01-03 10:28:05 (KST)` in the body; name from `원본 제목:`
        {
            "ts": "2019-01-03T01:28:05+00:00",
            "alert": "Canary App Availability",
            "state": "firing",
            "severity": "critical",
            "kind": "alert",
            "sent_at": "2019-01-03T01:28:41+00:00",
            "received_at": "2019-01-03T01:28:43+00:00",
        },
        # operator forward: a notification, not a new alert; the quoted `Sent: … 10:28 AM` is ignored
        {
            "ts": "2019-01-03T01:36:12+00:00",
            "alert": "AZ1 전원 차단 후 cf push 실패",
            "state": None,
            "severity": None,
            "kind": "notification",
            "sent_at": "2019-01-03T01:36:12+00:00",
            "received_at": "2019-01-03T01:36:13+00:00",
        },
        # Healthwatch 2 template: StartsAt = midpoint of the Grafana link (01:09:45Z..02:09:45Z)
        {
            "ts": "2019-01-03T01:39:45+00:00",
            "alert": "TanzuSLOCFPushAvailability",
            "state": "firing",
            "severity": None,
            "kind": "alert",
            "sent_at": "2019-01-03T01:40:16+00:00",
            "received_at": "2019-01-03T01:40:16+00:00",
        },
        {
            "ts": "2019-01-03T01:47:40+00:00",
            "alert": "Canary App Availability",
            "state": "resolved",
            "severity": None,
            "kind": "alert",
            "sent_at": "2019-01-03T01:47:40+00:00",
            "received_at": "2019-01-03T01:47:40+00:00",
        },
        {
            "ts": "2019-01-03T02:17:31+00:00",
            "alert": "TASDiegoMemoryUsed",
            "state": "resolved",
            "severity": None,
            "kind": "alert",
            "sent_at": "2019-01-03T02:17:31+00:00",
            "received_at": "2019-01-03T02:17:31+00:00",
        },
        {
            "ts": "2019-01-03T02:21:03+00:00",
            "alert": "AZ1 전원 차단 후 cf push 실패",
            "state": None,
            "severity": None,
            "kind": "notification",
            "sent_at": "2019-01-03T02:21:03+00:00",
            "received_at": "2019-01-03T02:21:04+00:00",
        },
    ]


def test_same_mail_in_eml_and_mbox_has_one_message_id(lake: Lake) -> None:
    _ingest_all(lake)
    per_file = lake.q(
        "select source_file, count(*) as n from alerts "
        "where message_id = '<1546478885000000000.2a@event-alerts.sys.pcf.example.co.kr>' "
        "group by source_file order by source_file"
    )
    assert per_file == [
        {"source_file": "02_event_alerts_critical_canary_20190103_1028.eml", "n": 1},
        {"source_file": "alerts_20190103.mbox", "n": 1},
    ]
    # 6 .eml + 7 mbox + 4 Grafana mails (one repeated inside its mailbox) + a grouped Alertmanager
    # mail with 3 alerts = 20 rows, 13 distinct mails
    assert lake.one("select count(*) from alerts") == 20
    assert lake.one("select count(distinct message_id) from alerts") == 13
    # the first firing alert, the same mail seen twice counted once
    first = lake.q(
        "select message_id, min(ts) as ts from alerts where kind = 'alert' and state = 'firing' "
        "group by message_id order by ts, message_id limit 1"
    )
    assert first[0]["ts"] == "2019-01-03T01:28:05+00:00"


def test_grafana_alertmanager_variants_dates_and_dedup(lake: Lake) -> None:
    d = lake.copy(EMAIL / "grafana_variants.mbox", "d1")
    (res,) = lake.ingest(d)
    rows = lake.q(
        "select source_line, ts, alert, state, severity, kind, subject from alerts where source_line < 78 "
        "order by source_line"
    )
    assert rows == [
        # Date `-0000` is UTC; the second copy of this Message-ID (line 19) is skipped
        {
            "source_line": 1,
            "ts": "2019-01-03T01:30:00+00:00",
            "alert": "Canary probe failing",
            "state": "firing",
            "severity": None,
            "kind": "alert",
            "subject": "[Alerting] Canary probe failing",
        },
        {
            "source_line": 37,
            "ts": "2019-01-03T01:31:00+00:00",
            "alert": "CanaryAvailability",
            "state": "firing",
            "severity": "warning",
            "kind": "alert",
            "subject": "[FIRING:2, RESOLVED:1] CanaryAvailability cf (pcf-prod)",
        },
        # Korean forward prefix; Q-encoded UTF-8 subject; Date in EST
        {
            "source_line": 54,
            "ts": "2019-01-03T01:55:00+00:00",
            "alert": "TASCLICommandStatus",
            "state": "firing",
            "severity": None,
            "kind": "notification",
            "subject": "전달: [FIRING:1] TASCLICommandStatus",
        },
        # Date with GMT
        {
            "source_line": 65,
            "ts": "2019-01-03T01:50:00+00:00",
            "alert": "Canary probe failing",
            "state": "resolved",
            "severity": None,
            "kind": "alert",
            "subject": "[OK] Canary probe failing",
        },
    ]
    # a grouped Alertmanager mail (group_by job): one row per alert named in the body, one Message-ID
    grouped = lake.q(
        "select alert, state, severity, message_id from alerts where source_line = 78 order by state, alert"
    )
    assert grouped == [
        {"alert": "TASCLICommandStatus", "state": "firing", "severity": "critical", "message_id": "<1546479660000000000.1@tsdb-0>"},
        {"alert": "TanzuSLOCFPushAvailability", "state": "firing", "severity": None, "message_id": "<1546479660000000000.1@tsdb-0>"},
        {"alert": "TASCLICommandStatus", "state": "resolved", "severity": None, "message_id": "<1546479660000000000.1@tsdb-0>"},
    ]  # fmt: skip
    # conservation: 107 lines = 103 parsed (7 mbox messages incl. the repeat) + 1 quarantined + 3 ignorable
    assert (res.lines, res.parsed_lines, res.quarantined, res.ignorable, res.status) == (
        107,
        103,
        1,
        3,
        "partial",
    )
    assert lake.q("select source_line, reason, raw from quarantine") == [
        {
            "source_line": 74,
            "reason": "e-mail message without Subject, Date or From",
            "raw": "From MAILER-DAEMON Thu Jan  3 02:00:00 2019",
        }
    ]


def test_events_rows_for_the_timeline(lake: Lake) -> None:
    d = lake.copy(MBOX, "d1")
    lake.ingest(d)
    ev = lake.q("select ts, ts_role, kind, severity, message from events order by source_line")
    assert [e["kind"] for e in ev] == ["alert_email"] * 2 + ["email_notification"] + ["alert_email"] * 3 + [
        "email_notification"
    ]
    assert ev[0] == {
        "ts": "2019-01-03T01:28:05+00:00",
        "ts_role": "sent",
        "kind": "alert_email",
        "severity": "critical",
        "message": SUBJECTS["02_event_alerts_critical_canary_20190103_1028.eml"],
    }
    assert ev[3]["ts_role"] == "fired" and ev[3]["severity"] == "warning"  # HW2: no severity label
    assert ev[4]["severity"] == "info"  # HEALTHY


def test_conservation_exact_and_gzip(lake: Lake) -> None:
    d = lake.drill("d1", toml=TOML, **{"mail/alerts.mbox.gz": gzip.compress(MBOX.read_bytes())})
    for f in EMLS:
        lake.copy(f, "d1")
    res = {r.source_file: r for r in lake.ingest(d)}
    for r in res.values():
        assert r.source_type == "email" and r.status == "ok", r
        assert r.lines == r.parsed_lines and r.quarantined == 0 and r.ignorable == 0
    assert res["mail/alerts.mbox.gz"].lines == 372
    assert res["mail/alerts.mbox.gz"].rows == 14  # 7 alerts + 7 events
    files = lake.q(
        "select source_file, lines, parsed_lines, ignorable, quarantined, status from ingest_files"
    )
    assert all(f["lines"] == f["parsed_lines"] + f["ignorable"] + f["quarantined"] for f in files)


def test_leading_blank_lines_and_garbage_message(lake: Lake) -> None:
    text = "\n\n" + (EMAIL / "02_event_alerts_critical_canary_20190103_1028.eml").read_text()
    d = lake.drill("d1", **{"a.eml": text})
    (r,) = lake.ingest(d)
    assert (r.lines, r.parsed_lines, r.ignorable, r.quarantined) == (38, 36, 2, 0)
    assert lake.one("select source_line from alerts") == 3


@pytest.mark.parametrize("path", [*EMLS, MBOX, EMAIL / "grafana_variants.mbox"], ids=lambda p: p.name)
def test_probe_accepts_mail(path: Path) -> None:
    head = decode(path.read_bytes()[:PROBE_BYTES])[0]
    assert em.probe(head)
    assert detect(head) is em


def test_probe_rejects_lookalikes() -> None:
    http = "HTTP/1.1 200 OK\nDate: Thu, 03 Jan 2019 01:36:01 GMT\nContent-Type: application/json\n\n{}\n"
    assert not em.probe(http)
    headers_only_http = "Date: Thu, 03 Jan 2019 01:36:01 GMT\nContent-Type: text/html\nServer: nginx\n\n"
    assert not em.probe(headers_only_http)
    assert not em.probe("From here on we note:\n- 10:25 power off\n")
    assert not em.probe((FIXTURES / "notes" / "pcf-ha-drill-ko.md").read_text(encoding="utf-8"))


def test_decode_header_words() -> None:
    # adjacent words of one charset are joined as bytes: a word may end inside a UTF-8 character
    raw = "=?UTF-8?B?6rI=?=\r\n =?UTF-8?B?veuztA==?= x =?euc-kr?Q?=8Cc?="
    assert em.decode_header(raw) == "경보 x 똠"
    assert em.decode_header("=?utf-8?q?=5BFIRING=3A1=5D_A?= (b)") == "[FIRING:1] A (b)"
    assert em.decode_header("plain text") == "plain text"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("Thu, 03 Jan 2019 01:28:05 -0000", "2019-01-03T01:28:05+00:00"),
        ("Thu, 3 Jan 2019 10:28:41 +0900 (KST)", "2019-01-03T01:28:41+00:00"),
        ("Thu, 3 Jan 2019 10:28:41 KST", "2019-01-03T01:28:41+00:00"),
        ("Wed, 2 Jan 2019 17:28:41 PST", "2019-01-03T01:28:41+00:00"),
        ("Thu, 3 Jan 2019 01:28:41 UT", "2019-01-03T01:28:41+00:00"),
        ("3 Jan 2019 01:28 Z", "2019-01-03T01:28:00+00:00"),
    ],
)
def test_date_zones(value: str, iso: str) -> None:
    assert em.parse_date(value).isoformat() == iso


def test_classify_subjects() -> None:
    c = em.classify
    assert c("WARNING Threshold Event: Cell Memory Available: diego_cell; pcf-prod") == {
        "format": "event_alerts",
        "state": "firing",
        "alert": "Cell Memory Available",
        "severity": "warning",
    }
    assert c("Healthy Threshold Event: VM Memory Used: log-cache; pws")["state"] == "resolved"
    assert c("[FIRING:3] TASRouterHealth router (cf critical)")["alert"] == "TASRouterHealth"
    assert c("[0 ALERT RESOLVED] TanzuSLOCFPushAvailability")["state"] == "resolved"
    assert c("[3 ALERTS FIRING] BOSHDirectorStatus")["alert"] == "BOSHDirectorStatus"
    assert c("[No Data] Canary")["state"] == "firing"
    assert c("오늘 회의 일정") is None


# when the alert fired (ts), when it was sent (Date) and when the first mail server took it (the bottom-most
# Received hop), per sender kind
ALERT_TIMES = [
    # Healthwatch 2 template: StartsAt is the midpoint of the Grafana link's from/to (01:09:45Z .. 02:09:45Z)
    ("04_alertmanager_hw2_firing_cfpush_20190103_1040.eml",
     "2019-01-03T01:39:45+00:00", "2019-01-03T01:40:16+00:00", "2019-01-03T01:40:16+00:00",
     "<20190103014016.8C04F6@mx01.example.co.kr>"),
    # Korean relay: `발생 시각: 2019-01-03 10:28:05 (KST)` in the body; Date 10:28:41 KST, received 10:28:43 KST
    ("01_firing_korean_utf8_subject_20190103_1028.eml",
     "2019-01-03T01:28:05+00:00", "2019-01-03T01:28:41+00:00", "2019-01-03T01:28:43+00:00",
     "<1190733421.4471.1546478921330@relay01.example.co.kr>"),
    # Event Alerts: no firing time in the mail, so the Date header; first hop 10:28:05 KST (the top one is 10:28:06)
    ("02_event_alerts_critical_canary_20190103_1028.eml",
     "2019-01-03T01:28:05+00:00", "2019-01-03T01:28:05+00:00", "2019-01-03T01:28:05+00:00",
     "<1546478885000000000.2a@event-alerts.sys.pcf.example.co.kr>"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "ts", "sent_at", "received_at", "message_id"), ALERT_TIMES)
def test_alert_fired_sent_received(
    lake: Lake, name: str, ts: str, sent_at: str, received_at: str, message_id: str
) -> None:
    lake.ingest(lake.copy(EMAIL / name, "d1"))
    assert lake.q("select ts, sent_at, received_at, message_id, state from alerts") == [
        {
            "ts": ts,
            "sent_at": sent_at,
            "received_at": received_at,
            "message_id": message_id,
            "state": "firing",
        }
    ]


def test_relay_startsat_line_is_the_firing_time(lake: Lake) -> None:
    mail = (
        "Received: from relay01.example.co.kr by mail.example.co.kr; Thu, 3 Jan 2019 10:41:02 +0900\n"
        "From: relay@example.co.kr\nTo: ops@example.co.kr\n"
        "Subject: [ALERT][CRITICAL] cf push failing - pcf-prod\n"
        "Date: Thu, 3 Jan 2019 10:41:00 +0900\nMessage-ID: <r1@relay01>\n\n"
        "alertname: TanzuSLOCFPushAvailability\nStartsAt: 2019-01-03T01:39:45.123Z\n"
    )
    lake.ingest(lake.drill("d1", **{"relay.eml": mail}))
    assert lake.q("select ts, sent_at, received_at, message_id from alerts") == [
        {"ts": "2019-01-03T01:39:45+00:00", "sent_at": "2019-01-03T01:41:00+00:00",
         "received_at": "2019-01-03T01:41:02+00:00", "message_id": "<r1@relay01>"}
    ]  # fmt: skip


def test_mail_saved_as_headers_only(lake: Lake) -> None:
    # a mail whose body was not saved (headers copied from a client's "show original"; synthetic)
    headers = (
        "Return-Path: <alertmanager@example.com>\n"
        "Received: from mx (mx [10.0.0.1]) by mail; Thu, 3 Jan 2019 10:28:06 +0900 (KST)\n"
        "From: alertmanager@example.com\nTo: ops@example.com\n"
        "Subject: [FIRING:1] CFCanaryAppDown (cf canary)\n"
        "Date: Thu, 03 Jan 2019 01:28:05 +0000\nMessage-ID: <x1@example.com>\n"
    )
    (r,) = lake.ingest(lake.drill("h", **{"alert.eml": headers}))
    assert (r.source_type, r.status, r.lines, r.parsed_lines) == ("email", "ok", 7, 7)
    assert lake.q("select alert, state, ts, received_at from alerts") == [
        {"alert": "CFCanaryAppDown", "state": "firing", "ts": "2019-01-03T01:28:05+00:00",
         "received_at": "2019-01-03T01:28:06+00:00"}
    ]  # fmt: skip
