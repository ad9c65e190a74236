"""bosh_task: `bosh task N` output and `bosh cck` consoles, TTY and redirected, into bosh_tasks, events and
cck_problems, with UTC instants dated by the task footer or the drill."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drillscope.ingest.parsers import bosh_task
from drillscope.ingest.registry import detect
from tests.conftest import Lake

FX = Path(__file__).parents[1] / "fixtures" / "bosh_task"
SEOUL_0103 = 'timezone = "Asia/Seoul"\ndate = "2019-01-03"\n'

# the 16 resolutions of task 1234 (scenario: az1 host down, `cck --resolution=reboot_vm`), in order:
# (start, resource id, duration in seconds)
RESOLUTIONS = [
    ("2019-01-03T01:51:28+00:00", 269, 97.0),
    ("2019-01-03T01:53:05+00:00", 255, 103.0),
    ("2019-01-03T01:54:48+00:00", 235, 90.0),
    ("2019-01-03T01:56:18+00:00", 232, 101.0),
    ("2019-01-03T01:57:59+00:00", 238, 103.0),
    ("2019-01-03T01:59:42+00:00", 240, 99.0),
    ("2019-01-03T02:01:21+00:00", 243, 100.0),
    ("2019-01-03T02:03:01+00:00", 276, 87.0),
    ("2019-01-03T02:04:28+00:00", 273, 86.0),
    ("2019-01-03T02:05:54+00:00", 261, 96.0),
    ("2019-01-03T02:07:31+00:00", 267, 91.0),
    ("2019-01-03T02:09:02+00:00", 249, 89.0),
    ("2019-01-03T02:10:31+00:00", 264, 99.0),
    ("2019-01-03T02:12:10+00:00", 246, 102.0),
    ("2019-01-03T02:13:52+00:00", 252, 97.0),
    ("2019-01-03T02:15:29+00:00", 258, 98.0),
]


def _files(lake: Lake) -> dict[str, tuple]:
    return {
        r["source_file"]: (
            r["source_type"],
            r["lines"],
            r["parsed_lines"],
            r["ignorable"],
            r["quarantined"],
            r["status"],
        )
        for r in lake.q("select * from ingest_files")
    }


def _resolutions(lake: Lake, source_file: str) -> list[tuple]:
    return [
        (r["ts"], r["resource_id"], r["duration_s"])
        for r in lake.q(
            f"select ts, resource_id, duration_s from cck_problems where source_file = '{source_file}' "
            "and resolution is not null order by ts"
        )
    ]


def test_cck_console_gives_both_tasks_the_problem_table_and_16_reboots(lake: Lake) -> None:
    d = lake.drill("d", toml=SEOUL_0103, **{"cck.txt": (FX / "cck_console.txt").read_text()})
    lake.ingest(d)
    assert _files(lake) == {"cck.txt": ("bosh_task", 62, 48, 14, 0, "ok")}
    tasks = lake.q(
        "select task_id, deployment, description, state, user, started_at, ended_at, source_line "
        "from bosh_tasks order by task_id"
    )
    assert tasks == [
        {
            "task_id": 1233,
            "deployment": "cf-54c9c2f906b6aba996cd",
            "description": "scan cloud",
            "state": "done",
            "user": "ops_manager",
            "started_at": "2019-01-03T01:51:03+00:00",  # the footer (first/last event), not the task record
            "ended_at": "2019-01-03T01:51:24+00:00",
            "source_line": 5,
        },
        {
            "task_id": 1234,
            "deployment": "cf-54c9c2f906b6aba996cd",
            "description": "apply resolutions",
            "state": "done",
            "user": "ops_manager",
            "started_at": "2019-01-03T01:51:28+00:00",
            "ended_at": "2019-01-03T02:17:07+00:00",
            "source_line": 38,
        },
    ]
    table = lake.q(
        "select ts, task_id, problem_id, problem_type, instance, resolution, source_line from cck_problems "
        "where resolution is null order by problem_id"
    )
    assert len(table) == 16
    assert [r["problem_id"] for r in table] == list(range(113, 129))
    assert {(r["ts"], r["task_id"], r["problem_type"]) for r in table} == {
        ("2019-01-03T01:51:24+00:00", 1233, "unresponsive_agent")
    }
    assert table[0]["instance"] == "nats/66c0bf79-fe07-4c52-a5d1-c921cd9247c3"
    assert table[0]["source_line"] == 18
    assert _resolutions(lake, "cck.txt") == RESOLUTIONS
    rs = lake.q(
        "select task_id, problem_type, resolution, plan, instance from cck_problems "
        "where resolution is not null order by ts"
    )
    assert {(r["task_id"], r["problem_type"], r["resolution"], r["plan"]) for r in rs} == {
        (1234, "unresponsive_agent", "reboot_vm", "Reboot VM")
    }
    assert rs[-1]["instance"] == "doppler/d4cced69-7700-4b89-9c70-4f307e129563"
    ev = lake.q(
        "select task_id, ts_role, count(*) n, min(ts) first, max(ts) last from events "
        "where kind = 'bosh_stage' and component = 'bosh' and severity = 'info' group by all order by all"
    )
    assert ev == [
        {"task_id": 1233, "ts_role": "finished", "n": 4, "first": "2019-01-03T01:51:21+00:00",
         "last": "2019-01-03T01:51:24+00:00"},
        {"task_id": 1233, "ts_role": "started", "n": 4, "first": "2019-01-03T01:51:03+00:00",
         "last": "2019-01-03T01:51:24+00:00"},
        {"task_id": 1234, "ts_role": "finished", "n": 16, "first": "2019-01-03T01:53:05+00:00",
         "last": "2019-01-03T02:17:07+00:00"},
        {"task_id": 1234, "ts_role": "started", "n": 16, "first": "2019-01-03T01:51:28+00:00",
         "last": "2019-01-03T02:15:29+00:00"},
    ]  # fmt: skip
    assert lake.one("select count(*) from events") == 40
    assert lake.one("select message from events where source_line = 7 and ts_role = 'started'") == (
        "Scanning 48 VMs: Checking VM states"
    )


def test_redirected_capture_is_dated_by_the_drill_and_matches_the_tty_one(lake: Lake) -> None:
    d = lake.drill("d", toml=SEOUL_0103)
    for name in ("task_1234.txt", "task_1234_notty.txt", "cck_console.txt"):
        (d / name).write_bytes((FX / name).read_bytes())
    lake.ingest(d)
    files = _files(lake)
    # no header, no footer, a leading blank line and no final newline
    assert files["task_1234_notty.txt"] == ("bosh_task", 17, 16, 1, 0, "ok")
    assert files["task_1234.txt"] == ("bosh_task", 27, 22, 5, 0, "ok")
    for f in ("task_1234_notty.txt", "task_1234.txt", "cck_console.txt"):
        assert _resolutions(lake, f) == RESOLUTIONS, f
    tasks = lake.q(
        "select source_file, task_id, description, state, started_at, ended_at, source_line from bosh_tasks "
        "where source_file like 'task_%' order by source_file"
    )
    assert tasks == [
        {"source_file": "task_1234.txt", "task_id": 1234, "description": "apply resolutions", "state": "done",
         "started_at": "2019-01-03T01:51:28+00:00", "ended_at": "2019-01-03T02:17:07+00:00", "source_line": 3},
        {"source_file": "task_1234_notty.txt", "task_id": 1234, "description": "apply resolutions",
         "state": None, "started_at": "2019-01-03T01:51:28+00:00", "ended_at": "2019-01-03T02:17:07+00:00",
         "source_line": 2},
    ]  # fmt: skip
    same = lake.q(
        "select count(*) n from (select ts, ts_role, message from events where source_file = 'task_1234.txt' "
        "except select ts, ts_role, message from events where source_file = 'task_1234_notty.txt')"
    )
    assert same == [{"n": 0}]


def test_redirected_cck_console_tab_separated_problem_rows(lake: Lake) -> None:
    # `bosh cck > file`: no banners, headers or footers; the table keeps its data rows, tab-separated
    # with each cell padded to its column first (ui/non_tty_ui.go)
    tty = (FX / "cck_console.txt").read_text().splitlines()
    out = [""]
    for ln in tty:
        if ln.startswith("Task ") and " | " in ln:
            out.append(ln)
        elif ln[:3].isdigit() and "unresponsive_agent" in ln:
            pid, ptype, desc = ln.rstrip().split("  ", 2)
            out.append(f"{pid}\t{ptype}\t{desc.strip()}\t")
    d = lake.drill("d", toml=SEOUL_0103, **{"cck.txt": "\n".join(out)})
    lake.ingest(d)
    assert _files(lake) == {"cck.txt": ("bosh_task", 37, 36, 1, 0, "ok")}
    table = lake.q(
        "select ts, task_id, problem_id, instance from cck_problems where resolution is null order by problem_id"
    )
    assert [r["problem_id"] for r in table] == list(range(113, 129))
    assert {(r["ts"], r["task_id"]) for r in table} == {("2019-01-03T01:51:24+00:00", 1233)}
    assert table[-1]["instance"] == "doppler/d4cced69-7700-4b89-9c70-4f307e129563"
    assert _resolutions(lake, "cck.txt") == RESOLUTIONS
    assert lake.q("select task_id, description, started_at, ended_at from bosh_tasks order by 1") == [
        {"task_id": 1233, "description": "scan cloud", "started_at": "2019-01-03T01:51:03+00:00",
         "ended_at": "2019-01-03T01:51:24+00:00"},
        {"task_id": 1234, "description": "apply resolutions", "started_at": "2019-01-03T01:51:28+00:00",
         "ended_at": "2019-01-03T02:17:07+00:00"},
    ]  # fmt: skip


def test_redirected_capture_without_a_drill_date_waits_for_dated_evidence(lake: Lake) -> None:
    # no drill.toml: the date comes from the dated footer of another capture of the drill
    d = lake.drill("d")
    for name in ("task_1234_notty.txt", "task_1234.txt"):
        (d / name).write_bytes((FX / name).read_bytes())
    lake.ingest(d)
    assert _resolutions(lake, "task_1234_notty.txt") == RESOLUTIONS


def test_capture_over_midnight_utc_rolls_the_date(lake: Lake) -> None:
    # 08:58 KST on Jan 4 is 23:58 UTC on Jan 3: the UTC day changes during the task
    d = lake.drill(
        "d",
        toml='timezone = "Asia/Seoul"\ndate = "2019-01-04"\n',
        **{"t.txt": (FX / "midnight_notty.txt").read_text()},
    )
    lake.ingest(d)
    assert _resolutions(lake, "t.txt") == [
        ("2019-01-03T23:58:40+00:00", 273, 86.0),
        ("2019-01-04T00:00:06+00:00", 276, 87.0),
    ]
    assert lake.q("select started_at, ended_at from bosh_tasks") == [
        {"started_at": "2019-01-03T23:58:40+00:00", "ended_at": "2019-01-04T00:01:33+00:00"}
    ]
    assert _files(lake) == {"t.txt": ("bosh_task", 3, 2, 1, 0, "ok")}


def test_footer_dates_a_task_over_midnight_and_durations_over_100_hours(lake: Lake) -> None:
    text = (
        "Using environment '10.10.16.5' as client 'ops_manager'\n\nTask 3002\n\n"
        "Task 3002 | 23:59:30 | Preparing deployment: Preparing deployment (00:00:40)\n"
        "Task 3002 | 00:00:10 | Compiling packages: golang-1-linux/8d3c4f5e (101:00:05)\n\n"
        "Task 3002 Started  Thu Jan  3 23:59:30 UTC 2019\n"
        "Task 3002 Finished Tue Jan  8 05:00:15 UTC 2019\n"
        "Task 3002 Duration 101:00:45\n"
        "Task 3002 done\n\nSucceeded\n"
    )
    d = lake.drill("d", **{"t.txt": text})  # no drill.toml: the footer alone dates it
    lake.ingest(d)
    ev = lake.q("select ts, ts_role from events order by ts")
    assert ev == [
        {"ts": "2019-01-03T23:59:30+00:00", "ts_role": "started"},
        {"ts": "2019-01-04T00:00:10+00:00", "ts_role": "finished"},
        {"ts": "2019-01-04T00:00:10+00:00", "ts_role": "started"},
        {"ts": "2019-01-08T05:00:15+00:00", "ts_role": "finished"},
    ]
    assert lake.q("select started_at, ended_at, state, user, deployment from bosh_tasks") == [
        {
            "started_at": "2019-01-03T23:59:30+00:00",
            "ended_at": "2019-01-08T05:00:15+00:00",
            "state": "done",
            "user": None,  # `bosh task N` shows the viewer, not the task's owner
            "deployment": None,
        }
    ]


def test_interleaved_start_and_finish_lines_pair_by_stage_and_name(lake: Lake) -> None:
    # director >= v269 resolves problems in parallel: start lines, then finish lines that carry the
    # finish time and the duration since the start
    a = (
        "VM for 'router/1989b56a-ee45-4e20-8307-a155868e9fd2 (0)' with cloud ID 'vm-8f8e76da' "
        "is not responding. (unresponsive_agent 273): Reboot VM"
    )
    b = (
        "VM for 'uaa/5203eb34-c62d-4026-954e-d328157a5d1d (0)' with cloud ID 'vm-28ddd8f4' "
        "is not responding. (unresponsive_agent 276): Reboot VM"
    )
    text = (
        "Using environment '10.10.16.5' as client 'ops_manager'\n\n"
        "Using deployment 'cf-54c9c2f906b6aba996cd'\n\nTask 3001\n\n"
        f"Task 3001 | 01:00:00 | Applying problem resolutions: {a}\n"
        f"Task 3001 | 01:00:01 | Applying problem resolutions: {b}\n"
        f"Task 3001 | 01:01:30 | Applying problem resolutions: {a} (00:01:30)\n"
        f"Task 3001 | 01:01:46 | Applying problem resolutions: {b} (00:01:45)\n\n"
        "Task 3001 Started  Thu Jan  3 01:00:00 UTC 2019\n"
        "Task 3001 Finished Thu Jan  3 01:01:46 UTC 2019\n"
        "Task 3001 Duration 00:01:46\n"
        "Task 3001 done\n\nSucceeded\n"
    )
    d = lake.drill("d", **{"t.txt": text})
    lake.ingest(d)
    assert lake.q("select ts, resource_id, duration_s, source_line from cck_problems order by ts") == [
        {"ts": "2019-01-03T01:00:00+00:00", "resource_id": 273, "duration_s": 90.0, "source_line": 7},
        {"ts": "2019-01-03T01:00:01+00:00", "resource_id": 276, "duration_s": 105.0, "source_line": 8},
    ]
    assert lake.q("select ts, ts_role, instance, source_line from events order by source_line") == [
        {"ts": "2019-01-03T01:00:00+00:00", "ts_role": "started", "instance": "router/1989b56a-ee45-4e20-8307-a155868e9fd2", "source_line": 7},
        {"ts": "2019-01-03T01:00:01+00:00", "ts_role": "started", "instance": "uaa/5203eb34-c62d-4026-954e-d328157a5d1d", "source_line": 8},
        {"ts": "2019-01-03T01:01:30+00:00", "ts_role": "finished", "instance": "router/1989b56a-ee45-4e20-8307-a155868e9fd2", "source_line": 9},
        {"ts": "2019-01-03T01:01:46+00:00", "ts_role": "finished", "instance": "uaa/5203eb34-c62d-4026-954e-d328157a5d1d", "source_line": 10},
    ]  # fmt: skip


def _ansi(text: str) -> str:
    """What `script`/tmux record: bold table headers, green `done`, red errors (ui/color_ui.go)."""
    text = re.sub(r"^#(\s+)Type(\s+)Description", "\x1b[1m#\x1b[0m\\1\x1b[1mType\x1b[0m\\2\x1b[1mDescription\x1b[0m",
                  text, flags=re.M)  # fmt: skip
    text = re.sub(r"^(Task \d+) done$", "\\1 \x1b[32mdone\x1b[0m", text, flags=re.M)
    return text.replace("Succeeded", "\x1b[32mSucceeded\x1b[0m")


def test_crlf_and_ansi_captures_parse_identically(lake: Lake) -> None:
    plain = (FX / "cck_console.txt").read_text()
    d = lake.drill(
        "d",
        toml=SEOUL_0103,
        **{
            "plain.txt": plain,
            "crlf_ansi.txt": _ansi(plain).replace("\n", "\r\n").encode(),
            "notty_crlf.txt": (FX / "task_1234_notty.txt").read_text().replace("\n", "\r\n").encode(),
        },
    )
    lake.ingest(d)
    files = _files(lake)
    assert files["crlf_ansi.txt"] == files["plain.txt"] == ("bosh_task", 62, 48, 14, 0, "ok")
    assert files["notty_crlf.txt"] == ("bosh_task", 17, 16, 1, 0, "ok")
    for table, cols in (
        ("events", "ts, ts_role, kind, severity, task_id, instance, message, source_line"),
        ("cck_problems", "ts, task_id, problem_id, problem_type, resource_id, instance, description, "
                         "resolution, plan, duration_s, source_line"),
        ("bosh_tasks", "task_id, deployment, description, state, user, started_at, ended_at, source_line"),
    ):  # fmt: skip
        a = lake.q(f"select {cols} from {table} where source_file = 'plain.txt' order by all")
        b = lake.q(f"select {cols} from {table} where source_file = 'crlf_ansi.txt' order by all")
        assert a == b and a, table
    assert _resolutions(lake, "notty_crlf.txt") == RESOLUTIONS


def test_a_line_cut_in_half_is_quarantined(lake: Lake) -> None:
    lines = (FX / "task_1234_notty.txt").read_text().split("\n")
    cut = lines[11]  # the 02:07:31 resolution (line 12), wrapped by a narrow terminal
    half = cut.index("with cloud ID")
    lines[11:12] = [cut[:half], cut[half:]]
    d = lake.drill("d", toml=SEOUL_0103, **{"t.txt": "\n".join(lines)})
    lake.ingest(d)
    assert _files(lake) == {"t.txt": ("bosh_task", 18, 15, 1, 2, "partial")}
    assert lake.q("select source_line, reason, raw from quarantine order by source_line") == [
        {"source_line": 12, "reason": "event line body not understood (cut line?)", "raw": cut[:half]},
        {"source_line": 13, "reason": "not a line of a bosh task console", "raw": cut[half:]},
    ]
    got = _resolutions(lake, "t.txt")
    assert got == [r for r in RESOLUTIONS if r[1] != 267]


def test_failed_resolution_error_lines_and_cli_error(lake: Lake) -> None:
    d = lake.drill("d", toml=SEOUL_0103, **{"t.txt": (FX / "cck_apply_failed.txt").read_text()})
    lake.ingest(d)
    assert _files(lake) == {"t.txt": ("bosh_task", 20, 12, 8, 0, "ok")}
    assert lake.q("select task_id, description, state, started_at, ended_at from bosh_tasks") == [
        {"task_id": 1240, "description": "apply resolutions", "state": "error",
         "started_at": "2019-01-03T02:30:01+00:00", "ended_at": "2019-01-03T02:40:06+00:00"}
    ]  # fmt: skip
    ev = lake.q(
        "select ts, ts_role, kind, severity, task_id, message, source_line from events "
        "where severity = 'error' order by source_line"
    )
    resolution = (
        "Applying problem resolutions: VM for 'diego_cell/4daf079e-d840-461c-95da-fd77d951fbe5 (0)' with cloud "
        "ID 'vm-5af3d25d-e505-4f2f-8050-778f80c05234' is not responding. (unresponsive_agent 243): Reboot VM"
    )
    assert ev == [
        {"ts": "2019-01-03T02:40:06+00:00", "ts_role": "finished", "kind": "bosh_stage", "severity": "error",
         "task_id": 1240, "message": resolution, "source_line": 7},
        {"ts": "2019-01-03T02:40:06+00:00", "ts_role": "finished", "kind": "bosh_task_error",
         "severity": "error", "task_id": 1240, "message": "Agent still unresponsive after reboot",
         "source_line": 8},
        {"ts": "2019-01-03T02:40:06+00:00", "ts_role": "logged", "kind": "bosh_task_error", "severity": "error",
         "task_id": 1240, "message": "Error resolving problem '119': Agent still unresponsive after reboot",
         "source_line": 10},
        {"ts": "2019-01-03T02:40:06+00:00", "ts_role": "logged", "kind": "bosh_cli_error", "severity": "error",
         "task_id": 1240, "message": "Resolving problems for deployment 'cf-54c9c2f906b6aba996cd':\n"
         "  Expected task '1240' to succeed but state is 'error'", "source_line": 17},
    ]  # fmt: skip
    assert lake.q("select ts, resolution, duration_s from cck_problems") == [
        {"ts": "2019-01-03T02:30:01+00:00", "resolution": "reboot_vm", "duration_s": 605.0}
    ]


def test_warning_and_deprecation_lines(lake: Lake) -> None:
    text = (
        "\nTask 1250 | 03:00:00 | Deprecation: Global 'properties' are deprecated. Please define 'properties' at job level.\n"
        "Task 1250 | 03:00:01 | Preparing deployment: Preparing deployment (00:00:02)\n"
        "Task 1250 | 03:00:03 | Warning: Executing 'pre-stop' on 'router/0' failed"
    )  # fmt: skip
    d = lake.drill("d", toml=SEOUL_0103, **{"t.txt": text})
    lake.ingest(d)
    assert lake.q("select ts, kind, severity, message from events where kind <> 'bosh_stage' order by ts") == [
        {"ts": "2019-01-03T03:00:00+00:00", "kind": "bosh_deprecation", "severity": "warning",
         "message": "Global 'properties' are deprecated. Please define 'properties' at job level."},
        {"ts": "2019-01-03T03:00:03+00:00", "kind": "bosh_warning", "severity": "warning",
         "message": "Executing 'pre-stop' on 'router/0' failed"},
    ]  # fmt: skip
    assert lake.q("select description, started_at, ended_at from bosh_tasks") == [
        {
            "description": None,
            "started_at": "2019-01-03T03:00:00+00:00",
            "ended_at": "2019-01-03T03:00:03+00:00",
        }
    ]


def test_update_resurrection_console_is_recognized_and_yields_no_rows(lake: Lake) -> None:
    d = lake.drill("d", **{"off.txt": (FX / "update_resurrection_off.txt").read_text()})
    lake.ingest(d)
    assert _files(lake) == {"off.txt": ("bosh_task", 3, 1, 2, 0, "ok")}
    assert lake.one("select count(*) from events") == 0


# -- probe --------------------------------------------------------------------------------------------

VMS_CONSOLE = """\
Using environment '10.10.16.5' as client 'ops_manager'

Task 1229. Done

Deployment 'cf-54c9c2f906b6aba996cd'

Instance                                                            Process State       AZ   IPs          VM CID                                   VM Type      Active  
clock_global/ab4e9d36-7895-43ca-94f1-9f38aa8c78d1                   running             az3  10.10.22.21  vm-f57c76c1-2b1f-4e93-a121-aef7a7e30a4b  medium.disk  true  

48 vms

Succeeded
"""  # noqa: W291
TASKS_CONSOLE = """\
Using environment '10.10.16.5' as client 'ops_manager'

ID    State  Started At                    Last Activity At              User         Deployment               Description        Result  
1234  done   Thu Jan  3 01:51:28 UTC 2019  Thu Jan  3 02:17:07 UTC 2019  ops_manager  cf-54c9c2f906b6aba996cd  apply resolutions  16 resolved  

1 tasks

Succeeded
"""  # noqa: W291
EVENTS_CONSOLE = """\
Using environment '10.10.16.5' as client 'ops_manager'

ID     Time                          User         Action   Object Type  Object Name                              Task ID  Deployment               Instance  Context  Error  
58275  Thu Jan  3 02:17:07 UTC 2019  ops_manager  release  lock         lock:deployment:cf-54c9c2f906b6aba996cd  1234     cf-54c9c2f906b6aba996cd  -         -        -  

1 events

Succeeded
"""  # noqa: W291
DEBUG_LOG = """\
I, [2019-01-03T01:51:27.802214 #7262] [0x2ae3b3a0c8d4]  INFO -- TaskHelper: Director Version: 268.5.0
I, [2019-01-03T01:51:28.311907 #23851] []  INFO -- DirectorJobRunner: Looking for task with task id 1234
"""
HM_LOG = "I, [2019-01-03T01:24:14.000508 #6321]  INFO : Analyzing agents...\n"
EVENT_JSON_TTY = (
    'Task 1233\n\n{"time":1546480263,"stage":"Scanning 48 VMs","tags":[],"total":2,"task":"Checking VM states",'
    '"index":1,"state":"started","progress":0}\n\nTask 1233 done\n'
)


@pytest.mark.parametrize(
    "name",
    ["cck_console.txt", "task_1234.txt", "task_1234_notty.txt", "cck_apply_failed.txt", "midnight_notty.txt",
     "update_resurrection_off.txt"],
)  # fmt: skip
def test_probe_accepts_task_consoles(name: str) -> None:
    head = (FX / name).read_text()
    assert bosh_task.probe(head)
    assert detect(head) is bosh_task
    assert bosh_task.probe(_ansi(head).replace("\n", "\r\n"))


@pytest.mark.parametrize(
    "head",
    [VMS_CONSOLE, TASKS_CONSOLE, EVENTS_CONSOLE, DEBUG_LOG, HM_LOG, EVENT_JSON_TTY,
     (FX / "task_1234_event.jsonl").read_text(), "", "\n\n", "Task 1234\n",
     "Using environment '10.10.16.5' as client 'ops_manager'\n\nSucceeded\nsomething else\n"],
)  # fmt: skip
def test_probe_rejects_other_formats(head: str) -> None:
    assert not bosh_task.probe(head)
