"""bosh_debug: director task debug logs and the health monitor log, ingested for real and read back from DuckDB.

Fixtures (tests/fixtures/bosh_debug/): `task_1234_debug.log` is the docs/formats/bosh.md sample trimmed (lines 1-243 are
the sample's own lines; after that the 1 s ping loops are thinned and checkpoints dropped: all 16 resolutions,
CPI calls, locks and the final event_output dump kept); `task_1240_error_debug.log` a failing cck apply task
(CPI error, resolution errors with backtraces, slow SQL); `health_monitor_onset.log` the HM sample, whole.
"""

from __future__ import annotations

import gzip
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from drillscope.ingest.context import decode
from drillscope.ingest.parsers import bosh_debug
from tests.conftest import FIXTURES, Lake

FIX = FIXTURES / "bosh_debug"
DEBUG_1234 = FIX / "task_1234_debug.log"
DEBUG_1240 = FIX / "task_1240_error_debug.log"
HM = FIX / "health_monitor_onset.log"


def _ingest(lake: Lake, *files: Path, toml: str | None = None, name: str = "drill") -> Path:
    d = lake.drill(name, toml=toml)
    for f in files:
        lake.copy(f, name)
    lake.ingest(d)
    return d


def _file(lake: Lake, source_file: str) -> dict:
    (row,) = lake.q(
        "select source_type, status, lines, parsed_lines, quarantined, ignorable, rows, message "
        f"from ingest_files where source_file = '{source_file}'"
    )
    return row


def test_task_1234_lifecycle_and_conservation(lake: Lake) -> None:
    _ingest(lake, DEBUG_1234)
    f = _file(lake, "task_1234_debug.log")
    assert (
        f["source_type"],
        f["status"],
        f["lines"],
        f["parsed_lines"],
        f["quarantined"],
        f["ignorable"],
    ) == (
        "bosh_debug",
        "ok",
        1000,
        1000,
        0,
        0,
    )
    assert f["message"] is None  # UTC log, UTC drill: no calibration note
    (task,) = lake.q(
        "select task_id, deployment, description, state, user, result, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%fZ') s, "
        "strftime(ended_at, '%Y-%m-%dT%H:%M:%S.%fZ') e, source_line from bosh_tasks"
    )
    assert task == {
        "task_id": 1234,
        "deployment": "cf-54c9c2f906b6aba996cd",
        "description": "apply resolutions",
        "state": "done",
        "user": "ops_manager",
        "result": "16 resolved",
        "s": "2019-01-03T01:51:28.323258Z",
        "e": "2019-01-03T02:17:07.692221Z",
        "source_line": 7,
    }
    kinds = lake.q("select kind, count(*) n from events group by kind order by kind")
    assert kinds == [
        {"kind": "bosh_lock", "n": 16},
        {"kind": "cck", "n": 17},
        {"kind": "cpi", "n": 64},
        {"kind": "director_task", "n": 4},
    ]
    life = lake.q(
        "select source_line, strftime(ts, '%H:%M:%S.%f') t, message from events "
        "where kind = 'director_task' order by source_line"
    )
    assert life == [
        {"source_line": 2, "t": "01:51:27.802301", "message": "Enqueuing task: 1234"},
        {"source_line": 7, "t": "01:51:28.323258", "message": "Starting task: 1234"},
        {"source_line": 963, "t": "02:17:07.683657", "message": "Done"},
        {
            "source_line": 1000,
            "t": "02:17:07.692221",
            "message": "Task took 25 minutes 39.35995600000001 seconds to process.",
        },
    ]
    assert lake.one("select count(*) from events where task_id is distinct from 1234") == 0
    assert lake.one("select count(distinct component) from events") == 1
    assert lake.one("select min(ts_role) = max(ts_role) and min(ts_role) = 'logged' from events")


def test_cck_resolutions(lake: Lake) -> None:
    _ingest(lake, DEBUG_1234)
    res = lake.q(
        "select source_line, strftime(ts, '%H:%M:%S.%f') t, instance, severity from events "
        "where kind = 'cck' and message like '%(unresponsive_agent %): Reboot VM' order by ts"
    )
    assert len(res) == 16  # same as the full sample: trimming kept every resolution
    assert res[0] == {
        "source_line": 40,
        "t": "01:51:28.439721",
        "instance": "nats/66c0bf79-fe07-4c52-a5d1-c921cd9247c3",
        "severity": "info",
    }
    assert res[-1]["t"] == "02:15:29.078105"
    assert res[-1]["instance"] == "doppler/d4cced69-7700-4b89-9c70-4f307e129563"
    assert lake.one("select source_line from events where message = 'Applying problem resolutions'") == 26


def test_lock_instants(lake: Lake) -> None:
    _ingest(lake, DEBUG_1234)
    locks = lake.q(
        "select source_line, strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') t, message from events "
        "where kind = 'bosh_lock' and message not like 'Renewing%' order by source_line"
    )
    assert locks == [
        {
            "source_line": 15,
            "t": "2019-01-03T01:51:28.346701Z",
            "message": "Acquiring deployment lock on cf-54c9c2f906b6aba996cd",
        },
        {
            "source_line": 16,
            "t": "2019-01-03T01:51:28.349695Z",
            "message": "Acquiring lock: lock:deployment:cf-54c9c2f906b6aba996cd",
        },
        {
            "source_line": 20,
            "t": "2019-01-03T01:51:28.357274Z",
            "message": "Acquired lock: lock:deployment:cf-54c9c2f906b6aba996cd",
        },
        {
            "source_line": 959,
            "t": "2019-01-03T02:17:07.672971Z",
            "message": "Deleted lock: lock:deployment:cf-54c9c2f906b6aba996cd uid: 0d54be10-e672-4933-a9dd-b1799aacd945",
        },
    ]
    # lock renewal runs on the unnamed thread `[]`: it still belongs to task 1234, every 120 s
    assert (
        lake.one("select count(*) from events where message like 'Renewing lock:%' and task_id = 1234") == 12
    )


def test_multiline_records_keep_their_first_line(lake: Lake) -> None:
    _ingest(lake, DEBUG_1234, DEBUG_1240)
    # the reboot_vm CPI response spans lines 51-59 (vSphere CPI stderr with a `Soft reboot failed` backtrace)
    (cpi,) = lake.q(
        "select source_line, strftime(ts, '%H:%M:%S.%f') t, message from events "
        "where source_file = 'task_1234_debug.log' and message like '%[cpi-158099]%response%'"
    )
    assert cpi == {
        "source_line": 51,
        "t": "01:51:48.586917",
        "message": "[external-cpi] [cpi-158099] reboot_vm response: exit 0",
    }
    assert (
        lake.one(
            "select count(*) from events where source_file = 'task_1234_debug.log' and source_line between 52 and 59"
        )
        == 0
    )
    req = lake.one(
        "select message from events where source_file = 'task_1234_debug.log' and source_line = 50"
    )
    assert req == '[external-cpi] [cpi-158099] request: reboot_vm ["vm-932a4eef-4c8a-4181-a548-c0970575e553"]'
    # the failing task: the job runner's error with a 4-line backtrace (lines 37-41) is one director_task row
    err = lake.q(
        "select source_line, kind, severity, message from events "
        "where source_file = 'task_1240_error_debug.log' and severity = 'error' order by source_line"
    )
    assert err == [
        {
            "source_line": 22,
            "kind": "cck",
            "severity": "error",
            "message": "Error resolving problem '126': VM `vm-04804272-8a23-4970-ab31-d74249f05ff1' not found",
        },
        {
            "source_line": 32,
            "kind": "cck",
            "severity": "error",
            "message": "Error resolving problem '127': Timed out sending 'get_state' to instance: "
            "'router/1989b56a-ee45-4e20-8307-a155868e9fd2', agent-id: '787dcb29-19be-4cf7-8e5b-34ed9c20c926' "
            "after 45 seconds",
        },
        {
            "source_line": 37,
            "kind": "director_task",
            "severity": "error",
            "message": "Error resolving problem '126': VM `vm-04804272-8a23-4970-ab31-d74249f05ff1' not found (+4 lines)",
        },
    ]
    # backtrace-only ERROR records (lines 23, 33) repeat the error above them: no row
    assert (
        lake.one(
            "select count(*) from events where source_file like 'task_1240%' and source_line in (23, 33)"
        )
        == 0
    )
    cpi_err = lake.one("select message from events where source_file like 'task_1240%' and source_line = 16")
    assert cpi_err.startswith(
        '[external-cpi] [cpi-400001] reboot_vm response: exit 0, error {"type":"Bosh::Clouds::VMNotFound"'
    )


def test_every_record_is_a_log_line(lake: Lake) -> None:
    _ingest(lake, DEBUG_1234, HM)
    # task 1234: 1,000 lines = 776 record heads (the DBG layout of docs/formats/bosh.md §3.1) + 224 continuation lines
    heads = [
        n
        for n, line in enumerate(DEBUG_1234.read_text().splitlines(), 1)
        if re.match(r"[DIWEFA], \[[^\]]* #\d+\] \[[^\]]*\] +[A-Z]+ -- [^:]*: ", line)
    ]
    assert len(heads) == 776
    got = lake.q(
        "select source_line, length(message) - length(replace(message, chr(10), '')) n_cont from log_lines "
        "where source_file = 'task_1234_debug.log' order by source_line"
    )
    assert [r["source_line"] for r in got] == heads
    assert sum(r["n_cont"] for r in got) == 224
    rows = lake.q(
        "select source_line, strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') t, source_type, level, component, thread, "
        "task_id, pid, message from log_lines where source_file = 'task_1234_debug.log' "
        "and source_line in (1, 3, 46) order by source_line"
    )
    assert rows == [
        {
            "source_line": 1,
            "t": "2019-01-03T01:51:27.802214Z",
            "source_type": "bosh_debug",
            "level": "INFO",
            "component": "director",
            "thread": "0x2ae3b3a0c8d4",
            "task_id": None,
            "pid": 7262,
            "message": "Director Version: 268.5.0",
        },
        {  # an unnamed thread's record belongs to the task logged before it
            "source_line": 3,
            "t": "2019-01-03T01:51:28.311907Z",
            "source_type": "bosh_debug",
            "level": "INFO",
            "component": "director",
            "thread": "",
            "task_id": 1234,
            "pid": 23851,
            "message": "Looking for task with task id 1234",
        },
        {  # a CPI response with the CPI's stderr: three lines, one row
            "source_line": 46,
            "t": "2019-01-03T01:51:40.298408Z",
            "source_type": "bosh_debug",
            "level": "DEBUG",
            "component": "director",
            "thread": "task:1234",
            "task_id": 1234,
            "pid": 23851,
            "message": '[external-cpi] [cpi-602364] response: {"result":{"stemcell_formats":["vsphere-ovf",'
            '"vsphere-ova"]},"error":null,"log":""}, err: I, [2019-01-03T01:51:38.947976 #24006]  INFO -- '
            "[req_id cpi-602364]: Starting info...\nI, [2019-01-03T01:51:40.156629 #24006]  INFO -- "
            "[req_id cpi-602364]: Finished info in 1.21 seconds\n, exit_status: pid 24006 exit 0",
        },
    ]
    # the final UPDATE of the task carries the whole event_output dump: one row
    dump = lake.one(
        "select length(message) - length(replace(message, chr(10), '')) from log_lines "
        "where source_file = 'task_1234_debug.log' and message like '%UPDATE \"tasks\" SET \"state\" = ''done''%'"
    )
    assert dump > 30
    # the health monitor log: 174 records of 174 lines, no thread, no task
    hm = lake.q(
        "select count(*) n, count(thread) threads, count(task_id) tasks, min(source_line) first from log_lines "
        "where source_file = 'health_monitor_onset.log'"
    )
    assert hm == [{"n": 174, "threads": 0, "tasks": 0, "first": 1}]
    (alert,) = lake.q(
        "select strftime(ts, '%H:%M:%S.%f') t, level, component, message from log_lines "
        "where source_file = 'health_monitor_onset.log' and source_line = 10"
    )
    assert alert == {
        "t": "01:26:14.004405",
        "level": "INFO",
        "component": "health_monitor",
        "message": "[ALERT] Alert @ 2019-01-03 01:26:14 UTC, severity 2: b1243ef5-ee05-41d6-9f58-5976550edbb1 "
        "has timed out",
    }


def test_failed_task_row_and_other_kinds(lake: Lake) -> None:
    _ingest(lake, DEBUG_1240)
    (task,) = lake.q("select task_id, description, state, result, started_at, ended_at from bosh_tasks")
    assert task["task_id"] == 1240 and task["description"] == "apply resolutions" and task["state"] == "error"
    # the SQL literal runs over two lines: the result keeps its first line, '' unescaped
    assert (
        task["result"]
        == "Error resolving problem '126': VM `vm-04804272-8a23-4970-ab31-d74249f05ff1' not found"
    )
    assert (task["started_at"], task["ended_at"]) == (
        "2019-01-03T02:30:01.605300+00:00",
        "2019-01-03T02:40:14.330000+00:00",
    )
    other = lake.q(
        "select kind, source_line, severity, left(message, 40) m from events "
        "where kind in ('slow_sql', 'agent_timeout') order by source_line"
    )
    assert other == [
        {
            "kind": "agent_timeout",
            "source_line": 29,
            "severity": "debug",
            "m": "Timed out pinging to 787dcb29-19be-4cf7-",
        },
        {
            "kind": "slow_sql",
            "source_line": 31,
            "severity": "debug",
            "m": "(1.204518s) (conn: 47311474525240) SELEC",
        },
    ]
    f = _file(lake, "task_1240_error_debug.log")
    assert (f["lines"], f["parsed_lines"], f["status"]) == (45, 45, "ok")


def test_event_output_dump_makes_no_events(lake: Lake) -> None:
    _ingest(lake, DEBUG_1234)
    # the final `UPDATE "tasks" SET "state" = 'done' ...` (line 966) carries the whole event_output on
    # lines 967-998: 32 lines of event JSON that are SQL text, not events
    lines = DEBUG_1234.read_text(encoding="utf-8").splitlines()
    assert lines[966].startswith('{"time":1546480385,"stage":"Applying problem resolutions"')
    assert lines[997].startswith("', \"result_output\" = ''")
    assert lake.one("select count(*) from events where source_line between 966 and 998") == 0
    assert lake.one("select count(*) from events where message like '{%'") == 0


def test_health_monitor_alerts(lake: Lake) -> None:
    _ingest(lake, HM)
    f = _file(lake, "health_monitor_onset.log")
    assert (f["source_type"], f["status"], f["lines"], f["parsed_lines"], f["rows"]) == (
        "bosh_debug",
        "ok",
        174,
        174,
        68,
    )
    assert (
        lake.one("select count(*) from events where kind = 'hm_alert' and message like '% has timed out'")
        == 32
    )
    first = lake.q(
        "select strftime(ts, '%Y-%m-%dT%H:%M:%SZ') t, severity, component, source_line, message from events "
        "where kind = 'hm_alert' order by ts, source_line limit 1"
    )
    assert first == [
        {
            "t": "2019-01-03T01:26:14Z",
            "severity": "2",
            "component": "health_monitor",
            "source_line": 10,
            "message": "b1243ef5-ee05-41d6-9f58-5976550edbb1 has timed out",
        }
    ]
    by_sev = lake.q("select severity, count(*) n from events where kind = 'hm_alert' group by 1 order by 1")
    assert by_sev == [{"severity": "1", "n": 23}, {"severity": "2", "n": 32}, {"severity": "4", "n": 9}]
    # meltdown: the HM log says it in the summary
    melt = lake.q(
        "select instance, message from events where kind = 'hm_alert' and severity = '1' order by source_line limit 1"
    )
    assert melt[0]["message"].startswith("Skipping resurrection for instance: '")
    assert melt[0]["instance"] and "/" in melt[0]["instance"]
    assert lake.one("select count(*) from events where kind = 'hm'") == 4


def test_director_timezone_shifts_and_calibration_note(lake: Lake) -> None:
    toml = 'timezone = "Asia/Seoul"\ndirector_timezone = "Asia/Seoul"\n'
    _ingest(lake, DEBUG_1234, HM, toml=toml)
    task = lake.q("select started_at, ended_at from bosh_tasks")[0]
    assert task == {
        "started_at": "2019-01-02T16:51:28.323258+00:00",
        "ended_at": "2019-01-02T17:17:07.692221+00:00",
    }
    assert (
        lake.one("select min(ts) from events where kind = 'bosh_lock'") == "2019-01-02T16:51:28.346701+00:00"
    )
    # the log is really UTC (its SQL literals say +0000 at the same instants): say so, change nothing else
    assert (
        _file(lake, "task_1234_debug.log")["message"]
        == "debug log clock looks like UTC, drill says Asia/Seoul"
    )
    assert (
        _file(lake, "health_monitor_onset.log")["message"]
        == "health monitor log clock looks like UTC, drill says Asia/Seoul"
    )
    # HM alert instants are explicit UTC: unaffected; the analyzer lines are director-local
    assert lake.one("select min(ts) from events where kind = 'hm_alert'") == "2019-01-03T01:26:14+00:00"
    assert lake.one("select min(ts) from events where kind = 'hm'") == "2019-01-02T16:24:14.001007+00:00"


def _shift_heads(text: str, hours: int) -> str:
    """The same log written by a director whose clock is UTC+hours (the SQL literals stay +0000)."""

    def sub(m: re.Match[str]) -> str:
        t = datetime.fromisoformat(m.group(2)) + timedelta(hours=hours)
        return m.group(1) + t.strftime("%Y-%m-%dT%H:%M:%S.%f")

    return re.sub(r"(?m)^([DIWEFA], \[)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})", sub, text)


def test_kst_director_clock(lake: Lake) -> None:
    kst = _shift_heads(DEBUG_1234.read_text(encoding="utf-8"), 9)
    assert "I, [2019-01-03T10:51:28.323258 #23851] []  INFO -- DirectorJobRunner: Starting task: 1234" in kst
    d = lake.drill("utc", **{"task_1234_debug.log": kst})
    lake.ingest(d)
    assert _file(lake, "task_1234_debug.log")["message"] == "debug log clock looks like UTC+9, drill says UTC"
    assert (
        lake.one("select started_at from bosh_tasks") == "2019-01-03T10:51:28.323258+00:00"
    )  # not shifted silently
    d2 = lake.drill("kst", toml='director_timezone = "Asia/Seoul"\n', **{"task_1234_debug.log": kst})
    lake.ingest(d2)
    rows = lake.q("select drill, started_at from bosh_tasks where drill = 'kst'")
    assert rows == [{"drill": "kst", "started_at": "2019-01-03T01:51:28.323258+00:00"}]
    assert lake.one("select message from ingest_files where drill = 'kst'") is None


def test_garbage_crlf_truncation(lake: Lake) -> None:
    clean = DEBUG_1240.read_text(encoding="utf-8")
    body = "some shell prompt $ bosh task 1240 --debug > x\n\n" + clean + "D, [2019-01-03T02:40:1"
    d = lake.drill("d", **{"x.log": body.replace("\n", "\r\n").encode()})
    (r,) = lake.ingest(d)
    assert (r.status, r.lines, r.parsed_lines, r.quarantined, r.ignorable) == ("partial", 48, 45, 2, 1)
    q = lake.q("select source_line, reason, raw from quarantine order by source_line")
    assert q == [
        {
            "source_line": 1,
            "reason": "before the first log record (the end of a record the excerpt starts inside, or other text)",
            "raw": "some shell prompt $ bosh task 1240 --debug > x",
        },
        {"source_line": 48, "reason": "truncated log record at end of file", "raw": "D, [2019-01-03T02:40:1"},
    ]
    # the same records as the clean file, two lines further down, with no \r left in the text
    assert lake.one("select count(*) from events") == 17
    assert lake.one("select count(*) from events where message like '%' || chr(13) || '%'") == 0
    assert lake.one("select source_line from events where message = 'Starting task: 1240'") == 9
    assert lake.one("select state from bosh_tasks") == "error"


def test_tty_capture_wrapper_lines(lake: Lake) -> None:
    log = DEBUG_1240.read_text(encoding="utf-8")
    body = (
        "Using environment '10.10.16.5' as client 'ops_manager'\n\nTask 1240\n\n"
        + log
        + "\nTask 1240 error\n\n"
    )
    d = lake.drill("d", **{"tty.txt": body})
    (r,) = lake.ingest(d)
    assert (r.status, r.lines, r.parsed_lines, r.quarantined, r.ignorable) == ("ok", 52, 46, 0, 6)
    assert lake.one("select state from bosh_tasks") == "error"
    assert lake.one("select count(*) from events") == 17


def test_no_record_at_all_and_empty_lines_only(lake: Lake) -> None:
    # a file the probe accepted but whose only head is cut: every line still counted, no traceback
    d = lake.drill(
        "d",
        **{
            "a.log": "I, [2019-01-03T01:51:27.802214 #7262] [0x2ae3b3a0c8d4]  INFO -- TaskHelper: Director Version: 268.5.0"
        },
    )
    (r,) = lake.ingest(d)
    assert (r.status, r.lines, r.parsed_lines) == ("ok", 1, 1)
    assert lake.one("select count(*) from events") == 0


def test_small_blocks_give_the_same_result(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest(lake, DEBUG_1234, DEBUG_1240, HM, name="big")
    want = lake.q(
        "select source_file, source_line, ts, kind, severity, task_id, instance, message from events order by all"
    )
    tasks = lake.q("select * exclude (drill) from bosh_tasks order by task_id")
    monkeypatch.setattr(bosh_debug, "BLOCK_BYTES", 3000)  # cut every few records: state crosses blocks
    _ingest(lake, DEBUG_1234, DEBUG_1240, HM, name="small")
    got = lake.q(
        "select source_file, source_line, ts, kind, severity, task_id, instance, message from events "
        "where drill = 'small' order by all"
    )
    assert got == want and len(got) == 101 + 17 + 68
    assert lake.q("select * exclude (drill) from bosh_tasks where drill = 'small' order by task_id") == [
        t for t in tasks
    ]
    f = lake.q("select parsed_lines, status from ingest_files where drill = 'small' order by source_file")
    assert f == [
        {"parsed_lines": 174, "status": "ok"},
        {"parsed_lines": 1000, "status": "ok"},
        {"parsed_lines": 45, "status": "ok"},
    ]


# --- probe ---------------------------------------------------------------------------------------------
def _head(p: Path) -> str:
    data = p.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return decode(data[: 16 * 1024])[0]


def test_probe_accepts_both_log_kinds() -> None:
    for p in (DEBUG_1234, DEBUG_1240, HM):
        assert bosh_debug.probe(_head(p)), p
    assert bosh_debug.probe(bosh_debug.SAMPLE)
    assert bosh_debug.probe(
        "Using environment '10.0.0.6' as client 'admin'\n\nTask 7\n\n" + bosh_debug.SAMPLE
    )
    assert bosh_debug.probe(
        "old capture, 2015 layout\n"
        + "I, [2015-01-27 21:33:21 #2725] []  INFO -- DirectorJobRunner: Starting task: 7\n"
    )


OTHER_FORMATS = [
    "Using environment '10.10.16.5' as client 'ops_manager'\n\nTask 1234\n\nTask 1234 | 01:51:28 | Applying problem "
    "resolutions: VM for 'nats/66c0 (0)' is not responding. (unresponsive_agent 269): Reboot VM (00:01:31)\n",
    '{"time":1546480288,"stage":"Applying problem resolutions","tags":[],"total":16,"task":"x","index":1,"state":"started","progress":0}\n',
    "2019-01-03T10:25:01.12+0900 [APP/PROC/WEB/0] OUT I, [2019-01-03T01:25:01.120000 #12]  INFO -- : hello\n",
    "I, [2019-01-03T01:51:40.820781 #24015]  INFO -- [req_id cpi-158099]: Starting reboot_vm...\n",  # a CPI log alone
    '"Time","cf push health"\n"2019-01-03 10:25:00",1\n',
    "- 10:25 power off az1\n- 10:51 cck\n",
]


@pytest.mark.parametrize("text", OTHER_FORMATS)
def test_probe_rejects_other_formats(text: str) -> None:
    assert not bosh_debug.probe(text)


def test_unit_separator_and_invalid_utf8(lake: Lake) -> None:
    # a \x1f inside a message (the fast line splitter's separator) and a stray Latin-1 byte: same records
    raw = DEBUG_1240.read_bytes()
    raw = raw.replace(b"Creating job", b"Creating\x1fjob").replace(
        b"Running from worker", b"Running \xff from worker"
    )
    d = lake.drill("d", **{"x.log": raw})
    (r,) = lake.ingest(d)
    assert (r.status, r.lines, r.parsed_lines) == ("ok", 45, 45)
    assert "invalid UTF-8 bytes replaced" in r.message
    assert lake.one("select count(*) from events") == 17
    assert lake.one("select state from bosh_tasks") == "error"
