"""bosh_event_log: `bosh task N --event` JSON lines, redirected (pure JSONL) or on a TTY (`Task N` wrapper)."""

from __future__ import annotations

import json
from pathlib import Path

from drillscope.ingest.parsers import bosh_event_log
from tests.conftest import Lake

FX = Path(__file__).parents[1] / "fixtures" / "bosh_task"


def test_scan_and_apply_event_logs(lake: Lake) -> None:
    d = lake.drill("d")
    for name in ("task_1233_event.jsonl", "task_1234_event.jsonl"):
        (d / name).write_bytes((FX / name).read_bytes())
    lake.ingest(d)
    files = lake.q(
        "select source_file, source_type, lines, parsed_lines, ignorable, quarantined, status from ingest_files order by 1"
    )
    assert files == [
        {"source_file": "task_1233_event.jsonl", "source_type": "bosh_event_log", "lines": 8, "parsed_lines": 8,
         "ignorable": 0, "quarantined": 0, "status": "ok"},
        {"source_file": "task_1234_event.jsonl", "source_type": "bosh_event_log", "lines": 32, "parsed_lines": 32,
         "ignorable": 0, "quarantined": 0, "status": "ok"},
    ]  # fmt: skip
    # pure JSONL names no task: the id comes from the file name, the description from the stages
    assert lake.q("select task_id, description, state, started_at, ended_at from bosh_tasks order by task_id") == [
        {"task_id": 1233, "description": "scan cloud", "state": None,
         "started_at": "2019-01-03T01:51:03+00:00", "ended_at": "2019-01-03T01:51:24+00:00"},
        {"task_id": 1234, "description": "apply resolutions", "state": None,
         "started_at": "2019-01-03T01:51:28+00:00", "ended_at": "2019-01-03T02:17:07+00:00"},
    ]  # fmt: skip
    ev = lake.q(
        "select task_id, ts_role, count(*) n, min(ts) first, max(ts) last from events "
        "where kind = 'bosh_stage' group by all order by all"
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
    cck = lake.q(
        "select ts, task_id, resource_id, resolution, plan, instance, duration_s, source_line "
        "from cck_problems order by ts"
    )
    assert len(cck) == 16
    assert {(r["task_id"], r["resolution"], r["plan"]) for r in cck} == {(1234, "reboot_vm", "Reboot VM")}
    assert cck[0] == {
        "ts": "2019-01-03T01:51:28+00:00",
        "task_id": 1234,
        "resource_id": 269,
        "resolution": "reboot_vm",
        "plan": "Reboot VM",
        "instance": "nats/66c0bf79-fe07-4c52-a5d1-c921cd9247c3",
        "duration_s": 97.0,
        "source_line": 1,
    }
    assert (cck[-1]["ts"], cck[-1]["resource_id"], cck[-1]["duration_s"]) == (
        "2019-01-03T02:15:29+00:00",
        258,
        98.0,
    )


def test_tty_wrapper_gives_task_id_and_state(lake: Lake) -> None:
    body = (FX / "task_1233_event.jsonl").read_text()
    # `bosh task 1233 --event` on a terminal: `Task N`, a blank line, the JSON, a blank line, `Task N done`
    d = lake.drill("d", **{"scan.txt": f"Task 1233\n\n{body}\nTask 1233 \x1b[32mdone\x1b[0m\r\n"})
    lake.ingest(d)
    assert lake.q("select lines, parsed_lines, ignorable, quarantined, status from ingest_files") == [
        {"lines": 12, "parsed_lines": 10, "ignorable": 2, "quarantined": 0, "status": "ok"}
    ]
    assert lake.q("select task_id, description, state, source_line from bosh_tasks") == [
        {"task_id": 1233, "description": "scan cloud", "state": "done", "source_line": 1}
    ]
    assert lake.one("select count(distinct task_id) from events") == 1


def test_tty_capture_with_the_environment_banner(lake: Lake) -> None:
    body = (FX / "task_1233_event.jsonl").read_text()
    text = f"Using environment '10.10.16.5' as client 'ops_manager'\n\nTask 1233\n\n{body}\nTask 1233 done\n\nSucceeded\n"
    assert bosh_event_log.probe(text)
    d = lake.drill("d", **{"scan.txt": text})
    lake.ingest(d)
    assert lake.q("select source_type, lines, parsed_lines, ignorable, quarantined from ingest_files") == [
        {"source_type": "bosh_event_log", "lines": 16, "parsed_lines": 10, "ignorable": 6, "quarantined": 0}
    ]
    assert lake.q("select task_id, state from bosh_tasks") == [{"task_id": 1233, "state": "done"}]


def test_unknown_task_id_stays_null(lake: Lake) -> None:
    d = lake.drill("d", **{"events.jsonl": (FX / "task_1233_event.jsonl").read_text()})
    lake.ingest(d)
    assert lake.one("select count(*) from bosh_tasks") == 0
    assert lake.one("select count(*) from events where task_id is null") == 8


def _ev(t: int, **kw: object) -> str:
    return json.dumps({"time": t, **kw}, separators=(",", ":"))


def test_failed_step_task_error_warning_and_garbage(lake: Lake) -> None:
    name = "router/1989b56a-ee45-4e20-8307-a155868e9fd2 (0) (canary)"
    step = {"stage": "Updating instance", "tags": ["router"], "total": 1, "task": name, "index": 1}
    lines = [
        _ev(1546484400, type="warning", message="Executing 'pre-stop' on 'router/0' failed"),
        _ev(1546484401, **step, state="started", progress=0),
        _ev(1546484713, **step, state="failed", progress=100, data={"error": "'router/1989b56a (0)' is not running after update"}),
        _ev(1546484713, error={"code": 400007, "message": "'router/1989b56a (0)' is not running after update"}),
        '{"time":1546484714,"stage":"Updating inst',  # cut by a full disk
        "Exit code 1",
    ]  # fmt: skip
    d = lake.drill("d", **{"task_1300_event.jsonl": "\n".join(lines) + "\n"})
    lake.ingest(d)
    assert lake.q("select lines, parsed_lines, ignorable, quarantined, status from ingest_files") == [
        {"lines": 6, "parsed_lines": 4, "ignorable": 0, "quarantined": 2, "status": "partial"}
    ]
    assert lake.q("select source_line, reason from quarantine order by source_line") == [
        {"source_line": 5, "reason": "not a BOSH event JSON object"},
        {"source_line": 6, "reason": "not a BOSH event JSON object"},
    ]
    ev = lake.q(
        "select ts, ts_role, kind, severity, task_id, message, source_line from events order by source_line, kind"
    )
    assert ev == [
        {"ts": "2019-01-03T03:00:00+00:00", "ts_role": "logged", "kind": "bosh_warning", "severity": "warning",
         "task_id": 1300, "message": "Executing 'pre-stop' on 'router/0' failed", "source_line": 1},
        {"ts": "2019-01-03T03:00:01+00:00", "ts_role": "started", "kind": "bosh_stage", "severity": "info",
         "task_id": 1300, "message": f"Updating instance router: {name}", "source_line": 2},
        {"ts": "2019-01-03T03:05:13+00:00", "ts_role": "finished", "kind": "bosh_stage", "severity": "error",
         "task_id": 1300, "message": f"Updating instance router: {name}", "source_line": 3},
        {"ts": "2019-01-03T03:05:13+00:00", "ts_role": "finished", "kind": "bosh_task_error", "severity": "error",
         "task_id": 1300, "message": "'router/1989b56a (0)' is not running after update", "source_line": 3},
        {"ts": "2019-01-03T03:05:13+00:00", "ts_role": "logged", "kind": "bosh_task_error", "severity": "error",
         "task_id": 1300, "message": "Error 400007: 'router/1989b56a (0)' is not running after update",
         "source_line": 4},
    ]  # fmt: skip
    assert lake.q("select task_id, description, started_at, ended_at from bosh_tasks") == [
        {"task_id": 1300, "description": None, "started_at": "2019-01-03T03:00:00+00:00",
         "ended_at": "2019-01-03T03:05:13+00:00"}
    ]  # fmt: skip


def test_probe() -> None:
    assert bosh_event_log.probe((FX / "task_1234_event.jsonl").read_text())
    assert bosh_event_log.probe("Task 1233\n\n" + (FX / "task_1233_event.jsonl").read_text())
    for other in ("cck_console.txt", "task_1234.txt", "task_1234_notty.txt", "update_resurrection_off.txt"):
        assert not bosh_event_log.probe((FX / other).read_text()), other
