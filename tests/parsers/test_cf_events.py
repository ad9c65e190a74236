"""cf_events: `cf events APP` tables (v6, v8, wrapped descriptions) and /v2/events, /v3/audit_events JSON."""

from __future__ import annotations

import json
import shutil

import pytest

from drillscope.ingest.parsers import cf_cli, cf_events, cf_logs
from drillscope.ingest.registry import detect, parsers
from tests.conftest import FIXTURES, Lake

CF = FIXTURES / "cf"
SEOUL = 'id = "d"\ntimezone = "Asia/Seoul"\n'


def ingest(lake: Lake, *names: str, **files: str | bytes) -> dict:
    d = lake.drill("d", toml=SEOUL, **files)
    for n in names:
        shutil.copy(CF / n, d / n)
    res = {r.source_file: r for r in lake.ingest(d)}
    for r in res.values():
        assert r.lines == r.parsed_lines + r.quarantined + r.ignorable, r
    return res


UTC = "strftime(ts at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ')"


def test_v6_events_table(lake: Lake) -> None:
    res = ingest(lake, "cf_events.txt")
    r = res["cf_events.txt"]
    assert (r.source_type, r.status, r.lines, r.parsed_lines, r.ignorable) == ("cf_events", "ok", 52, 50, 2)
    assert lake.one("select count(*) from events where kind = 'app_event'") == 40
    crash = lake.q(
        f"select {UTC} t, component, instance, severity, message, source_line from events"
        " where message like 'app.crash%'"
    )
    assert crash == [
        {
            "t": "2019-01-03T01:27:14Z",  # 2019-01-03T10:27:14.00+0900
            "component": "order-api",
            "instance": "1",
            "severity": "error",
            "message": "app.crash (order-api): index: 1, reason: CRASHED, cell_id: 2b9f6d13-7e4a-4a0c-b8d2-5c1e9f3a7b60,"
            " instance: 9b7e2d4a-51c3-4f80-6a2d-7c9e, exit_description: APP/PROC/WEB: Exited with status 1",
            "source_line": 7,
        }
    ]
    stopped = lake.q(
        f"select {UTC} t, component, severity, message from events where component = 'probe-app'"
        " and message like '%STOPPED' order by ts"
    )
    assert len(stopped) == 6
    assert stopped[4] == {
        "t": "2019-01-03T01:34:16Z",
        "component": "probe-app",
        "severity": "warning",
        "message": "audit.app.update (drill-operator@example.com): state: STOPPED",
    }
    assert lake.one(
        "select message from events where message like 'audit.app.upload-bits%' limit 1"
    ).endswith("(drill-operator@example.com)")
    # each `cf events` run also answered the API
    assert lake.q(f"select {UTC} t, capability, ok from probes order by ts") == [
        {"t": "2019-01-03T01:50:12Z", "capability": "cf_api", "ok": True},
        {"t": "2019-01-03T01:50:40Z", "capability": "cf_api", "ok": True},
    ]


def test_v8_events_table_keeps_trailing_pad(lake: Lake) -> None:
    res = ingest(lake, "cf_events_v8.txt")
    assert res["cf_events_v8.txt"].source_type == "cf_events"
    rows = lake.q(f"select {UTC} t, instance, message from events order by source_line")
    assert [r["message"].split(" (")[0] for r in rows] == [
        "app.crash",
        "audit.app.process.crash",
        "audit.app.update",
        "audit.app.upload-bits",
    ]
    assert rows[1]["t"] == "2019-01-03T01:27:14Z" and rows[1]["instance"] == "1"
    assert rows[3]["message"] == "audit.app.upload-bits (drill-operator@example.com)"


WRAPPED = """\
Getting events for app order-api in org drill-org / space drill-space as drill-operator...

time                          event       actor       description
2019-01-03T10:27:14.00+0900   app.crash   order-api   index: 0, reason: CRASHED, exit_description: Instance never healthy after 1m0s:
                                                      Failed to make TCP connection to port 8080: connection refused
2019-01-03T10:20:00.00-0500   audit.app.update   ops   state: STARTED
this line is garbage
"""


def test_wrapped_description_and_misaligned_row(lake: Lake) -> None:
    res = ingest(lake, **{"ev.txt": WRAPPED})
    r = res["ev.txt"]
    assert (r.source_type, r.quarantined, r.status) == ("cf_events", 1, "partial")
    rows = lake.q(f"select {UTC} t, instance, message, source_line from events order by source_line")
    assert rows[0] == {
        "t": "2019-01-03T01:27:14Z",
        "instance": "0",
        "message": "app.crash (order-api): index: 0, reason: CRASHED, exit_description: Instance never healthy"
        " after 1m0s: Failed to make TCP connection to port 8080: connection refused",
        "source_line": 4,
    }
    # not aligned with the header: split on the gaps; -0500 offset honoured
    assert rows[1]["t"] == "2019-01-03T15:20:00Z"
    assert rows[1]["message"] == "audit.app.update (ops): state: STARTED"
    assert lake.q("select source_line, reason from quarantine") == [
        {"source_line": 7, "reason": "cf events row without a time"}
    ]


V3 = {
    "pagination": {"total_results": 2, "total_pages": 1, "first": {"href": "x"}, "last": {"href": "x"}},
    "resources": [
        {
            "guid": "a595fe2f-01ff-4965-a50c-290258ab8582",
            "created_at": "2019-01-03T01:27:14Z",
            "updated_at": "2019-01-03T01:27:14Z",
            "type": "audit.app.process.crash",
            "actor": {"guid": "g1", "type": "process", "name": "web"},
            "target": {"guid": "g2", "type": "app", "name": "order-api"},
            "data": {
                "index": 1,
                "reason": "CRASHED",
                "exit_description": "APP/PROC/WEB: Exited with status 1",
            },
            "space": {"guid": "s"},
            "organization": {"guid": "o"},
            "links": {"self": {"href": "x"}},
        },
        {
            "guid": "b595fe2f-01ff-4965-a50c-290258ab8583",
            "created_at": "2019-01-03T01:34:16Z",
            "updated_at": "2019-01-03T01:34:16Z",
            "type": "audit.app.update",
            "actor": {"guid": "u", "type": "user", "name": "drill-operator@example.com"},
            "target": {"guid": "g3", "type": "app", "name": "probe-app"},
            "data": {"request": {"state": "STOPPED"}},
            "space": {"guid": "s"},
            "organization": None,
            "links": {"self": {"href": "x"}},
        },
    ],
}


def test_v3_audit_events_json(lake: Lake) -> None:
    res = ingest(lake, **{"audit.json": json.dumps(V3, indent=2) + "\n"})
    r = res["audit.json"]
    assert (r.source_type, r.status, r.quarantined) == ("cf_events", "ok", 0)
    rows = lake.q(
        f"select {UTC} t, component, instance, severity, message, source_line from events order by ts"
    )
    assert rows == [
        {
            "t": "2019-01-03T01:27:14Z",
            "component": "order-api",
            "instance": "1",
            "severity": "error",
            "message": "audit.app.process.crash (web): index: 1, reason: CRASHED,"
            " exit_description: APP/PROC/WEB: Exited with status 1",
            "source_line": 13,  # the `{` that opens the resource
        },
        {
            "t": "2019-01-03T01:34:16Z",
            "component": "probe-app",
            "instance": None,
            "severity": "warning",
            "message": "audit.app.update (drill-operator@example.com): state: STOPPED",
            "source_line": 45,
        },
    ]


def test_v2_events_json_file(lake: Lake) -> None:
    text = (CF / "cf_curl_probe.log").read_text().split('results-per-page=2"\n', 1)[1]
    res = ingest(lake, **{"events.json": text})
    assert res["events.json"].source_type == "cf_events" and res["events.json"].quarantined == 0
    rows = lake.q("select component, message from events order by source_line")
    assert [r["message"].split(":")[0] for r in rows] == [
        "app.crash (order-api)",
        "audit.app.process.crash (web)",
    ]


def test_truncated_events_json_is_quarantined(lake: Lake) -> None:
    text = json.dumps(V3, indent=2)[:900]
    res = ingest(lake, **{"audit.json": text})
    r = res["audit.json"]
    assert r.source_type == "cf_events" and r.quarantined == r.lines - r.ignorable


@pytest.mark.parametrize("name", ["cf_events.txt", "cf_events_v8.txt"])
def test_probe_accepts_events(name: str) -> None:
    head = (CF / name).read_bytes().decode()[:16384]
    assert cf_events.probe(head) and detect(head) is cf_events
    assert not cf_cli.probe(head) and not cf_logs.probe(head)


def test_probe_rejects_others() -> None:
    assert cf_events.probe(cf_events.SAMPLE) and cf_events.probe(json.dumps(V3))
    for mod in parsers():
        if mod is not cf_events:
            assert not cf_events.probe(mod.SAMPLE), mod.NAME
