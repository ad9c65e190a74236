"""cf_cli: captured cf push / login / apps / app / curl runs -> probes, cf_error and app_state events."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drillscope.ingest.parsers import cf_cli, cf_events, cf_logs
from drillscope.ingest.registry import detect, parsers
from tests.conftest import FIXTURES, Lake

CF = FIXTURES / "cf"
SEOUL = 'id = "d"\ntimezone = "Asia/Seoul"\n'


def ingest(lake: Lake, *names: str, toml: str = SEOUL, **files: str | bytes) -> dict:
    d = lake.drill("d", toml=toml, **files)
    for n in names:
        shutil.copy(CF / n, d / n)
    return {r.source_file: r for r in lake.ingest(d)}


def utc(col: str = "ts") -> str:
    return f"strftime({col} at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ')"


def assert_conserved(res: dict) -> None:
    for r in res.values():
        assert r.lines == r.parsed_lines + r.quarantined + r.ignorable, r
        assert r.status in ("ok", "partial"), (r.source_file, r.status, r.message)


def test_push_probe_v6_wrapper_loop(lake: Lake) -> None:
    res = ingest(lake, "push_probe.log")
    r = res["push_probe.log"]
    assert (r.source_type, r.status, r.quarantined) == ("cf_cli", "ok", 0)
    assert_conserved(res)
    rows = lake.q(f"select {utc()} t, capability, ok, status, detail, source_line from probes order by ts")
    assert len(rows) == 18
    assert {x["capability"] for x in rows} == {"cf_push"}
    assert [x["ok"] for x in rows] == [True] * 4 + [False] * 12 + [True] * 2
    # `Thu Jan  3 10:29:49 KST 2019` (two spaces, KST) -> UTC
    assert rows[4] == {
        "t": "2019-01-03T01:29:49Z",
        "capability": "cf_push",
        "ok": False,
        "status": "failed",
        "detail": "502 Bad Gateway",
        "source_line": 257,
    }
    assert [x["detail"] for x in rows[4:16]] == [
        "502 Bad Gateway",
        "i/o timeout",
        "502 Bad Gateway",
        "503 Service Unavailable",  # HAProxy HTML body
        "503 Stager is unavailable: execution expired",  # CC JSON body
        "i/o timeout",
        "502 Bad Gateway",  # v3 `Code: 0, Title: , Detail: ...`
        "502 Bad Gateway",
        "502 Bad Gateway",
        "i/o timeout",
        "503 Service Unavailable",
        "502 Bad Gateway",
    ]
    assert rows[16]["t"] == "2019-01-03T01:43:00Z" and rows[16]["detail"] is None
    ev = lake.q("select kind, capability, severity, count(*) n from events group by all order by kind")
    assert ev == [
        {"kind": "app_state", "capability": None, "severity": "info", "n": 12},
        {"kind": "cf_error", "capability": "cf_push", "severity": "error", "n": 12},
        {"kind": "cf_warning", "capability": "cf_push", "severity": "warning", "n": 1},
    ]
    first = lake.q(
        f"select {utc()} t, message, source_line from events where kind = 'cf_error' order by ts limit 1"
    )
    assert first[0]["t"] == "2019-01-03T01:29:49Z" and first[0]["source_line"] == 257
    assert first[0]["message"].splitlines()[0] == "Unexpected Response"
    inst = lake.q(
        "select component, instance, message from events where kind = 'app_state' order by ts, source_line limit 2"
    )
    assert inst == [
        {
            "component": "probe-app",
            "instance": None,
            "message": "requested state: started, instances: 1/1 (web)",
        },
        {
            "component": "probe-app",
            "instance": "0",
            "message": "#0 running since 2019-01-03T01:22:47Z (cpu 0.0%, memory 4.9M of 64M, disk 6.4M of 256M)",
        },
    ]


def test_login_probe_ts_prefixed_legacy_login(lake: Lake) -> None:
    res = ingest(lake, "login_probe.log")
    assert_conserved(res)
    rows = lake.q(f"select {utc()} t, capability, ok, latency_ms, detail from probes order by ts")
    assert len(rows) == 13 and {x["capability"] for x in rows} == {"cf_login"}
    assert [x["ok"] for x in rows] == [True] * 4 + [False, True, False, False, False, True, False, True, True]
    failed = [(x["t"], x["detail"], x["latency_ms"]) for x in rows if not x["ok"]]
    assert failed == [
        ("2019-01-03T01:29:18Z", "502 Bad Gateway", 0.0),
        ("2019-01-03T01:33:22Z", "i/o timeout", 15000.0),  # `ts` 10:33:22 -> FAILED at 10:33:37
        ("2019-01-03T01:35:39Z", "The targeted API endpoint could not be reached", 3000.0),
        ("2019-01-03T01:37:41Z", "503 Service Unavailable", 0.0),
        ("2019-01-03T01:41:45Z", "502 Bad Gateway", 0.0),
    ]
    assert rows[0]["latency_ms"] == 2000.0
    # the three attempts of 10:35:39 and the final message, each at its own `ts` time
    errs = lake.q(
        f"select {utc()} t, message from events where kind = 'cf_error' and ts >= '2019-01-03 01:35:00+00'"
        " and ts < '2019-01-03 01:36:00+00' order by source_line"
    )
    assert errs == [
        {"t": "2019-01-03T01:35:40Z", "message": "The targeted API endpoint could not be reached."},
        {"t": "2019-01-03T01:35:41Z", "message": "The targeted API endpoint could not be reached."},
        {"t": "2019-01-03T01:35:42Z", "message": "Credentials were rejected, please try again."},
        {"t": "2019-01-03T01:35:42Z", "message": "Unable to authenticate."},
    ]


def test_push_trace_retries_and_latency(lake: Lake) -> None:
    res = ingest(lake, "push_trace.log")
    assert_conserved(res)
    assert lake.q(f"select {utc()} t, capability, ok, latency_ms, detail, source_line from probes") == [
        {
            "t": "2019-01-03T01:36:01Z",
            "capability": "cf_push",
            "ok": False,
            "latency_ms": 11000.0,  # first REQUEST 10:36:01 .. last RESPONSE 10:36:12
            "detail": "502 Bad Gateway",
            "source_line": 3,
        }
    ]
    reqs = lake.q(f"select {utc()} t, message from events where kind = 'cf_request' order by source_line")
    assert [r["message"].rsplit(" -> ", 1)[1] for r in reqs] == [
        "502 Bad Gateway in 5000 ms",
        "503 Service Unavailable in 0 ms",
        "502 Bad Gateway in 5000 ms",
    ]
    assert reqs[0]["t"] == "2019-01-03T01:36:02Z"


def test_legacy_trace_crlf_without_date_line(lake: Lake) -> None:
    res = ingest(lake, "login_trace_legacy.log")
    assert_conserved(res)
    assert lake.q(f"select {utc()} t, capability, ok, detail from probes") == [
        {
            "t": "2019-01-03T01:37:55Z",
            "capability": "cf_login",
            "ok": False,
            "detail": "503 Service Unavailable",
        }
    ]
    assert lake.one("select message from events where kind = 'cf_error'") == (
        "Server error, status code: 503, error code: 0, message:"
    )


def test_cf_apps_and_app_korean_date_lines(lake: Lake) -> None:
    res = ingest(lake, "cf_apps.txt")
    assert_conserved(res)
    rows = lake.q(f"select {utc()} t, ok, detail from probes order by ts, source_line")
    assert len(rows) == 11 and sum(not r["ok"] for r in rows) == 2
    assert rows[0]["t"] == "2019-01-03T01:24:31Z"  # `2019. 01. 03. (목) 10:24:31 KST`
    assert [(r["t"], r["detail"]) for r in rows if not r["ok"]] == [
        ("2019-01-03T01:31:07Z", "502 Bad Gateway"),  # cf apps, legacy `FAILED` then `Server error`
        ("2019-01-03T01:31:07Z", "i/o timeout"),  # cf app, refactored error before `FAILED`
    ]
    inst = lake.q(
        f"select {utc()} t, component, instance, severity, message from events where kind = 'app_state'"
        " and instance is not null and ts = '2019-01-03 01:26:02+00'"
    )
    assert inst == [
        {
            "t": "2019-01-03T01:26:02Z",
            "component": "order-api",
            "instance": "0",
            "severity": "warning",
            "message": "#0 starting since 2019-01-03T01:25:52Z (cpu 0.0%, memory 0 of 1G, disk 0 of 1G)",
        },
        {
            "t": "2019-01-03T01:26:02Z",
            "component": "order-api",
            "instance": "1",
            "severity": "info",
            "message": "#1 running since 2019-01-02T08:13:07Z (cpu 0.5%, memory 421.9M of 1G, disk 165.2M of 1G)",
        },
    ]
    apps = lake.q(
        "select component, message from events where kind = 'app_state' and ts = '2019-01-03 01:35:12+00'"
        " order by source_line"
    )
    assert apps[1] == {"component": "probe-app", "message": "requested state: stopped, instances: 0/1"}


def test_cf_apps_v8_columns_by_header(lake: Lake) -> None:
    text = "Thu Jan  3 10:26:05 KST 2019\n" + (CF / "cf_apps_v8.txt").read_text()
    res = ingest(lake, **{"apps_v8.txt": text})
    assert_conserved(res)
    rows = lake.q("select component, instance, severity, message from events order by source_line")
    assert rows[0] == {
        "component": "order-api",
        "instance": None,
        "severity": "warning",
        "message": "requested state: started, processes: web:1/2",
    }
    assert rows[3]["message"] == "requested state: started, instances: 1/2 (web)"
    assert rows[4]["message"] == (
        "#0 starting since 2019-01-03T01:26:02Z (cpu 0.0%, memory 0 of 1G, disk 0 of 1G, logging 0/s of unlimited)"
    )
    assert lake.one("select count(*) from probes where ok") == 2


def test_curl_v2_info_502_body_exit_0_is_a_failure(lake: Lake) -> None:
    res = ingest(lake, "cf_curl_probe.log")
    assert res["cf_curl_probe.log"].source_type == "cf_cli"
    assert_conserved(res)
    rows = lake.q(f"select {utc()} t, capability, ok, detail from probes order by ts")
    assert rows == [
        {"t": "2019-01-03T01:29:31Z", "capability": "cf_api", "ok": False, "detail": "502 Bad Gateway"},
        {"t": "2019-01-03T01:30:01Z", "capability": "cf_api", "ok": True, "detail": None},
        {"t": "2019-01-03T01:33:31Z", "capability": "cf_api", "ok": False, "detail": "i/o timeout"},
        {"t": "2019-01-03T01:50:55Z", "capability": "cf_api", "ok": True, "detail": None},
    ]
    # the /v2/events JSON fetched with cf curl
    assert lake.q(f"select {utc()} t, component, instance from events where kind = 'app_event'") == [
        {"t": "2019-01-03T01:27:14Z", "component": "order-api", "instance": "1"},
        {"t": "2019-01-03T01:27:14Z", "component": "order-api", "instance": "1"},
    ]


def test_push_v8_quoted_urls_and_unmarshal_error(lake: Lake) -> None:
    res = ingest(lake, "push_probe_v8.log")
    assert_conserved(res)
    rows = lake.q(f"select {utc()} t, ok, detail from probes order by ts")
    assert rows == [
        {"t": "2019-01-03T01:29:49Z", "ok": False, "detail": "502 Bad Gateway"},
        {"t": "2019-01-03T01:30:50Z", "ok": False, "detail": "i/o timeout"},  # Post "https://...": ...
        {"t": "2019-01-03T01:33:07Z", "ok": False, "detail": "503 Service Unavailable"},
        {"t": "2019-01-03T01:43:00Z", "ok": True, "detail": None},
    ]


def test_login_v8_with_date_R_and_iso_lines(lake: Lake) -> None:
    runs = (CF / "login_v8.log").read_text().split("[drill@jumpbox-01 ~]$ cf login")
    stamps = ["Thu, 03 Jan 2019 10:29:20 +0900", "2019-01-03T10:33:25+09:00", "2019-01-03 10:45:50"]
    text = "".join(f"$ date\n{s}\n$ cf login{r}" for s, r in zip(stamps, runs[1:], strict=True))
    res = ingest(lake, **{"login_v8.log": text})
    assert_conserved(res)
    assert lake.q(f"select {utc()} t, ok, detail from probes order by ts") == [
        {"t": "2019-01-03T01:29:20Z", "ok": False, "detail": "502 Bad Gateway"},
        {"t": "2019-01-03T01:33:25Z", "ok": False, "detail": "i/o timeout"},
        {"t": "2019-01-03T01:45:50Z", "ok": True, "detail": None},  # zone-less: the drill's zone
    ]


TS_LOOP = """\
Dec 31 23:59:50 API endpoint: https://api.sys.pcf.example.com
Dec 31 23:59:50 Authenticating...
Dec 31 23:59:51 OK
Dec 31 23:59:51 cf login exit=0
Jan 01 00:01:50 API endpoint: https://api.sys.pcf.example.com
Jan 01 00:01:55 FAILED
Jan 01 00:01:55 Server error, status code: 502, error code: 0, message: 
Jan 01 00:01:55 cf login exit=1
"""  # noqa: W291


def test_ts_prefix_takes_year_from_drill_and_rolls_over_new_year(lake: Lake) -> None:
    toml = 'id = "d"\ntimezone = "Asia/Seoul"\ndate = "2018-12-31"\n'
    res = ingest(lake, toml=toml, **{"login.log": TS_LOOP})
    assert_conserved(res)
    assert lake.q(f"select {utc()} t, ok, latency_ms, detail from probes order by ts") == [
        {"t": "2018-12-31T14:59:50Z", "ok": True, "latency_ms": 1000.0, "detail": None},
        {"t": "2018-12-31T15:01:50Z", "ok": False, "latency_ms": 5000.0, "detail": "502 Bad Gateway"},
    ]


def test_time_only_date_lines_roll_over_midnight(lake: Lake) -> None:
    run = (
        "Unexpected Response\nResponse code: 502\nDescription:   502 Bad Gateway: x\n\nFAILED\nexit code: 1\n"
    )
    text = "===== Thu Jan  3 23:58:00 KST 2019 =====\n" + run + "23:59:30\n" + run + "00:00:30\n" + run
    res = ingest(lake, **{"push.log": "### push probe ###\n" + text})
    assert_conserved(res)
    rows = lake.q(f"select {utc()} t, capability from probes order by ts")
    assert [r["t"] for r in rows] == ["2019-01-03T14:58:00Z", "2019-01-03T14:59:30Z", "2019-01-03T15:00:30Z"]
    assert {r["capability"] for r in rows} == {"cf_push"}  # error-only runs take the banner's command


def test_no_date_anywhere_defers_to_the_drill_date_or_fails(lake: Lake) -> None:
    res = ingest(lake, toml='id = "d"\ntimezone = "Asia/Seoul"\n', **{"login.log": TS_LOOP})
    assert res["login.log"].status == "error"
    assert "date" in res["login.log"].message


def test_garbage_between_runs_is_quarantined(lake: Lake) -> None:
    lines = (CF / "push_probe.log").read_bytes().decode().split("\n")  # keep the progress bar's \r
    lines = [ln + "\n" for ln in lines[:-1]]
    # after the 10:29:49 run's `exit code: 1` (line 264), before the next date line
    text = "".join(lines[:264]) + "@@@ line noise @@@\n%%%%\n" + "".join(lines[264:])
    res = ingest(lake, **{"push_probe.log": text})
    r = res["push_probe.log"]
    assert (r.status, r.quarantined, r.lines) == ("partial", 2, 546)
    assert_conserved(res)
    assert lake.one("select count(*) from probes") == 18
    assert lake.q("select source_line, reason, raw from quarantine order by source_line") == [
        {"source_line": 265, "reason": "not cf CLI output (outside any cf run)", "raw": "@@@ line noise @@@"},
        {"source_line": 266, "reason": "not cf CLI output (outside any cf run)", "raw": "%%%%"},
    ]


def test_ansi_colour_codes_are_stripped(lake: Lake) -> None:
    text = (
        "===== Thu Jan  3 10:29:49 KST 2019 =====\n"
        "\x1b[31;1mRequest error: Get https://api.sys.pcf.example.com/v2/info: dial tcp 10.193.70.10:443:"
        " connect: connection refused\x1b[0m\n"
        "\x1b[31;1mFAILED\x1b[0m\n"
    )
    res = ingest(lake, **{"push.log": text})
    assert_conserved(res)
    assert lake.q("select capability, ok, detail from probes") == [
        {"capability": "cf_api", "ok": False, "detail": "connection refused"}
    ]
    assert "\x1b" not in lake.one("select message from events")


def test_secrets_in_cf_trace_never_reach_parquet(lake: Lake) -> None:
    jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS0xIn0.eyJ1c2VyX25hbWUiOiJkcmlsbCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    refresh = "3f9c1a7e2b5d4c8e9f0a1b2c3d4e5f60-r"
    text = (
        "$ date\nThu Jan  3 10:36:01 KST 2019\n$ CF_TRACE=true cf apps\n"
        "REQUEST: [2019-01-03T10:36:01+09:00]\nPOST /oauth/token HTTP/1.1\nHost: uaa.sys.pcf.example.com\n"
        f"Authorization: bearer {jwt}\n\n"
        "RESPONSE: [2019-01-03T10:36:02+09:00]\nHTTP/1.1 200 OK\nContent-Type: application/json\n"
        f'{{"access_token":"{jwt}","refresh_token":"{refresh}","token_type":"bearer"}}\n\n\n'
        "Getting apps in org drill-org / space drill-space as drill-operator...\nFAILED\n"
        f"Server error, status code: 502, error code: 0, message: Authorization: bearer {jwt}\n"
        f'{{"refresh_token":"{refresh}"}}\n'
    )
    res = ingest(lake, **{"trace.log": text})
    assert_conserved(res)
    assert res["trace.log"].redactions >= 2  # both secrets were in emitted rows, and were replaced
    assert "[REDACTED]" in lake.one("select message from events where kind = 'cf_error'")
    assert lake.one("select count(*) from probes") == 1
    files = list((lake.out / "lake").rglob("*.parquet"))
    assert files
    blob = b"".join(f.read_bytes() for f in files)
    for secret in (jwt, jwt.split(".")[0], refresh):
        assert secret.encode() not in blob
    db = (lake.out / "drillscope.duckdb").read_bytes()
    assert jwt.encode() not in db and refresh.encode() not in db


OTHER_SAMPLES = [cf_events.SAMPLE, cf_logs.SAMPLE]


@pytest.mark.parametrize(
    "name",
    ["push_probe.log", "login_probe.log", "push_trace.log", "login_trace_legacy.log", "cf_curl_probe.log",
     "cf_apps.txt", "cf_apps_v8.txt", "login_v8.log", "push_probe_v8.log"],
)  # fmt: skip
def test_probe_accepts_cli_captures(name: str) -> None:
    head = (CF / name).read_bytes().decode()[:16384]
    assert cf_cli.probe(head)
    assert not cf_events.probe(head) and not cf_logs.probe(head)
    assert detect(head) is cf_cli


def test_probe_rejects_other_formats() -> None:
    assert cf_cli.probe(cf_cli.SAMPLE)
    for mod in parsers():
        if mod.NAME.startswith("cf_"):
            continue
        assert not cf_cli.probe(mod.SAMPLE), mod.NAME
    for s in OTHER_SAMPLES:
        assert not cf_cli.probe(s)


def test_unknown_zone_abbreviation_is_read_in_the_drill_zone(lake: Lake) -> None:
    text = "===== Thu Jan  3 10:29:49 XYZ 2019 =====\nPushing app a to org o / space s as u...\nFAILED\n"
    res = ingest(lake, **{"p.log": text})
    assert "XYZ" in res["p.log"].message
    assert lake.one(f"select {utc()} from probes") == "2019-01-03T01:29:49Z"


def test_sample_parses(lake: Lake) -> None:
    res = ingest(lake, **{"s.log": cf_cli.SAMPLE})
    assert_conserved(res)
    assert lake.q("select ok, detail from probes") == [{"ok": False, "detail": "502 Bad Gateway"}]
    assert Path(CF).is_dir()


NOT_PROBES = """\
$ date
Thu Jan  3 10:30:00 KST 2019
$ cf pussh probe-app
'pussh' is not a registered command. See 'cf help -a'

Did you mean?
    push
exit code: 1
$ cf help
cf version 6.41.0+dd4c76cdd.2018-11-28, Cloud Foundry command line tool
Usage: cf [global options] command [arguments...] [command options]

Before getting started:
  config    login,l      target,t
$ cf push --help
NAME:
   push - Push a new app or sync changes to an existing app
$ cf -v
cf version 6.41.0+dd4c76cdd.2018-11-28
===== Thu Jan  3 10:32:00 KST 2019 =====
FAILED
'route' is not a registered command. See 'cf help -a'
$ date
Thu Jan  3 10:33:00 KST 2019
$ cf curl /v2/info
{"name": "", "build": "", "api_version": "2.125.0"}
"""


def test_commands_that_ask_the_platform_nothing_are_no_probes(lake: Lake) -> None:
    # a mistyped command (the CLI's `is not a registered command`, with and without a prompt), `cf help`,
    # `--help`, `cf -v`: their output is ignorable, only the `cf curl` run is a cf_api probe
    res = ingest(lake, **{"s.log": NOT_PROBES})
    r = res["s.log"]
    assert (r.source_type, r.status, r.lines, r.quarantined) == ("cf_cli", "ok", 26, 0)
    # ignorable: 2 blank lines and the 12 lines of output of the five runs that are no probes; parsed:
    # prompts, date lines, `exit code: 1` and the curl run's output
    assert (r.parsed_lines, r.ignorable) == (12, 14)
    assert lake.q(f"select {utc()} t, capability, ok from probes") == [
        {"t": "2019-01-03T01:33:00Z", "capability": "cf_api", "ok": True}
    ]
    assert lake.q("select count(*) n from events") == [{"n": 0}]
