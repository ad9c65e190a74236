"""The bosh_table parser: `bosh vms` / `vms --vitals` / `instances --ps` / `tasks` / `events` / cck problems,
as TTY tables, redirected (non-TTY, tab-separated) and `--json`, ingested for real and queried in DuckDB."""

from __future__ import annotations

import json

import pytest

from drillscope.ingest.parsers import bosh_table
from tests.conftest import FIXTURES, Lake

FX = FIXTURES / "bosh_table"
DEP = "cf-54c9c2f906b6aba996cd"
SEOUL = 'timezone = "Asia/Seoul"\n'


def render(header: list[str] | None, rows: list[list[str]], border: str = "  ") -> str:
    """A table as bosh-cli's ui/table writer prints it: cells padded to the column width (bytes), `-` for
    empty, multi-line values on continuation lines, the border after every cell (`\\t` without a TTY)."""
    allrows = ([header] if header else []) + rows
    widths = [0] * len(allrows[0])
    split = [[(c or "-").split("\n") for c in r] for r in allrows]
    for r in split:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], *(len(x.encode()) for x in c))
    out = []
    for r in split:
        for k in range(max(len(c) for c in r)):
            out.append(
                "".join(
                    (c[k] if k < len(c) else "")
                    + " " * (widths[i] - len((c[k] if k < len(c) else "").encode()))
                    + border
                    for i, c in enumerate(r)
                )
            )
    return "\n".join(out) + "\n"


def ingest_one(lake: Lake, name: str, text: str | None = None, toml: str | None = None):
    content = text if text is not None else (FX / name).read_text(encoding="utf-8")
    d = lake.drill("d", toml=toml, **{name: content})
    (res,) = lake.ingest(d)
    assert res.source_type == "bosh_table", res
    assert res.lines == res.parsed_lines + res.ignorable + res.quarantined, res
    assert res.status in ("ok", "partial"), res
    return res


def triples(lake: Lake, f: str) -> set[tuple]:
    return {
        (r["instance"], r["az"], r["process_state"])
        for r in lake.q(f"select instance, az, process_state from vm_states where source_file = '{f}'")
    }


# -- bosh vms --------------------------------------------------------------------------------------


def test_vms_during_tty(lake: Lake) -> None:
    res = ingest_one(lake, "vms_during.txt")
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined, res.rows) == (59, 50, 9, 0, 48)
    assert res.message == ""  # the `48 vms` footer agrees
    assert lake.one("select count(*) from vm_states") == 48
    unresp = lake.q("select distinct az from vm_states where process_state = 'unresponsive agent'")
    assert unresp == [{"az": "az1"}]
    assert lake.one("select count(*) from vm_states where process_state = 'unresponsive agent'") == 16
    failing = lake.q(
        "select instance, az, ips, vm_cid, source_line from vm_states where process_state = 'failing'"
    )
    assert failing == [
        {
            "instance": "loggregator_trafficcontroller/865e0284-0545-4c4f-bff0-dfe0eaf07923",
            "az": "az2",
            "ips": "10.10.21.31",
            "vm_cid": "vm-f65c41fb-b8de-4d9d-9ac1-d0b11ac5e2cb",
            "source_line": 38,
        }
    ]
    assert lake.q("select distinct deployment, ts, ts_basis, process from vm_states") == [
        {"deployment": DEP, "ts": None, "ts_basis": "none", "process": None}
    ]
    assert lake.one("select count(*) from events") == 0  # a snapshot is no event


def test_notty_and_json_give_the_tty_triples(lake: Lake) -> None:
    d = lake.drill(
        "d",
        **{
            f: (FX / f).read_text(encoding="utf-8")
            for f in ("vms_during.txt", "vms_during_notty.txt", "vms_during.json")
        },
    )
    res = {r.source_file: r for r in lake.ingest(d)}
    assert {r.source_type for r in res.values()} == {"bosh_table"}
    assert all(r.status == "ok" and r.quarantined == 0 for r in res.values())
    assert (res["vms_during_notty.txt"].parsed_lines, res["vms_during_notty.txt"].rows) == (48, 48)
    assert (res["vms_during.json"].lines, res["vms_during.json"].parsed_lines) == (458, 458)
    tty = triples(lake, "vms_during.txt")
    assert len(tty) == 48
    assert triples(lake, "vms_during_notty.txt") == tty
    assert triples(lake, "vms_during.json") == tty
    # a --json row's source_line is its opening brace
    line = lake.one(
        "select source_line from vm_states where source_file = 'vms_during.json' "
        "and instance = 'cloud_controller/1cb04038-129c-4740-96c8-dd344d67d1e1'"
    )
    assert (FX / "vms_during.json").read_text().splitlines()[line - 1].strip() == "{"
    assert "cloud_controller/1cb04038" in (FX / "vms_during.json").read_text().splitlines()[line + 2]


def test_notty_and_json_take_the_deployment_from_the_prompt_or_the_drill(lake: Lake) -> None:
    notty = f"[drill@jumpbox-01 ~]$ bosh -d {DEP} vms > x\n" + (FX / "vms_during_notty.txt").read_text()
    d = lake.drill(
        "d",
        toml='foundation = "cf-from-toml"\n',
        **{"a.txt": notty, "b.json": (FX / "vms_during.json").read_text()},
    )
    lake.ingest(d)
    got = lake.q("select source_file, any_value(deployment) dep from vm_states group by 1 order by 1")
    assert got == [{"source_file": "a.txt", "dep": DEP}, {"source_file": "b.json", "dep": "cf-from-toml"}]


def test_vitals_two_line_header(lake: Lake) -> None:
    res = ingest_one(lake, "vms_vitals_during.txt")
    assert (res.parsed_lines, res.quarantined, res.rows, res.message) == (51, 0, 48, "")
    assert (
        lake.one("select count(*) from vm_states where process_state = 'unresponsive agent' and az = 'az1'")
        == 16
    )
    row = lake.q(
        "select process_state, az, ips, vm_cid from vm_states "
        "where instance = 'clock_global/ab4e9d36-7895-43ca-94f1-9f38aa8c78d1'"
    )
    assert row == [
        {
            "process_state": "running",
            "az": "az3",
            "ips": "10.10.22.21",
            "vm_cid": "vm-f57c76c1-2b1f-4e93-a121-aef7a7e30a4b",
        }
    ]


def test_instances_ps_process_rows(lake: Lake) -> None:
    res = ingest_one(lake, "instances_ps_during.txt")
    assert (res.lines, res.quarantined, res.message) == (309, 0, "")
    assert lake.one("select count(*) from vm_states where process is null") == 48
    assert lake.one("select count(*) from vm_states where process is not null") == 250
    assert (
        lake.one(
            "select count(*) from vm_states where process is null and process_state = 'unresponsive agent'"
        )
        == 16
    )
    failing = lake.q(
        "select instance, process, az, ips, source_line from vm_states where process_state = 'failing' order by source_line"
    )
    inst = "loggregator_trafficcontroller/865e0284-0545-4c4f-bff0-dfe0eaf07923"
    assert [(r["instance"], r["process"], r["az"]) for r in failing] == [
        (inst, None, "az2"),
        (inst, "reverse_log_proxy_gateway", "az2"),  # a `~` row: instance and az of its VM row
    ]
    assert failing[1]["ips"] is None
    procs = lake.q(
        "select process from vm_states where instance = 'clock_global/ab4e9d36-7895-43ca-94f1-9f38aa8c78d1' "
        "and process is not null order by source_line"
    )
    assert [r["process"] for r in procs][:3] == ["bosh-dns", "bosh-dns-healthcheck", "bosh-dns-resolvconf"]


# -- snapshot time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_line", "toml", "expect"),
    [
        ("Thu Jan  3 10:40:02 KST 2019", SEOUL, "2019-01-03T01:40:02+00:00"),
        ("2019-01-03 10:40:02", SEOUL, "2019-01-03T01:40:02+00:00"),
        ("Thu Jan  3 01:40:02 UTC 2019", SEOUL, "2019-01-03T01:40:02+00:00"),  # `date -u`
        (
            "2019-01-03T10:40:02+09:00",
            None,
            "2019-01-03T01:40:02+00:00",
        ),  # an offset wins over the drill zone
        ("2019. 01. 03. (목) 10:40:02 KST", SEOUL, "2019-01-03T01:40:02+00:00"),  # ko_KR locale
    ],
)
def test_date_line_gives_the_snapshot_time(lake: Lake, date_line: str, toml: str | None, expect: str) -> None:
    text = (
        "[drill@jumpbox-01 ~]$ date\n"
        f"{date_line}\n"
        f"[drill@jumpbox-01 ~]$ bosh -d {DEP} vms\n" + (FX / "vms_during.txt").read_text()
    )
    res = ingest_one(lake, "vms.txt", text, toml)
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined) == (62, 51, 11, 0)
    assert lake.q("select distinct ts, ts_basis from vm_states") == [{"ts": expect, "ts_basis": "date_line"}]


def test_date_line_after_the_table_and_two_snapshots(lake: Lake) -> None:
    vms = (FX / "vms_during.txt").read_text()
    one = vms + "$ date\nThu Jan  3 10:40:30 KST 2019\n"
    two = "$ date\nThu Jan  3 10:40:02 KST 2019\n" + vms + "$ date\nThu Jan  3 11:20:00 KST 2019\n" + vms
    d = lake.drill("d", toml=SEOUL, **{"one.txt": one, "two.txt": two})
    lake.ingest(d)
    got = lake.q("select source_file, ts, count(*) n from vm_states group by all order by all")
    assert got == [
        {"source_file": "one.txt", "ts": "2019-01-03T01:40:30+00:00", "n": 48},
        {"source_file": "two.txt", "ts": "2019-01-03T01:40:02+00:00", "n": 48},
        {"source_file": "two.txt", "ts": "2019-01-03T02:20:00+00:00", "n": 48},
    ]


def test_date_line_naming_another_zone_reads_that_zone(lake: Lake) -> None:
    # a drill without drill.toml (UTC): KST is +09:00 by the one wall clock, as in a cf capture
    res = ingest_one(lake, "vms.txt", "Thu Jan  3 10:40:02 KST 2019\n" + (FX / "vms_during.txt").read_text())
    assert "zone" not in res.message
    assert lake.one("select distinct ts from vm_states") == "2019-01-03T01:40:02+00:00"
    res = ingest_one(lake, "vms.txt", "Thu Jan  3 10:40:02 XYZT 2019\n" + (FX / "vms_during.txt").read_text())
    assert "unknown zone abbreviation(s) ['XYZT'] read in the drill's zone" in res.message
    assert lake.one("select distinct ts from vm_states") == "2019-01-03T10:40:02+00:00"


# -- tasks -----------------------------------------------------------------------------------------


def test_tasks_recent(lake: Lake) -> None:
    res = ingest_one(lake, "tasks_recent.txt")
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined, res.rows, res.message) == (
        37,
        31,
        6,
        0,
        30,
        "",
    )
    assert lake.one("select count(*) from bosh_tasks") == 30  # the `30 tasks` footer
    got = lake.q(
        "select task_id, state, started_at, ended_at, user, deployment, description, result, source_line "
        "from bosh_tasks where task_id in (1233, 1234) order by task_id"
    )
    assert got == [
        {
            "task_id": 1233,
            "state": "done",
            "started_at": "2019-01-03T01:51:02+00:00",
            "ended_at": "2019-01-03T01:51:25+00:00",
            "user": "ops_manager",
            "deployment": DEP,
            "description": "scan cloud",
            "result": "scan complete",
            "source_line": 6,
        },
        {
            "task_id": 1234,
            "state": "done",
            "started_at": "2019-01-03T01:51:28+00:00",
            "ended_at": "2019-01-03T02:17:07+00:00",
            "user": "ops_manager",
            "deployment": DEP,
            "description": "apply resolutions",
            "result": "16 resolved",
            "source_line": 5,
        },
    ]
    assert lake.q("select deployment, result from bosh_tasks where task_id = 1209") == [
        {"deployment": None, "result": "Created release 'cf-networking/2.18.2'"}
    ]


def test_tasks_unfinished_and_epoch_cli_v5_and_v6(lake: Lake) -> None:
    v5 = ["ID", "State", "Started At", "Last Activity At", "User", "Deployment", "Description", "Result"]
    v6 = [*v5[:3], "Finished At", *v5[4:]]
    rows5 = [
        [
            "1240",
            "processing",
            "Thu Jan  3 02:30:00 UTC 2019",
            "Thu Jan  3 02:31:10 UTC 2019",
            "hm",
            DEP,
            "scan and fix",
            "",
        ],
        [
            "1239",
            "queued",
            "Thu Jan  1 00:00:00 UTC 1970",
            "Thu Jan  3 02:29:59 UTC 2019",
            "hm",
            DEP,
            "scan and fix",
            "",
        ],
    ]
    rows6 = [
        ["1240", "processing", "Thu Jan  3 02:30:00 UTC 2019", "", "hm", DEP, "scan and fix", ""],
        [
            "1238",
            "error",
            "Thu Jan  3 02:20:00 UTC 2019",
            "Thu Jan  3 02:20:01 UTC 2019",
            "hm",
            DEP,
            "scan and fix",
            "Unable to get deployment lock, maybe a deployment is in progress. Try again later.",
        ],
    ]
    d = lake.drill(
        "d",
        **{
            "v5.txt": render(v5, rows5) + "\n2 tasks\n",
            "v6.txt": render(v6, rows6) + "\n2 tasks\n",
        },
    )
    res = lake.ingest(d)
    assert all(r.source_type == "bosh_table" and r.status == "ok" and r.message == "" for r in res)
    got = lake.q(
        "select source_file, task_id, state, started_at, ended_at, result from bosh_tasks order by all"
    )
    assert got == [
        {
            "source_file": "v5.txt",
            "task_id": 1239,
            "state": "queued",
            "started_at": None,
            "ended_at": None,
            "result": None,
        },
        {
            "source_file": "v5.txt",
            "task_id": 1240,
            "state": "processing",
            "started_at": "2019-01-03T02:30:00+00:00",
            "ended_at": None,
            "result": None,
        },
        {
            "source_file": "v6.txt",
            "task_id": 1238,
            "state": "error",
            "started_at": "2019-01-03T02:20:00+00:00",
            "ended_at": "2019-01-03T02:20:01+00:00",
            "result": "Unable to get deployment lock, maybe a deployment is in progress. Try again later.",
        },
        {
            "source_file": "v6.txt",
            "task_id": 1240,
            "state": "processing",
            "started_at": "2019-01-03T02:30:00+00:00",
            "ended_at": None,
            "result": None,
        },
    ]


# -- events ----------------------------------------------------------------------------------------


def test_events_meltdown_and_multiline_contexts(lake: Lake) -> None:
    res = ingest_one(lake, "events.txt")
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined, res.rows) == (503, 497, 6, 0, 200)
    assert "200 events is the director's cap" in res.message
    assert lake.one("select count(*) from events") == 200  # the `200 events` footer
    kinds = lake.q("select kind, severity, count(*) n from events group by all order by all")
    assert kinds == [
        {"kind": "bosh_lock", "severity": "info", "n": 3},
        {"kind": "hm_alert", "severity": "1", "n": 99},
        {"kind": "hm_alert", "severity": "2", "n": 98},
    ]
    assert lake.one("select count(*) from events where message like 'We are in meltdown. Alert @ %'") == 99
    first = lake.q(
        "select ts, ts_role, kind, component, instance, task_id, message, source_line from events order by source_line limit 1"
    )
    assert first == [
        {
            "ts": "2019-01-03T01:52:14+00:00",
            "ts_role": "logged",
            "kind": "hm_alert",
            "component": "bosh",
            "instance": "uaa/5203eb34-c62d-4026-954e-d328157a5d1d",  # from the alert text: the cell is `-`
            "task_id": None,
            "message": "We are in meltdown. Alert @ 2019-01-03 01:52:14 UTC, severity 1: Skipping resurrection for "
            "instance: 'uaa/5203eb34-c62d-4026-954e-d328157a5d1d'; deployment: 'cf-54c9c2f906b6aba996cd'; "
            "16 of 48 agents are unhealthy (33.3%)",
            "source_line": 4,  # the first of its three lines
        }
    ]
    timed_out = lake.q("select instance, message, source_line from events where source_line = 7")
    assert timed_out == [
        {
            "instance": "uaa/5203eb34-c62d-4026-954e-d328157a5d1d",
            "message": "787dcb29-19be-4cf7-8e5b-34ed9c20c926 has timed out. Alert @ 2019-01-03 01:52:14 UTC, "
            "severity 2: 787dcb29-19be-4cf7-8e5b-34ed9c20c926 has timed out",
            "source_line": 7,
        }
    ]
    assert lake.one("select min(ts) from events") == "2019-01-03T01:46:14+00:00"


def test_events_onset_recreating_alerts(lake: Lake) -> None:
    res = ingest_one(lake, "events_onset.txt")
    assert (res.quarantined, res.rows, res.message) == (0, 32, "")
    got = lake.q("select severity, count(*) n from events group by 1 order by 1")
    assert got == [{"severity": "1", "n": 7}, {"severity": "2", "n": 16}, {"severity": "4", "n": 9}]
    assert lake.one("select count(*) from events where message like 'Recreating unresponsive VM. %'") == 9


def test_events_locks_pairs(lake: Lake) -> None:
    res = ingest_one(lake, "events_locks.txt")
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined, res.rows) == (11, 5, 6, 0, 4)
    got = lake.q("select ts, kind, task_id, message from events order by ts")
    lock = f"lock:deployment:{DEP}"
    assert got == [
        {
            "ts": "2019-01-03T01:51:03+00:00",
            "kind": "bosh_lock",
            "task_id": 1233,
            "message": f"acquire {lock}",
        },
        {
            "ts": "2019-01-03T01:51:24+00:00",
            "kind": "bosh_lock",
            "task_id": 1233,
            "message": f"release {lock}",
        },
        {
            "ts": "2019-01-03T01:51:28+00:00",
            "kind": "bosh_lock",
            "task_id": 1234,
            "message": f"acquire {lock}",
        },
        {
            "ts": "2019-01-03T02:17:07+00:00",
            "kind": "bosh_lock",
            "task_id": 1234,
            "message": f"release {lock}",
        },
    ]


EV_HEADER = [
    "ID",
    "Time",
    "User",
    "Action",
    "Object Type",
    "Object Name",
    "Task ID",
    "Deployment",
    "Instance",
    "Context",
    "Error",
]
EV_ROWS = [
    [
        "900 <- 899",
        "Thu Jan  3 02:40:11 UTC 2019",
        "ops_manager",
        "create",
        "vm",
        "vm-1f2e",
        "1300",
        DEP,
        "router/1989b56a-ee45-4e20-8307-a155868e9fd2",
        "",
        "CPI error 'Bosh::Clouds::VMCreationFailed' with message 'host unreachable'",
    ],
    [
        "899",
        "Thu Jan  3 02:39:50 UTC 2019",
        "ops_manager",
        "create",
        "vm",
        "",
        "1300",
        DEP,
        "router/1989b56a-ee45-4e20-8307-a155868e9fd2",
        "az: az1\nnote: 'a long text: with a colon and a very long line that the yaml emitter wraps\n  over two lines'",
        "",
    ],
]


@pytest.mark.parametrize("form", ["tty", "notty"])
def test_events_parent_ids_errors_and_contexts(lake: Lake, form: str) -> None:
    text = (
        render(EV_HEADER, EV_ROWS) + "\n2 events\n" if form == "tty" else render(None, EV_ROWS, border="\t")
    )
    res = ingest_one(lake, "ev.txt", text)
    assert (res.quarantined, res.rows, res.message) == (0, 2, "")
    got = lake.q("select ts, kind, severity, task_id, instance, message, source_line from events order by ts")
    assert got == _expect_events(form)


def _expect_events(form: str) -> list[dict]:
    first = 2 if form == "tty" else 1  # the header takes line 1 on a TTY
    return [
        {
            "ts": "2019-01-03T02:39:50+00:00",
            "kind": "bosh_event",
            "severity": "info",
            "task_id": 1300,
            "instance": "router/1989b56a-ee45-4e20-8307-a155868e9fd2",
            "message": "create vm (az: az1; note: a long text: with a colon and a very long line that the yaml "
            "emitter wraps over two lines)",
            "source_line": first + 1,
        },
        {
            "ts": "2019-01-03T02:40:11+00:00",
            "kind": "bosh_event",
            "severity": "error",
            "task_id": 1300,
            "instance": "router/1989b56a-ee45-4e20-8307-a155868e9fd2",
            "message": "create vm vm-1f2e -- Error: CPI error 'Bosh::Clouds::VMCreationFailed' with message "
            "'host unreachable'",
            "source_line": first,
        },
    ]


# -- cck problems ----------------------------------------------------------------------------------


def test_standalone_cck_problems_table(lake: Lake) -> None:
    lines = (FX.parent / "bosh_task" / "cck_console.txt").read_text().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("#    Type"))
    text = "$ date\nThu Jan  3 10:51:26 KST 2019\n" + "\n".join(lines[start : start + 19]) + "\n"
    assert text.rstrip().endswith("16 problems")
    res = ingest_one(lake, "cck.txt", text, SEOUL)
    assert (res.quarantined, res.rows, res.message) == (0, 16, "")
    got = lake.q(
        "select ts, problem_id, problem_type, instance, description, resolution from cck_problems order by problem_id limit 1"
    )
    assert got == [
        {
            "ts": "2019-01-03T01:51:26+00:00",
            "problem_id": 113,
            "problem_type": "unresponsive_agent",
            "instance": "nats/66c0bf79-fe07-4c52-a5d1-c921cd9247c3",
            "description": "VM for 'nats/66c0bf79-fe07-4c52-a5d1-c921cd9247c3 (0)' with cloud ID "
            "'vm-932a4eef-4c8a-4181-a548-c0970575e553' is not responding.",
            "resolution": None,
        }
    ]


# -- robustness ------------------------------------------------------------------------------------


def test_ansi_colours_and_stripped_trailing_spaces(lake: Lake) -> None:
    lines = (FX / "vms_during.txt").read_text().splitlines()
    lines[6] = "\x1b[1m" + lines[6] + "\x1b[0m"
    out = []
    for ln in lines:
        ln = ln.replace("unresponsive agent", "\x1b[31munresponsive agent\x1b[0m").rstrip()
        out.append(ln.replace("  running  ", "  \x1b[32mrunning\x1b[0m  "))
    res = ingest_one(lake, "vms.txt", "\n".join(out) + "\n")
    assert (res.quarantined, res.rows) == (0, 48)
    assert (
        lake.one("select count(*) from vm_states where process_state = 'unresponsive agent' and az = 'az1'")
        == 16
    )
    assert lake.one("select count(*) from vm_states where process_state = 'running'") == 31


def test_multi_ip_cells_and_a_garbage_line(lake: Lake) -> None:
    header = ["Instance", "Process State", "AZ", "IPs", "VM CID", "VM Type", "Active"]
    rows = [
        [
            "router/1989b56a-ee45-4e20-8307-a155868e9fd2",
            "unresponsive agent",
            "az1",
            "10.10.20.35\n192.168.0.35",
            "vm-8f8e",
            "micro",
            "true",
        ],
        [
            "uaa/5203eb34-c62d-4026-954e-d328157a5d1d",
            "running",
            "az2",
            "10.10.21.36",
            "vm-28dd",
            "micro",
            "true",
        ],
    ]
    table = render(header, rows).splitlines()
    table.insert(3, "### cut here ###")
    text = f"Deployment '{DEP}'\n\n" + "\n".join(table) + "\n\n2 vms\n"
    res = ingest_one(lake, "vms.txt", text)
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined, res.status) == (
        9,
        5,
        3,
        1,
        "partial",
    )
    assert lake.q("select instance, ips, source_line from vm_states order by source_line") == [
        {
            "instance": "router/1989b56a-ee45-4e20-8307-a155868e9fd2",
            "ips": "10.10.20.35, 192.168.0.35",
            "source_line": 4,
        },
        {"instance": "uaa/5203eb34-c62d-4026-954e-d328157a5d1d", "ips": "10.10.21.36", "source_line": 7},
    ]
    q = lake.q("select source_line, reason, raw from quarantine")
    assert q == [
        {
            "source_line": 6,
            "reason": "does not fit the columns of the table at line 3",
            "raw": "### cut here ###",
        }
    ]


def test_malformed_json_is_quarantined(lake: Lake) -> None:
    text = (FX / "vms_during.json").read_text()[:2000]
    res = ingest_one(lake, "vms.json", text)
    assert res.quarantined == res.lines and res.rows == 0 and res.status == "partial"


# -- probe -----------------------------------------------------------------------------------------


def test_sample_probes_and_parses(lake: Lake) -> None:
    assert bosh_table.probe(bosh_table.SAMPLE)
    res = ingest_one(lake, "sample.txt", bosh_table.SAMPLE)
    assert (res.quarantined, res.rows, res.message) == (0, 2, "")


def test_json_events_and_tasks_with_a_date_line_before(lake: Lake) -> None:
    ev_keys = [
        "id",
        "time",
        "user",
        "action",
        "object_type",
        "object_name",
        "task_id",
        "deployment",
        "instance",
    ]
    ev_keys += ["context", "error"]
    doc = {
        "Tables": [
            {
                "Content": "events",
                "Header": {k: t for k, t in zip(ev_keys, EV_HEADER, strict=True)},
                "Rows": [
                    dict(zip(ev_keys, [("" if c == "-" else c) for c in r], strict=True)) for r in EV_ROWS
                ],
                "Notes": None,
            },
            {
                "Content": "tasks",
                "Header": {
                    "id": "ID",
                    "state": "State",
                    "started_at": "Started At",
                    "finished_at": "Finished At",
                },
                "Rows": [
                    {
                        "id": "1240",
                        "state": "processing",
                        "started_at": "Thu Jan  3 02:30:00 UTC 2019",
                        "finished_at": "",
                    }
                ],
                "Notes": None,
            },
        ],
        "Blocks": None,
        "Lines": ["Using environment '10.10.16.5' as client 'ops_manager'", "Succeeded"],
    }
    text = "$ date -u\nThu Jan  3 02:41:00 UTC 2019\n$ bosh events --json\n" + json.dumps(
        doc, indent=4, sort_keys=True
    )  # Go sorts map keys
    res = ingest_one(lake, "ev.json", text)
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined, res.rows) == (
        text.count("\n") + 1,
        text.count("\n") - 1,
        2,
        0,
        3,
    )
    assert [
        {k: r[k] for k in ("kind", "severity", "task_id", "message")} for r in _expect_events("tty")
    ] == lake.q("select kind, severity, task_id, message from events order by ts")
    assert lake.q("select task_id, state, started_at, ended_at from bosh_tasks") == [
        {"task_id": 1240, "state": "processing", "started_at": "2019-01-03T02:30:00+00:00", "ended_at": None}
    ]
    lines = text.splitlines()
    for n in [r["source_line"] for r in lake.q("select source_line from events")]:
        assert lines[n - 1].strip() == "{" and '"action"' in lines[n]
