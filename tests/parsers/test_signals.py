"""Metric series as probes (CONTRACT §4): which series observe which capability, and when they fail.

Each rule is checked on a real ingest: Healthwatch 1.x checks (1 / 0 / −1), Healthwatch 2 SLI failures,
Grafana columns and panels named for a capability and a failure count or an availability, and a drill's
`[[signals]]`, which win over the built-in rules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from drillscope.errors import InputError
from drillscope.ingest.context import DrillConfig

if TYPE_CHECKING:
    from tests.conftest import Lake

SEOUL = 'timezone = "Asia/Seoul"\n'
PROBES = "select ts, capability, status, series, mapped_by, source_file, source_line from probes order by ts, source_line"


def test_healthwatch1_check_one_ok_zero_failed_minus_one_not_run(lake: Lake) -> None:
    csv = (
        "timestamp,healthwatch.health.check.cliCommand.push,healthwatch.health.check.cliCommand.pushTime\n"
        "2019-01-03T10:23:42+09:00,1,44754\n"
        "2019-01-03T10:28:42+09:00,0,\n"
        "2019-01-03T10:33:42+09:00,-1,\n"
        "2019-01-03T10:43:42+09:00,1,51002\n"
    )
    lake.ingest(lake.drill("d1", toml=SEOUL, **{"hw__indicators.csv": csv}))
    rule = "Healthwatch 1.x health check: 1 ok, 0 failed, -1 not run"
    assert lake.q(PROBES) == [
        {"ts": f"2019-01-03T01:{m}:42+00:00", "capability": "cf_push", "status": st,
         "series": "health.check.cliCommand.push", "mapped_by": rule, "source_file": "hw/indicators.csv",
         "source_line": n}
        for m, st, n in (("23", "ok", 2), ("28", "failed", 3), ("33", "not_run", 4), ("43", "ok", 5))
    ]  # fmt: skip
    # -1 is no observation: the outage runs from the failed 10:28:42 run to the passing 10:43:42 one
    assert lake.q("select capability, started_at, ended_at from outages") == [
        {"capability": "cf_push", "started_at": "2019-01-03T01:28:42+00:00", "ended_at": "2019-01-03T01:43:42+00:00"}
    ]  # fmt: skip


def _prom(labels: dict, values: list) -> str:
    return json.dumps({"status": "success", "data": {"resultType": "matrix",
                       "result": [{"metric": labels, "values": values}]}}, indent=1)  # fmt: skip


def test_healthwatch2_sli_failures_rate_without_name(lake: Lake) -> None:
    # `rate(tas_sli_task_failures_total{task="login"}[5m]) * 300` drops __name__: the file names it
    labels = {"job": "pas-sli-exporter", "task": "login", "instance": "10.0.4.31:9090"}
    doc = _prom(labels, [[1546478700, "0"], [1546479000, "1.0526315789473684"], [1546479300, "0"]])
    lake.ingest(lake.drill("d1", **{"login_failures.json": doc}))
    got = lake.q(PROBES)
    assert [(r["ts"][11:19], r["capability"], r["status"]) for r in got] == [
        ("01:25:00", "cf_login", "ok"),
        ("01:30:00", "cf_login", "failed"),
        ("01:35:00", "cf_login", "ok"),
    ]
    assert {r["series"] for r in got} == {'login_failures{task="login"}'}
    assert {r["mapped_by"] for r in got} == {"Healthwatch 2 SLI failures: > 0 failed"}


def test_healthwatch2_sli_task_name_in_a_grafana_panel_without_legend(lake: Lake) -> None:
    # Grafana 7 Inspect › Data of a panel titled by its operator, query
    # `increase(tas_sli_task_failures_total{task="push"}[5m])`, no legend: the column is the label set
    csv = (
        '\ufeff"Time","{instance=""10.0.4.31:9090"", job=""pas-sli-exporter"", task=""push""}"\r\n'
        "2019-01-03 10:28:00,0\r\n"
        "2019-01-03 10:29:00,1.05\r\n"
        "2019-01-03 10:30:00,2.11\r\n"
        "2019-01-03 10:31:00,0\r\n"
        "\r\n"
    )
    name = "CF Push failures-data-2019-01-03 11_31_20.csv"
    lake.ingest(lake.drill("d1", toml=SEOUL, **{name: csv}))
    assert lake.q("select distinct metric, labels from metrics") == [
        {"metric": "CF Push failures",
         "labels": '{"instance":"10.0.4.31:9090","job":"pas-sli-exporter","name_from":"file","task":"push"}'}
    ]  # fmt: skip
    assert [(r["ts"][11:16], r["capability"], r["status"], r["source_line"]) for r in lake.q(PROBES)] == [
        ("01:28", "cf_push", "ok", 2),
        ("01:29", "cf_push", "failed", 3),
        ("01:30", "cf_push", "failed", 4),
        ("01:31", "cf_push", "ok", 5),
    ]
    assert lake.q("select capability, started_at, ended_at from outages") == [
        {"capability": "cf_push", "started_at": "2019-01-03T01:29:00+00:00", "ended_at": "2019-01-03T01:31:00+00:00"}
    ]  # fmt: skip


def test_grafana_columns_failure_count_and_availability(lake: Lake) -> None:
    csv = (
        '"Time","cf login errors","Apps Manager availability (%)","cf push availability",'
        '"Available Free Chunks","health.check.OpsMan.probe.available"\r\n'
        "2019-01-03 10:25:00,0,100,1,46,1\r\n"
        "2019-01-03 10:26:00,3,50,0.5,12,0.5\r\n"
        "2019-01-03 10:27:00,0,100,1,40,1\r\n"
    )
    lake.ingest(lake.drill("d1", toml=SEOUL, **{"panel.csv": csv}))
    got = lake.q(
        "select series, capability, mapped_by, list(status order by ts) statuses from probes group by all"
        " order by series"
    )
    avail = "name states an availability: full (1 or 100 %) ok"
    assert got == [
        # a percent series (a sample above 1) is full at 100, a fraction at 1
        {"series": "Apps Manager availability (%)", "capability": "apps_manager", "mapped_by": avail,
         "statuses": ["ok", "failed", "ok"]},
        {"series": "cf login errors", "capability": "cf_login",
         "mapped_by": "name states a failure count: 0 ok, > 0 failed", "statuses": ["ok", "failed", "ok"]},
        {"series": "cf push availability", "capability": "cf_push", "mapped_by": avail,
         "statuses": ["ok", "failed", "ok"]},
    ]  # fmt: skip
    # no capability in the name (free chunks), and a Healthwatch catalog metric means what the catalog
    # says (the self-monitoring `probe.available` is not Ops Manager's availability)
    assert lake.one("select count(*) from metrics") == 15


def test_signals_in_drill_toml_add_and_override(lake: Lake) -> None:
    toml = SEOUL + (
        "[[signals]]\n"
        "match = 'apps manager canary'\n"  # case-insensitive
        'capability = "apps_manager"\n'
        'ok_when = "value >= 1"\n'
        "[[signals]]\n"
        "match = '^cf push failures'\n"  # overrides the name rule: up to one failed run in 5 min is tolerated
        'capability = "cf_push"\n'
        'ok_when = "value < 1.5"\n'
    )
    csv = (
        'sep=;\r\n"Time";"cf push failures (5m)";"Apps Manager canary";"Available Free Chunks"\r\n'
        '"2019-01-03T10:28:00+09:00";0;1;46\r\n'
        '"2019-01-03T10:29:00+09:00";1.05;0;46\r\n'
        '"2019-01-03T10:30:00+09:00";2.11;0;46\r\n'
        '"2019-01-03T10:31:00+09:00";0;1;46'
    )
    lake.ingest(lake.drill("d1", toml=toml, **{"grafana_data_export.csv": csv}))
    got = lake.q(
        "select series, capability, mapped_by, list(status order by ts) statuses, min(source_line) line"
        " from probes group by all order by series"
    )
    assert got == [
        {"series": "Apps Manager canary", "capability": "apps_manager",
         "mapped_by": "drill.toml signals[1]: 'apps manager canary', ok when value >= 1",
         "statuses": ["ok", "failed", "failed", "ok"], "line": 3},
        {"series": "cf push failures (5m)", "capability": "cf_push",
         "mapped_by": "drill.toml signals[2]: '^cf push failures', ok when value < 1.5",
         "statuses": ["ok", "ok", "failed", "ok"], "line": 3},
    ]  # fmt: skip


def test_signals_match_labels_of_a_prometheus_series(lake: Lake) -> None:
    toml = (
        '[[signals]]\nmatch = \'http_up\\{.*target="api"\'\ncapability = "cf_api"\nok_when = "value == 1"\n'
    )
    doc = _prom({"__name__": "http_up", "target": "api"}, [[1546478700, "1"], [1546478760, "0"]])
    lake.ingest(lake.drill("d1", toml=toml, **{"up.json": doc}))
    assert [(r["capability"], r["status"]) for r in lake.q(PROBES)] == [
        ("cf_api", "ok"),
        ("cf_api", "failed"),
    ]


@pytest.mark.parametrize(
    ("signal", "message"),
    [
        ('match = "cf push (failures"\ncapability = "cf_push"\nok_when = "value == 0"',
         "signals[1].match = 'cf push (failures' is not a regular expression: missing ), unterminated subpattern"),
        ('match = "x"\ncapability = "cf_push"\nok_when = "value = 0"',
         "signals[1].ok_when = 'value = 0' is not a comparison like \"value == 0\""),
        ('match = "x"\ncapability = "cf_push"\nok_when = "failures == 0"',
         "signals[1].ok_when = 'failures == 0' is not a comparison"),
        ('match = "x"\ncapability = "push"\nok_when = "value == 0"',
         "signals[1].capability = 'push' is not a capability (one of cf_push, cf_login"),
        ('match = "x"\ncapability = "cf_push"', "signals[1].ok_when is missing or not a text"),
        ('match = "x"\ncapability = "cf_push"\nok_when = "value == 0"\nwhen = "always"',
         "signals[1].when is not a signals key"),
    ],
)  # fmt: skip
def test_bad_signals_name_the_file_and_key(tmp_path: Path, signal: str, message: str) -> None:
    (tmp_path / "drill.toml").write_text(f"[[signals]]\n{signal}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        DrillConfig.load(tmp_path)
    assert str(e.value).startswith(f"{tmp_path / 'drill.toml'}: ")
    assert message in str(e.value)


def test_bad_signal_stops_ingest_with_one_line(lake: Lake) -> None:
    d = lake.drill("d1", toml='[[signals]]\nmatch = "["\ncapability = "cf_push"\nok_when = "value == 0"\n')
    with pytest.raises(
        InputError, match=r"drill.toml: signals\[1\]\.match = '\[' is not a regular expression"
    ):
        lake.ingest(d)
