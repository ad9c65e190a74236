"""Healthwatch exports → metrics and probes: every sample format ingested for real and checked in DuckDB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from drillscope.ingest.context import decode
from drillscope.ingest.parsers import healthwatch

if TYPE_CHECKING:
    from tests.conftest import Lake

HW = Path(__file__).parents[1] / "fixtures" / "healthwatch"
SEOUL = 'timezone = "Asia/Seoul"\n'


def ingest(lake: Lake, *names: str, toml: str = SEOUL) -> dict:
    d = lake.drill("d1", toml=toml)
    for n in names:
        lake.copy(HW / n, "d1")
    return {r.source_file: r for r in lake.ingest(d)}


def counts(r) -> tuple:
    return (r.source_type, r.status, r.lines, r.parsed_lines, r.quarantined, r.ignorable, r.rows)


def series(lake: Lake, file: str) -> list[dict]:
    return lake.q(
        "select metric, count(*) n, min(ts) first, max(ts) last, min(interval_s) step, max(interval_s) step2"
        f" from metrics where source_file = '{file}' group by metric order by metric"
    )


def probe_counts(lake: Lake, file: str) -> dict:
    rows = lake.q(
        f"select capability, status, count(*) n from probes where source_file = '{file}' group by all"
    )
    return {(r["capability"], r["status"]): r["n"] for r in rows}


# -- Healthwatch 1.x through Log Cache --------------------------------------------------------------
def test_logcache_query_range_push(lake: Lake) -> None:
    f = "healthwatch_v1_api_push.json"
    (r,) = ingest(lake, f).values()
    assert counts(r) == ("healthwatch", "ok", 109, 109, 0, 0, 91 + 91)
    assert series(lake, f) == [
        {
            "metric": "health.check.cliCommand.push",  # named from the file: the response has no __name__
            "n": 91,
            "first": "2019-01-03T01:00:00+00:00",
            "last": "2019-01-03T02:30:00+00:00",
            "step": 60.0,
            "step2": 60.0,
        }
    ]
    assert probe_counts(lake, f) == {
        ("cf_push", "ok"): 76,
        ("cf_push", "failed"): 10,
        ("cf_push", "not_run"): 5,
    }
    # -1 (login failed, push did not run) is its own state, not a failure
    nr = lake.q(
        f"select ts, ok, status, detail, interval_s, source_line from probes where source_file = '{f}'"
        " and status = 'not_run' order by ts limit 1"
    )
    assert nr == [
        {
            "ts": "2019-01-03T01:34:00+00:00",
            "ok": None,
            "status": "not_run",
            "detail": "health.check.cliCommand.push = -1",
            "interval_s": 60.0,
            "source_line": 48,
        }
    ]
    first = lake.q(
        f"select value, labels, source_line from metrics where source_file = '{f}' order by ts limit 1"
    )
    assert first[0]["source_line"] == 14  # the line of `[1546477200, "1"],`
    assert json.loads(first[0]["labels"]) == {
        "deployment": "p-healthwatch-5f3c0a9d2b7e41c6a8d1",
        "index": "6c1f0e2a-3b4d-4e5f-9a8b-7c6d5e4f3a2b",
        "job": "healthwatch-forwarder",
        "name_from": "file",
        "origin": "healthwatch",
    }


def test_logcache_range_selector_raw_samples_and_ns_equals_s(lake: Lake) -> None:
    raw, ns = "healthwatch_v1_logcache_push_raw_90m.json", "healthwatch_v1_logcache_query_push_10m.json"
    res = ingest(lake, raw, ns)
    assert counts(res[raw]) == ("healthwatch", "ok", 36, 36, 0, 0, 18 + 18)
    assert counts(res[ns]) == ("healthwatch", "ok", 1, 1, 0, 0, 3 + 3)
    assert series(lake, raw) == [
        {
            "metric": "health.check.cliCommand.push",
            "n": 18,
            "first": "2019-01-03T01:03:42.152000+00:00",
            "last": "2019-01-03T02:28:42.192000+00:00",
            "step": 300.0,  # raw 5-minute checks: median spacing 300.1 s → 300
            "step2": 300.0,
        }
    ]
    assert probe_counts(lake, raw) == {
        ("cf_push", "ok"): 15,
        ("cf_push", "failed"): 2,
        ("cf_push", "not_run"): 1,
    }
    # the same three checks, in epoch seconds (with ms) and in epoch nanoseconds: the same instants
    both = lake.q(
        "select a.ts, a.value from metrics a join metrics b on a.ts = b.ts and a.value = b.value"
        f" where a.source_file = '{raw}' and b.source_file = '{ns}' order by a.ts"
    )
    assert both == [
        {"ts": "2019-01-03T01:23:42.290000+00:00", "value": 1.0},
        {"ts": "2019-01-03T01:28:42.115000+00:00", "value": 0.0},
        {"ts": "2019-01-03T01:33:42.142000+00:00", "value": -1.0},
    ]


def test_query_vector_with_trailing_comma_and_promql_name(lake: Lake) -> None:
    f = "logcache_query_canary_vector.json"
    (r,) = ingest(lake, f).values()
    assert counts(r)[:6] == ("healthwatch", "ok", 17, 17, 0, 0)
    assert "trailing comma" in r.message
    assert lake.q(
        f"select metric, ts, value, interval_s, source_line from metrics where source_file = '{f}'"
    ) == [
        {
            "metric": "health.check.CanaryApp.available",  # PromQL name mapped back to Healthwatch's
            "ts": "2019-01-03T01:25:17.199000+00:00",
            "value": 0.0,
            "interval_s": None,  # one sample: no spacing to measure
            "source_line": 13,
        }
    ]
    assert probe_counts(lake, f) == {("apps_manager", "failed"): 1}


def test_firehose_nozzle(lake: Lake) -> None:
    f = "healthwatch_v1_firehose_nozzle.txt"
    (r,) = ingest(lake, f).values()
    assert counts(r) == ("healthwatch", "ok", 27, 27, 0, 0, 27 + 15)
    span = lake.one(f"select min(ts) || ' ' || max(ts) from metrics where source_file = '{f}'")
    assert span == "2019-01-03 01:27:58.115912+00 2019-01-03 01:33:17.359788+00"
    assert probe_counts(lake, f) == {
        ("apps_manager", "failed"): 6,
        ("ops_manager", "ok"): 6,
        ("cf_login", "ok"): 1,
        ("cf_login", "failed"): 1,
        ("cf_push", "failed"): 1,
    }
    canary = lake.q(
        f"select interval_s, labels from metrics where source_file = '{f}'"
        " and metric = 'health.check.CanaryApp.responseTime' limit 1"
    )[0]
    assert canary["interval_s"] == 60.0
    assert json.loads(canary["labels"])["unit"] == "ms"


def test_nozzle_banners_other_envelopes_and_garbage(lake: Lake) -> None:
    f = "nozzle_mixed.txt"
    (r,) = ingest(lake, f).values()
    # 2 banners + 1 LogMessage ignorable; 2 ValueMetric + 1 CounterEvent parsed; a cut line quarantined
    assert counts(r) == ("healthwatch", "partial", 7, 3, 1, 3, 3 + 1)
    assert lake.q("select source_line, reason from quarantine") == [
        {"source_line": 7, "reason": "not a Firehose envelope line"}
    ]
    assert (
        lake.q(
            f"select metric, value, labels from metrics where source_file = '{f}' and metric = 'bad_gateways'"
        )[0]["value"]
        == 117.0
    )


# -- operator CSV exports (Healthwatch 1.x) ----------------------------------------------------------
def test_wide_csv_one_column_per_metric(lake: Lake) -> None:
    f = "healthwatch_v1_indicators_1min.csv"
    (r,) = ingest(lake, f).values()
    assert counts(r)[:6] == ("healthwatch", "ok", 92, 91, 0, 1)
    got = {s["metric"]: (s["n"], s["first"], s["last"], s["step"]) for s in series(lake, f)}
    assert got["health.check.cliCommand.push"] == (
        91,
        "2019-01-03T01:00:00+00:00",
        "2019-01-03T02:30:00+00:00",
        60.0,
    )
    assert got["health.check.cliCommand.pushTime"][0] == 77  # empty cells while push failed: no rows
    assert got["Diego.AvailableFreeChunks"][0] == 69  # 22 empty cells 10:29–10:50 (aggregation stopped)
    assert len(got) == 11
    # the gap shows: consecutive samples 10:28 → 10:51 KST, 23 × the 60 s step
    gap = lake.q(
        "select ts, next_ts, interval_s from (select ts, lead(ts) over (order by ts) next_ts, interval_s"
        f" from metrics where source_file = '{f}' and metric = 'Firehose.LossRate.1M')"
        " where next_ts - ts > interval '60 seconds'"
    )
    assert gap == [
        {"ts": "2019-01-03T01:28:00+00:00", "next_ts": "2019-01-03T01:51:00+00:00", "interval_s": 60.0}
    ]
    assert probe_counts(lake, f) == {
        ("cf_push", "ok"): 76,
        ("cf_push", "failed"): 10,
        ("cf_push", "not_run"): 5,
        ("cf_login", "ok"): 86,
        ("cf_login", "failed"): 5,
        ("apps_manager", "ok"): 71,
        ("apps_manager", "failed"): 20,
        ("ops_manager", "ok"): 91,
        ("bosh_director", "ok"): 71,
        ("bosh_director", "failed"): 20,
    }
    assert lake.one(f"select source_line from metrics where source_file = '{f}' order by ts limit 1") == 2


def test_long_csv_one_row_per_sample(lake: Lake) -> None:
    f = "healthwatch_v1_indicators_long.csv"
    (r,) = ingest(lake, f).values()
    assert counts(r) == ("healthwatch", "ok", 169, 168, 0, 1, 168 + 75)
    assert lake.one(f"select min(ts) || ' ' || max(ts) from metrics where source_file = '{f}'") == (
        "2019-01-03 01:20:05.116+00 2019-01-03 01:49:17.253+00"
    )
    push = lake.q(
        f"select ts, status, detail, interval_s, source_line from probes where source_file = '{f}'"
        " and capability = 'cf_push' order by ts"
    )
    assert [(p["ts"], p["status"]) for p in push] == [
        ("2019-01-03T01:23:42.290000+00:00", "ok"),
        ("2019-01-03T01:28:42.115000+00:00", "failed"),
        ("2019-01-03T01:33:42.142000+00:00", "not_run"),
        ("2019-01-03T01:38:42.393000+00:00", "failed"),
        ("2019-01-03T01:43:42.451000+00:00", "ok"),
        ("2019-01-03T01:48:42.202000+00:00", "ok"),
    ]
    assert push[1]["detail"] == "health.check.cliCommand.push = 0" and push[1]["interval_s"] == 300.0
    assert (
        lake.one(
            f"select count(*) from metrics where source_file = '{f}' and labels like '%\"unit\":\"ms\"%'"
        )
        == 39
    )


# -- Healthwatch 2.x: Prometheus query_range ---------------------------------------------------------
def test_prometheus_probe_success_canary(lake: Lake) -> None:
    f = "healthwatch_v2_query_range_canary_probe_success.json"
    (r,) = ingest(lake, f).values()
    assert counts(r) == ("healthwatch", "ok", 108, 108, 0, 0, 91 + 91)
    assert probe_counts(lake, f) == {("apps_manager", "ok"): 72, ("apps_manager", "failed"): 19}
    first_fail = lake.q(
        f"select ts, detail from probes where source_file = '{f}' and not ok order by ts limit 1"
    )
    assert first_fail == [
        {
            "ts": "2019-01-03T01:26:00+00:00",
            "detail": 'probe_success{instance="https://apps.sys.pcf.example.co.kr"} = 0',
        }
    ]


def test_prometheus_push_failures_named_from_file(lake: Lake) -> None:
    f = "healthwatch_v2_query_range_push_failures.json"
    (r,) = ingest(lake, f).values()
    assert counts(r) == ("healthwatch", "ok", 111, 111, 0, 0, 91 + 91)
    assert series(lake, f)[0]["metric"] == "push_failures"
    # string values with extrapolation artefacts are floats
    assert lake.one(f"select max(value) from metrics where source_file = '{f}'") == 1.0526315789473684
    assert probe_counts(lake, f) == {("cf_push", "ok"): 81, ("cf_push", "failed"): 10}


def test_prometheus_gap_is_absent_timestamps(lake: Lake) -> None:
    f = "healthwatch_v2_query_range_diego_free_chunks.json"
    ingest(lake, f)
    assert series(lake, f) == [
        {
            "metric": "Diego.AvailableFreeChunks",
            "n": 69,
            "first": "2019-01-03T01:00:00+00:00",
            "last": "2019-01-03T02:30:00+00:00",
            "step": 60.0,
            "step2": 60.0,
        }
    ]
    assert lake.one(f"select count(*) from metrics where source_file = '{f}' and value = 0") == 0
    assert lake.one(f"select count(*) from probes where source_file = '{f}'") == 0


# -- Grafana CSV -------------------------------------------------------------------------------------
def test_grafana7_local_times_in_drill_timezone(lake: Lake) -> None:
    f = "grafana7_inspect_data_joined_by_time.csv"
    (r,) = ingest(lake, f).values()
    # BOM header + trailing blank; rows: 3 series' metrics, the probe_success and cf push failure probes
    assert counts(r) == ("healthwatch", "ok", 93, 91, 0, 2, 91 + 91 + 69 + 91 + 91)
    got = {s["metric"]: (s["n"], s["first"], s["last"]) for s in series(lake, f)}
    assert got == {
        "Available Free Chunks": (69, "2019-01-03T01:00:00+00:00", "2019-01-03T02:30:00+00:00"),
        "cf push failures (5m)": (91, "2019-01-03T01:00:00+00:00", "2019-01-03T02:30:00+00:00"),
        "probe_success": (91, "2019-01-03T01:00:00+00:00", "2019-01-03T02:30:00+00:00"),
    }
    # `2019-01-03 10:29:00` (KST dashboard, no offset) is 01:29Z
    assert lake.q(
        f"select ts, value, source_line from metrics where source_file = '{f}'"
        " and metric = 'cf push failures (5m)' and value > 0 order by ts limit 1"
    ) == [{"ts": "2019-01-03T01:29:00+00:00", "value": 1.05, "source_line": 31}]
    labels = lake.one(
        f"select any_value(labels) from metrics where source_file = '{f}' and metric = 'probe_success'"
    )
    assert json.loads(labels) == {
        "instance": "https://apps.sys.pcf.example.co.kr",
        "job": "blackbox-exporter",
    }
    assert probe_counts(lake, f) == {
        ("apps_manager", "ok"): 72,
        ("apps_manager", "failed"): 19,
        # the operator's legend names a capability and a failure count: 0 ok, > 0 failed
        ("cf_push", "ok"): 81,
        ("cf_push", "failed"): 10,
    }


def test_grafana7_without_timezone_is_utc(lake: Lake) -> None:
    f = "grafana7_inspect_data_joined_by_time.csv"
    ingest(lake, f, toml="")
    assert lake.one("select min(ts) from metrics") == "2019-01-03T10:00:00+00:00"


def test_grafana6_sep_semicolon_literal_null(lake: Lake) -> None:
    f = "grafana6_legacy_export_series_as_columns.csv"
    (r,) = ingest(lake, f).values()
    # no newline after the last row; 3 series and the cf push failure probes
    assert counts(r) == ("healthwatch", "ok", 93, 91, 0, 2, 91 + 91 + 69 + 91)
    got = {s["metric"]: (s["n"], s["first"], s["last"], s["step"]) for s in series(lake, f)}
    assert got["Available Free Chunks"] == (
        69,
        "2019-01-03T01:00:00+00:00",
        "2019-01-03T02:30:00+00:00",
        60.0,
    )
    assert got["cf push failures (5m)"][0] == 91
    # `cf push failures (5m)` names a capability and a failure count; `Apps Manager canary` names no
    # failure count nor an availability: a metric only (a drill maps it with [[signals]])
    assert lake.q(
        "select capability, series, mapped_by, min(ts) filter (where not ok) first_failed, count(*) n,"
        " count(*) filter (where not ok) failed from probes group by all"
    ) == [
        {
            "capability": "cf_push",
            "series": "cf push failures (5m)",
            "mapped_by": "name states a failure count: 0 ok, > 0 failed",
            "first_failed": "2019-01-03T01:29:00+00:00",
            "n": 91,
            "failed": 10,
        }
    ]


def test_grafana6_single_null_is_a_gap_not_a_zero(lake: Lake) -> None:
    f = "grafana6_one_null.csv"
    (r,) = ingest(lake, f).values()
    assert counts(r) == ("healthwatch", "ok", 8, 6, 0, 2, 10)
    rows = lake.q(
        f"select ts, value, interval_s from metrics where source_file = '{f}'"
        " and metric = 'Available Free Chunks' order by ts"
    )
    assert [x["ts"][11:19] for x in rows] == ["01:27:00", "01:28:00", "01:30:00", "01:31:00", "01:32:00"]
    assert {x["interval_s"] for x in rows} == {60.0}  # 01:28 → 01:30 is 2 × the step: one sample missing
    assert (
        lake.one(f"select count(*) from metrics where source_file = '{f}' and metric = 'Apps Manager canary'")
        == 5
    )


def test_grafana7_frames_epoch_ms_and_bad_rows(lake: Lake) -> None:
    f = "grafana7_frames_epoch_ms_bad_rows.csv"
    (r,) = ingest(lake, f).values()
    assert counts(r)[:6] == ("healthwatch", "partial", 12, 5, 3, 4)
    assert lake.q("select source_line, reason from quarantine order by source_line") == [
        {"source_line": 5, "reason": "unreadable time '2019-01-03 10:28:xx'"},
        {"source_line": 6, "reason": "expected 3 fields, found 2"},
        {
            "source_line": 7,
            "reason": 'not a plain number: probe_success{instance="https://apps.sys.pcf.example.co.kr", '
            "job=\"blackbox-exporter\"}='52.6%'",
        },
    ]
    # the readable cell of the quarantined row is kept; the empty cell is a gap
    assert lake.one("select count(*) from metrics where metric = 'Available Free Chunks'") == 4
    assert probe_counts(lake, f) == {("apps_manager", "failed"): 2, ("ops_manager", "ok"): 2}
    assert lake.one("select min(ts) from probes") == "2019-01-03T01:25:00+00:00"  # epoch ms


# -- JSON that is not usable -------------------------------------------------------------------------
def test_cut_json_is_closed_after_its_last_complete_value(lake: Lake) -> None:
    # a response cut mid-sample (a paste, a full disk): the complete samples are read, the cut line quarantined
    (r,) = ingest(lake, "prom_truncated.json").values()
    assert counts(r) == ("healthwatch", "partial", 10, 9, 1, 0, 2)  # the sample and its apps_manager probe
    (q,) = lake.q("select source_line, reason, raw from quarantine")
    assert q == {
        "source_line": 10,
        "reason": "after the last complete value of a cut JSON document",
        "raw": '          [1546477260, "1',
    }
    assert lake.q("select metric, value, source_line from metrics") == [
        {"metric": "probe_success", "value": 1.0, "source_line": 9}
    ]


def test_prometheus_error_response(lake: Lake) -> None:
    (r,) = ingest(lake, "prom_error.json").values()
    assert counts(r) == ("healthwatch", "partial", 5, 0, 1, 4, 0)
    assert lake.one("select reason from quarantine").startswith(
        "Prometheus error response: bad_data: exceeded"
    )


def test_alert_configurations_recognized_without_rows(lake: Lake) -> None:
    (r,) = ingest(lake, "healthwatch_v1_api_alert_configurations.json").values()
    assert counts(r) == ("healthwatch", "ok", 77, 0, 0, 77, 0)
    assert "thresholds only" in r.message


# -- probe strictness --------------------------------------------------------------------------------
OWN = sorted(p.name for p in HW.iterdir() if p.is_file() and p.name != "prom_truncated.json")


@pytest.mark.parametrize("name", OWN)
def test_probe_accepts_every_healthwatch_format(name: str) -> None:
    assert healthwatch.probe(decode((HW / name).read_bytes()[:16384])[0])


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1}',
        "[1, 2, 3]",
        '{"status": "success", "data": {"name": "x"}}',
        '{"status":"error","error":"no errorType"}',
        "time,value\n",
        "timestamp,note\nyesterday,1\n",
        "Time;Value\n",
        'origin:"x" eventType:ValueMetric\n',
        "",
    ],
)
def test_probe_rejects_lookalikes(text: str) -> None:
    assert not healthwatch.probe(text)


def test_sample_round_trips(lake: Lake) -> None:
    assert healthwatch.probe(healthwatch.SAMPLE)
    d = lake.drill("d1", **{"health_check_cliCommand_push.json": healthwatch.SAMPLE})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.status, r.rows) == ("healthwatch", "ok", 6)
    assert lake.one("select metric from metrics limit 1") == "health.check.cliCommand.push"


def test_grafana6_series_as_rows(lake: Lake) -> None:
    csv = (
        'sep=;\r\n"Series";"Time";"Value"\r\n'
        '"probe_success{instance=""https://apps.sys.pcf.example.co.kr""}";"2019-01-03T10:25:00+09:00";1\r\n'
        '"probe_success{instance=""https://apps.sys.pcf.example.co.kr""}";"2019-01-03T10:26:00+09:00";0\r\n'
        '"Available Free Chunks";"2019-01-03T10:25:00+09:00";46\r\n'
        '"Available Free Chunks";"2019-01-03T10:26:00+09:00";null'
    )
    d = lake.drill("d1", toml=SEOUL, **{"grafana_data_export.csv": csv})
    (r,) = lake.ingest(d)
    assert counts(r) == ("healthwatch", "ok", 6, 4, 0, 2, 3 + 2)
    assert lake.q("select metric, ts, value, source_line from metrics order by metric, ts") == [
        {
            "metric": "Available Free Chunks",
            "ts": "2019-01-03T01:25:00+00:00",
            "value": 46.0,
            "source_line": 5,
        },
        {"metric": "probe_success", "ts": "2019-01-03T01:25:00+00:00", "value": 1.0, "source_line": 3},
        {"metric": "probe_success", "ts": "2019-01-03T01:26:00+00:00", "value": 0.0, "source_line": 4},
    ]
    assert lake.q("select capability, status from probes order by ts") == [
        {"capability": "apps_manager", "status": "ok"},
        {"capability": "apps_manager", "status": "failed"},
    ]


def test_raw_sli_failure_counter_fails_on_increase(lake: Lake) -> None:
    doc = {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [
                {
                    "metric": {
                        "__name__": "tas_sli_task_failures_total",
                        "job": "pas-sli-exporter",
                        "task": "login",
                    },
                    "values": [[1546478700, "3"], [1546479000, "3"], [1546479300, "4"], [1546479600, "4"]],
                }
            ],
        },
    }
    d = lake.drill("d1", **{"sli.json": json.dumps(doc, indent=1)})
    lake.ingest(d)
    # the first sample has no baseline; 3 → 3 ok, 3 → 4 a failed login run, 4 → 4 ok
    assert lake.q("select ts, capability, status, interval_s from probes order by ts") == [
        {"ts": "2019-01-03T01:30:00+00:00", "capability": "cf_login", "status": "ok", "interval_s": 300.0},
        {
            "ts": "2019-01-03T01:35:00+00:00",
            "capability": "cf_login",
            "status": "failed",
            "interval_s": 300.0,
        },
        {"ts": "2019-01-03T01:40:00+00:00", "capability": "cf_login", "status": "ok", "interval_s": 300.0},
    ]
