"""Times without a date in a drill across local midnight: each goes on the date that puts it nearest the
drill's dated evidence (any source), whatever side of UTC the drill's zone is on."""

from __future__ import annotations

from tests.conftest import Lake

RESOLVE = (
    "Applying problem resolutions: VM for 'uaa/5203eb34-c62d-4026-954e-d328157a5d1d (0)' with cloud ID "
    "'vm-28ddd8f4-5589-4c6a-8733-df98b822d00e' is not responding. (unresponsive_agent 276): Reboot VM"
)


def push_loop(*dates: str) -> str:
    """A cf push probe loop: a `date` line, then a failed push, per run."""
    runs = [
        f"===== {d} =====\n"
        "Pushing app probe-app to org drill-org / space drill-space as drill-operator...\n"
        "Request error: Get https://api.sys.example.com/v2/info: dial tcp 10.0.0.5:443: i/o timeout\n"
        "FAILED\n"
        "exit code: 1\n"
        for d in dates
    ]
    return "".join(runs)


def task_notty(task: int, *stamps: str) -> str:
    """`bosh task N > file`: only `Task N | HH:MM:SS |` lines (UTC, no date, no footer)."""
    return "".join(
        f"Task {task} | {t} | {RESOLVE}{' (00:01:27)' if i else ''}\n" for i, t in enumerate(stamps)
    )


def utc(col: str) -> str:
    return f"strftime({col} at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ')"


def test_west_of_utc_a_task_after_midnight_utc_is_not_a_day_early(lake: Lake) -> None:
    # New York (UTC-5): the drill runs 23:40-00:20 local, 04:40Z-05:20Z on Jan 4; the task prints
    # 05:08:30-05:09:57 UTC (start, then finish of one resolution). Read on the drill's local start date (Jan 3) it would be 24 h early.
    d = lake.drill(
        "west",
        toml='timezone = "America/New_York"\n',
        **{
            "cf__push.log": push_loop("Thu Jan  3 23:40:00 EST 2019", "Fri Jan  4 00:20:00 EST 2019"),
            "bosh__task_2001.txt": task_notty(2001, "05:08:30", "05:09:57"),
            "notes.md": "- 23:45 power off AZ1\n- 00:15 power on AZ1\n",
        },
    )
    res = {r.source_file: r for r in lake.ingest(d)}
    assert {r.status for r in res.values()} == {"ok"}, res
    assert lake.q(f"select {utc('ts')} t from probes order by ts") == [
        {"t": "2019-01-04T04:40:00Z"},
        {"t": "2019-01-04T05:20:00Z"},
    ]
    assert lake.q(f"select task_id, {utc('started_at')} s, {utc('ended_at')} e from bosh_tasks") == [
        {"task_id": 2001, "s": "2019-01-04T05:08:30Z", "e": "2019-01-04T05:09:57Z"}
    ]
    assert lake.q(f"select {utc('ts')} t, message from events where kind = 'note' order by ts") == [
        {"t": "2019-01-04T04:45:00Z", "message": "power off AZ1"},
        {"t": "2019-01-04T05:15:00Z", "message": "power on AZ1"},
    ]


def test_east_of_utc_a_task_before_midnight_utc_is_not_a_day_early(lake: Lake) -> None:
    # Seoul (UTC+9): the drill runs 23:40-00:20 KST, 14:40Z-15:20Z on Jan 3; the task prints
    # 14:58:30-15:00:06 UTC, i.e. 23:58:30-00:00:06 KST, across local midnight.
    d = lake.drill(
        "east",
        toml='timezone = "Asia/Seoul"\n',
        **{
            "cf__push.log": push_loop("Thu Jan  3 23:40:00 KST 2019", "2019. 01. 04. (금) 00:20:00 KST"),
            "bosh__task_2002.txt": task_notty(2002, "14:58:30", "15:00:06"),
            "notes.md": "- 23시 50분 전원 off\n- 0시 10분 기동\n",
            "cf__curl.log": "$ date\n23:55:00\n$ cf curl /v2/info\nFAILED\n$ date\n00:05:00\n$ cf curl /v2/info\nFAILED\n",
        },
    )
    res = {r.source_file: r for r in lake.ingest(d)}
    assert {r.status for r in res.values()} == {"ok"}, res
    assert lake.q(f"select {utc('ts')} t, capability from probes order by ts") == [
        {"t": "2019-01-03T14:40:00Z", "capability": "cf_push"},
        {"t": "2019-01-03T14:55:00Z", "capability": "cf_api"},  # `date +%T` lines, no date: 23:55 KST
        {"t": "2019-01-03T15:05:00Z", "capability": "cf_api"},  # past midnight in the same capture
        {"t": "2019-01-03T15:20:00Z", "capability": "cf_push"},
    ]
    assert lake.q(f"select task_id, {utc('started_at')} s, {utc('ended_at')} e from bosh_tasks") == [
        {"task_id": 2002, "s": "2019-01-03T14:58:30Z", "e": "2019-01-03T15:00:06Z"}
    ]
    assert lake.q(f"select {utc('ts')} t from events where kind = 'note' order by ts") == [
        {"t": "2019-01-03T14:50:00Z"},
        {"t": "2019-01-03T15:10:00Z"},
    ]


def test_drill_toml_date_overrides_the_evidence(lake: Lake) -> None:
    # `date` is the local day the drill began: a date-less UTC time goes inside that day
    d = lake.drill(
        "dated",
        toml='timezone = "Asia/Seoul"\ndate = "2019-01-05"\n',
        **{
            "cf__push.log": push_loop("Thu Jan  3 23:40:00 KST 2019"),
            "bosh__task_2003.txt": task_notty(2003, "01:51:28", "01:53:05"),
        },
    )
    lake.ingest(d)
    assert lake.q(f"select {utc('started_at')} s from bosh_tasks") == [{"s": "2019-01-05T01:51:28Z"}]


def test_no_dated_evidence_and_no_date_is_an_error_naming_the_fix(lake: Lake) -> None:
    d = lake.drill("none", **{"task.txt": task_notty(2004, "01:51:28", "01:53:05")})
    (r,) = lake.ingest(d)
    assert r.status == "error" and "set `date` in drill.toml" in r.message
