"""cf_logs: `cf logs APP --recent` -> app_traffic probes (RTR) and app_instance events (CELL/API/HEALTH)."""

from __future__ import annotations

import shutil

from drillscope.ingest.parsers import cf_cli, cf_events, cf_logs
from drillscope.ingest.registry import detect, parsers
from tests.conftest import FIXTURES, Lake

CF = FIXTURES / "cf"
SEOUL = 'id = "d"\ntimezone = "Asia/Seoul"\n'
UTC = "strftime(ts at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')"


def ingest(lake: Lake, *names: str, **files: str | bytes) -> dict:
    d = lake.drill("d", toml=SEOUL, **files)
    for n in names:
        shutil.copy(CF / n, d / n)
    res = {r.source_file: r for r in lake.ingest(d)}
    for r in res.values():
        assert r.lines == r.parsed_lines + r.quarantined + r.ignorable, r
    return res


def test_recent_logs_v6(lake: Lake) -> None:
    res = ingest(lake, "cf_logs_recent.txt")
    r = res["cf_logs_recent.txt"]
    assert (r.source_type, r.status, r.lines, r.parsed_lines, r.quarantined, r.ignorable) == (
        "cf_logs",
        "ok",
        133,
        131,
        0,
        2,
    )
    rows = lake.q(
        f"select {UTC} t, ok, status, latency_ms, detail, source_line from probes"
        " where capability = 'app_traffic' order by ts, source_line"
    )
    assert len(rows) == 44  # one per access record; the empty `[RTR/n] OUT ` lines are no requests
    # every one of the 115 cf log lines is queryable, the empty gorouter lines too
    assert lake.one("select count(*) from log_lines") == 115
    assert lake.one("select count(*) from log_lines where component like 'RTR/%' and message = ''") == 44
    assert sum(not x["ok"] for x in rows) == 8
    assert rows[4] == {
        "t": "2019-01-03T01:25:01.420Z",  # envelope 2019-01-03T10:25:01.42+0900
        "ok": False,
        "status": "failed",
        "latency_ms": 5069.917,
        "detail": "GET /actuator/health 502",
        "source_line": 14,
    }
    assert rows[0]["detail"] == "GET /actuator/health 200" and rows[0]["ok"]
    fails = [x["t"][11:19] for x in rows if not x["ok"]]
    assert fails == [
        "01:25:01",
        "01:25:16",
        "01:25:36",
        "01:25:51",
        "01:26:12",
        "01:26:27",
        "01:26:47",
        "01:27:12",
    ]
    assert [x["detail"] for x in rows if not x["ok"]][-1] == "GET /actuator/health 503"
    ev = lake.q(
        f"select {UTC} t, component, instance, severity, message from events where kind = 'app_instance'"
        " order by ts, source_line"
    )
    assert [(e["instance"], e["severity"], e["message"].split(":")[0]) for e in ev] == [
        ("0", "info", "creating"),
        ("0", "info", "started"),
        ("1", "warning", "stopping"),
        (None, "error", "crashed"),
        ("1", "error", "crashed"),
        ("1", "info", "creating"),
        ("1", "info", "started"),
    ]
    assert {e["component"] for e in ev} == {"order-api"}
    assert ev[4]["t"] == "2019-01-03T01:27:14.150Z"
    assert ev[4]["message"] == (
        "crashed: App instance exited (reason CRASHED, exit_description APP/PROC/WEB: Exited with status 1,"
        " crash_count 1)"
    )
    # the three `cf logs` runs themselves: the 10:38:10 one failed on the API
    assert lake.q(
        "select strftime(ts at time zone 'UTC', '%H:%M:%S') t, ok, detail from probes"
        " where capability = 'cf_api' order by ts"
    ) == [
        {"t": "01:27:52", "ok": True, "detail": None},
        {"t": "01:38:10", "ok": False, "detail": "502 Bad Gateway"},
        {"t": "01:46:31", "ok": True, "detail": None},
    ]


LEGACY = """\
2016-11-14T14:44:58.45+0000 [API/0]      OUT Updated app with guid 1e4b ({"state"=>"STOPPED"})
2016-11-14T14:44:59.01+0000 [CELL/0]     OUT Timed out after 1m0s: health check never passed.
   2016-11-14T14:45:00.10+0000 [HEALTH/0] ERR Failed to make TCP connection to port 8080: connection refused
   2016-11-14T14:45:01.00+0000 [APP/PROC/WEB/0] ERR Exception in thread "main"
   2016-11-14T14:45:02.00+0000 [RTR/2] OUT shop.example.com - [14/11/2016:14:45:01 +0000] "POST /cart HTTP/1.1" "-" 0 0 "-" "ua" 10.0.0.1:1 x_forwarded_for:"-" response_time:60.000123 app_id:1e4b
   2016-11-14T14:45:03.00+0000 [RTR/2] OUT shop.example.com - [2016-11-14T14:45:02.900+0000] "GET / HTTP/1.1" 200 0 5 "-" "ua" "10.0.0.1:1" "10.0.0.9:6100" x_cf_routererror:"-" response_time:0.1 app_id:"1e4b" app_index:"0"
   2016-11-14T14:45:04.00+0000 [RTR/2] OUT this is not an access log record
   2016-11-14T14:45:05.00+0000 [STG/0] OUT -----> Java Buildpack v4.16
   2016-13-45T14:45:05.00+0000 [SSH/0] OUT bad clock
"""


def test_legacy_header_sources_and_bad_lines(lake: Lake) -> None:
    res = ingest(lake, **{"shop.log": LEGACY})
    r = res["shop.log"]
    assert (r.source_type, r.status, r.quarantined, r.parsed_lines) == ("cf_logs", "partial", 2, 7)
    assert lake.q("select source_line, reason from quarantine order by source_line") == [
        {"source_line": 7, "reason": "RTR line is not a gorouter access log record"},
        {"source_line": 9, "reason": "cf log line with an unreadable time"},
    ]
    assert lake.q(f"select {UTC} t, ok, latency_ms, detail from probes order by ts") == [
        {"t": "2016-11-14T14:45:02.000Z", "ok": False, "latency_ms": 60000.123, "detail": "POST /cart -"},
        {"t": "2016-11-14T14:45:03.000Z", "ok": True, "latency_ms": 100.0, "detail": "GET / 200"},
    ]
    # every cf log line is a log_lines row, the one with an unreadable time excepted (it is quarantined)
    assert lake.q(f"select source_line, {UTC} t, level, component, message from log_lines order by source_line") == [
        {"source_line": 1, "t": "2016-11-14T14:44:58.450Z", "level": "OUT", "component": "API/0",
         "message": 'Updated app with guid 1e4b ({"state"=>"STOPPED"})'},
        {"source_line": 2, "t": "2016-11-14T14:44:59.010Z", "level": "OUT", "component": "CELL/0",
         "message": "Timed out after 1m0s: health check never passed."},
        {"source_line": 3, "t": "2016-11-14T14:45:00.100Z", "level": "ERR", "component": "HEALTH/0",
         "message": "Failed to make TCP connection to port 8080: connection refused"},
        {"source_line": 4, "t": "2016-11-14T14:45:01.000Z", "level": "ERR", "component": "APP/PROC/WEB/0",
         "message": 'Exception in thread "main"'},
        {"source_line": 5, "t": "2016-11-14T14:45:02.000Z", "level": "OUT", "component": "RTR/2",
         "message": LEGACY.splitlines()[4].split(" OUT ", 1)[1]},
        {"source_line": 6, "t": "2016-11-14T14:45:03.000Z", "level": "OUT", "component": "RTR/2",
         "message": LEGACY.splitlines()[5].split(" OUT ", 1)[1]},
        {"source_line": 7, "t": "2016-11-14T14:45:04.000Z", "level": "OUT", "component": "RTR/2",
         "message": "this is not an access log record"},
        {"source_line": 8, "t": "2016-11-14T14:45:05.000Z", "level": "OUT", "component": "STG/0",
         "message": "-----> Java Buildpack v4.16"},
    ]  # fmt: skip
    ev = lake.q("select component, instance, severity, message from events order by source_line")
    assert ev == [
        {"component": "shop", "instance": None, "severity": "warning", "message": "updated: state STOPPED"},
        {
            "component": "shop",
            "instance": "0",
            "severity": "error",
            "message": "health check failed: Timed out after 1m0s: health check never passed.",
        },
        {
            "component": "shop",
            "instance": "0",
            "severity": "warning",
            "message": "health check failed: Failed to make TCP connection to port 8080: connection refused",
        },
    ]


def test_router_timeout_is_a_failure_even_below_500(lake: Lake) -> None:
    line = (
        '   2019-01-03T10:25:01.42+0900 [RTR/1] OUT a.apps.x - [2019-01-03T01:24:56.350+0000] "GET /x HTTP/1.1"'
        ' 499 0 0 "-" "ua" "1.1.1.1:1" "2.2.2.2:2" x_cf_routererror:"timeout: request canceled"'
        ' response_time:15.0 app_id:"g" app_index:"0"\n'
    )
    ingest(lake, **{"x.log": "Retrieving logs for app a in org o / space s as u...\n\n" + line})
    assert lake.q("select ok, detail from probes") == [{"ok": False, "detail": "GET /x 499"}]


def test_probe_accepts_logs_and_rejects_others() -> None:
    head = (CF / "cf_logs_recent.txt").read_bytes().decode()[:16384]
    assert cf_logs.probe(head) and detect(head) is cf_logs
    assert not cf_cli.probe(head) and not cf_events.probe(head)
    assert cf_logs.probe(LEGACY) and cf_logs.probe(cf_logs.SAMPLE)
    for mod in parsers():
        if mod is not cf_logs:
            assert not cf_logs.probe(mod.SAMPLE), mod.NAME


def test_log_pass_is_vectorized_and_fast(tmp_path) -> None:
    """~20 MB of log lines through the polars path (the figure is reported, not asserted tightly)."""
    import time

    from drillscope.ingest.context import DrillConfig, FileContext

    block = (CF / "cf_logs_recent.txt").read_bytes().decode().split("\n")[4:104]
    text = "\n".join(block * 1500) + "\n"

    class Sink:
        redactions = 0

        def write(self, table, rows, clean=frozenset(), redactions=0) -> None:
            pass

    ctx = FileContext(DrillConfig(id="d", root=tmp_path), "x.log", tmp_path / "x.log", text.encode(), Sink())
    t0 = time.perf_counter()
    cf_logs.parse(ctx)
    dt = time.perf_counter() - t0
    assert ctx.parsed_lines + ctx.ignorable_lines + ctx.quarantined_lines == len(ctx.lines) == 150000
    assert dt < 30
