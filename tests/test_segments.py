"""Captures as operators save them: terminal logs cut at their prompts, CI prefixes, Markdown, encodings.

The terminal logs under fixtures/wrapped were recorded by the real tools (`make.sh` there: util-linux
`script`, tmux `pipe-pane`, iconv to UTF-16) around a shell replaying the bundled sample drill's captures,
so each segment must give exactly the rows the sample file gives alone, on the original file's lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from drillscope.cli import app
from tests.conftest import FIXTURES, SAMPLES, Lake

WRAPPED = FIXTURES / "wrapped"
AZ1 = SAMPLES / "2019-01-03-az1"
TOML = """\
id = "{id}"
foundation = "cf-54c9c2f906b6aba996cd"
timezone = "Asia/Seoul"
date = "2019-01-03"
injected_at = "2019-01-03T10:25:00+09:00"
"""
PROBES = (
    "select strftime(ts at time zone 'UTC', '%H:%M:%S') t, capability, ok, detail, source_line from probes"
)


def _drill(lake: Lake, name: str, files: dict[str, Path]) -> Path:
    d = lake.drill(name, TOML.format(id=name))
    for rel, src in files.items():
        shutil.copy(src, d / rel)
    return d


def test_script_typescript_is_cut_at_its_prompts(lake: Lake) -> None:
    # header, OSC titles, bracketed paste, colour `ls`, a mistyped `cf pusj`, the push loop, `exit`, footer
    d = _drill(lake, "ts", {"push-loop.typescript": WRAPPED / "push-loop.typescript"})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.status, r.lines) == ("cf_cli", "ok", 554)
    assert r.lines == r.parsed_lines + r.quarantined + r.ignorable
    segs = lake.q(
        "select first_line, last_line, source_type, command, status, lines, parsed_lines + quarantined + ignorable n"
        " from ingest_segments order by first_line"
    )
    assert [(s["first_line"], s["last_line"], s["source_type"], s["command"], s["status"]) for s in segs] == [
        (1, 3, None, "ls demo", "ignorable"),
        (4, 5, None, "cf pusj probe-app", "ignorable"),  # a typo answered by an error: never a probe
        (6, 550, "cf_cli", "push-loop", "ok"),
        (551, 554, None, "exit", "ignorable"),
    ]
    assert all(s["lines"] == s["n"] for s in segs)
    # the same probes as the capture alone, on the typescript's lines (the capture starts on line 7)
    wrapped = lake.q(f"{PROBES} order by ts")
    alone = Lake(lake.tmp / "alone")
    alone.ingest(_drill(alone, "alone", {"push_probe.log": AZ1 / "cf" / "push_probe.log"}))
    plain = alone.q(f"{PROBES} order by ts")
    assert len(wrapped) == len(plain) == 18
    assert [{**p, "source_line": p["source_line"] + 6} for p in plain] == wrapped
    assert wrapped[0] == {
        "t": "01:22:03",
        "capability": "cf_push",
        "ok": True,
        "detail": None,
        "source_line": 9,
    }


def test_utf16_typescript_reads_like_utf8(lake: Lake) -> None:
    d = _drill(lake, "u16", {"a.typescript": WRAPPED / "push-loop.typescript"})
    d2 = _drill(lake, "u16b", {"b.typescript": WRAPPED / "push-loop.utf16.typescript"})
    a, b = lake.ingest(d, d2)
    assert b.status == "ok" and "utf-16-le" in b.message
    assert (a.lines, a.parsed_lines, a.ignorable) == (b.lines, b.parsed_lines, b.ignorable)
    rows = lake.q(PROBES.replace(" from", ", drill from") + " order by drill, ts")
    assert [{k: v for k, v in r.items() if k != "drill"} for r in rows if r["drill"] == "u16"] == [
        {k: v for k, v in r.items() if k != "drill"} for r in rows if r["drill"] == "u16b"
    ]


def test_tmux_log_date_typed_at_the_prompt_is_the_clock_of_bosh_vms(lake: Lake) -> None:
    d = _drill(lake, "tm", {"bosh.tmux.log": WRAPPED / "bosh.tmux.log"})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.status) == ("session", "ok")
    assert lake.q(
        "select source_type, command from ingest_segments where source_type is not null order by 1"
    ) == [
        {"source_type": "bosh_table", "command": "date; bosh -e pcf -d cf-54c9c2f906b6aba996cd vms"},
        {"source_type": "bosh_task", "command": "bosh -e pcf -d cf-54c9c2f906b6aba996cd cck"},
    ]
    vm = lake.q(
        "select strftime(ts at time zone 'UTC', '%H:%M:%S') t, ts_basis, process_state, source_line from vm_states"
        " where instance like 'cloud_controller/1cb04038%'"
    )
    assert vm == [
        {"t": "01:40:02", "ts_basis": "date_line", "process_state": "unresponsive agent", "source_line": 13}
    ]
    assert lake.q("select task_id, state, source_type from bosh_tasks order by task_id") == [
        {"task_id": 1233, "state": "done", "source_type": "bosh_task"},
        {"task_id": 1234, "state": "done", "source_type": "bosh_task"},
    ]


SAME = {
    "tasks": "select task_id, deployment, description, state, started_at, ended_at from bosh_tasks",
    "probes": "select ts, capability, ok, status, latency_ms, detail from probes",
    "vm_states": "select ts, instance, az, process_state from vm_states",
    "outages": "select capability, started_at, ended_at, duration_s, open from outages",
    "capability_metrics": "select * exclude (drill) from capability_metrics",
    "drill_metrics": "select * exclude (drill, injected_evidence, detected_evidence,"
    " recovered_evidence) from drill_metrics",
}


def test_two_terminal_logs_give_the_drill_of_one_file_per_command(lake: Lake) -> None:
    per_command = _drill(
        lake,
        "files",
        {
            "push_probe.log": AZ1 / "cf" / "push_probe.log",
            "vms_during_1040.txt": AZ1 / "bosh" / "vms_during_1040.txt",
            "cck_console.txt": AZ1 / "bosh" / "cck_console.txt",
        },
    )
    terminal = _drill(
        lake,
        "terminal",
        {
            "push-loop.typescript": WRAPPED / "push-loop.typescript",
            "bosh.tmux.log": WRAPPED / "bosh.tmux.log",
        },
    )
    lake.ingest(per_command, terminal)
    for name, sql in SAME.items():
        a = lake.q(f"{sql} where drill = 'files' order by all")
        b = lake.q(f"{sql} where drill = 'terminal' order by all")
        assert a == b and a, name
    m = lake.q("select ttr_s, recovered_at from drill_metrics where drill = 'terminal'")
    assert m[0]["ttr_s"] is not None


def test_ci_prefixes_are_the_clock_of_a_cf_push(lake: Lake) -> None:
    # a cf push in an Azure DevOps / GitHub Actions log (7 fractional digits and Z), no `date` lines
    push = (AZ1 / "cf" / "push_probe.log").read_text(encoding="utf-8").splitlines()
    start = push.index("Pushing app probe-app to org drill-org / space drill-space as drill-operator...")
    end = next(i for i in range(start, len(push)) if push[i].startswith("exit code"))
    body = ["##[group]Run cf push probe-app", "cf push probe-app", "##[endgroup]", *push[start:end]]
    gha = "".join(f"2019-01-03T01:29:{10 + i // 10:02d}.{i:07d}Z {ln}\n" for i, ln in enumerate(body))
    jenkins = "".join(
        f"[2019-01-03T01:31:{10 + i // 10:02d}.{i % 1000:03d}Z] {ln}\n"
        for i, ln in enumerate(push[start:end])
    )
    d = lake.drill("ci", TOML.format(id="ci"), **{"gha.log": gha, "jenkins.log": jenkins})
    res = lake.ingest(d)
    assert {r.source_file: (r.source_type, r.status) for r in res} == {
        "gha.log": ("cf_cli", "ok"),
        "jenkins.log": ("cf_cli", "ok"),
    }
    assert lake.q(PROBES.replace(" from", ", source_file from") + " order by ts") == [
        {
            "t": "01:29:10",
            "capability": "cf_push",
            "ok": True,
            "detail": None,
            "source_line": 1,
            "source_file": "gha.log",
        },
        {
            "t": "01:31:10",
            "capability": "cf_push",
            "ok": True,
            "detail": None,
            "source_line": 1,
            "source_file": "jenkins.log",
        },
    ]


def test_markdown_notes_with_a_fenced_capture(lake: Lake) -> None:
    cck = (AZ1 / "bosh" / "cck_console.txt").read_text(encoding="utf-8")
    notes = (
        "# AZ1 drill\n\n- 10:25 AZ1 전원 off\n    - 10:28 알람 메일 수신\n- 10:51 bosh cck 시작\n\n"
        "  ```text\n  $ bosh -d cf-54c9c2f906b6aba996cd cck\n"
        + "".join(f"  {ln}\n" if ln else "\n" for ln in cck.splitlines())
        + "  ```\n- 11:20 복구 확인\n"
    )
    d = lake.drill("md", TOML.format(id="md"), **{"notes.md": notes})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.status) == ("session", "ok")
    assert r.lines == r.parsed_lines + r.quarantined + r.ignorable == len(notes.splitlines())
    assert lake.q(
        "select source_type, first_line, last_line from ingest_segments where source_type is not null order by 2"
    ) == [
        {"source_type": "notes", "first_line": 1, "last_line": 6},
        {"source_type": "bosh_task", "first_line": 7, "last_line": 71},
        {"source_type": "notes", "first_line": 72, "last_line": 72},
    ]
    assert lake.one("select count(*) from bosh_tasks") == 2
    noted = lake.q(
        "select strftime(ts at time zone 'Asia/Seoul', '%H:%M') t, source_line from events where source_type = 'notes' order by ts"
    )
    assert noted == [
        {"t": "10:25", "source_line": 3},
        {"t": "10:28", "source_line": 4},
        {"t": "10:51", "source_line": 5},
        {"t": "11:20", "source_line": 72},
    ]


def test_undecodable_file_is_unrecognized_and_says_why(lake: Lake) -> None:
    d = lake.drill(
        "enc",
        TOML.format(id="enc"),
        **{"latin1.txt": "Tâche terminée à 10:25 — échec\n".encode("cp1252") * 50},
    )
    (r,) = lake.ingest(d)
    assert r.status == "unrecognized" and r.message.startswith("cannot decode: neither UTF-8")


def test_coverage_line_strict_and_explain(tmp_path: Path) -> None:
    d = tmp_path / "drill"
    d.mkdir()
    (d / "drill.toml").write_text(TOML.format(id="cov"), encoding="utf-8")
    shutil.copy(WRAPPED / "bosh.tmux.log", d)
    shutil.copy(AZ1 / "cf" / "push_probe.log", d)
    (d / "todo.txt").write_text("call the network team\nask about the AZ1 PDU\n", encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(app, ["ingest", str(d), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.output.rstrip().splitlines()[-1] == "3 files: 2 read, 1 unrecognized (2 lines)"
    res = runner.invoke(app, ["ingest", str(d), "--out", str(out), "--strict"])
    assert res.exit_code == 1
    assert "strict: todo.txt: unrecognized (2 lines)" in res.output
    res = runner.invoke(app, ["explain", str(d / "bosh.tmux.log")])
    assert res.exit_code == 0
    assert "read in 4 segment(s) as session (bosh_table, bosh_task)" in res.output
    assert "  lines 64-126: bosh_task (ok)  `bosh -e pcf -d cf-54c9c2f906b6aba996cd cck`" in res.output
    res = runner.invoke(app, ["explain", str(d / "todo.txt")])
    assert "  lines 1-2: - (unrecognized)" in res.output
    assert "    notes: declined: looks for two or more timed note lines" in res.output


def test_explain_says_what_ingest_does_with_a_whole_file_format() -> None:
    """A mail is read as it is by ingest (decoded, never unwrapped or cut); explain says the same."""
    mail = AZ1 / "mail" / "01_event-alerts_critical_canary_1028.eml"
    res = CliRunner().invoke(app, ["explain", str(mail)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[1:] == ["read whole by email (not unwrapped nor cut into segments)"]


def test_report_has_a_coverage_section(tmp_path: Path) -> None:
    from drillscope import api

    d = tmp_path / "cov"
    d.mkdir()
    (d / "drill.toml").write_text(TOML.format(id="cov"), encoding="utf-8")
    shutil.copy(WRAPPED / "bosh.tmux.log", d)
    (d / "todo.txt").write_text("call the network team\nask about the AZ1 PDU\n", encoding="utf-8")
    res = api.run([d], tmp_path / "out")
    page = (res.report.parent / "cov" / "index.html").read_text(encoding="utf-8")
    assert '<section id="coverage"><h2>Files read</h2>' in page
    assert (
        '<tr class="cov-unrecognized"><td>todo.txt</td><td>- (unrecognized)</td><td>0</td><td>0</td><td>2</td>'
        "<td>no parser recognizes this content</td></tr>"
    ) in page
    assert (
        '<tr class="cov-ok"><td>bosh.tmux.log</td><td>session (ok)</td><td>127</td><td>0</td><td>0</td>'
        in page
    )


# -- more wrappers: screen, GitLab, Jenkins clock, `ts` on bosh output, `> ` quoting, PuTTY --------------

VMS = (AZ1 / "bosh" / "vms_during_1040.txt").read_text(encoding="utf-8").splitlines()[1:]  # without its date
CCK = (AZ1 / "bosh" / "cck_console.txt").read_text(encoding="utf-8").splitlines()
VM_1CB = (
    "select strftime(ts at time zone 'UTC', '%H:%M:%S') t, ts_basis, process_state, source_line from vm_states"
    " where instance like 'cloud_controller/1cb04038%'"
)
TASKS = (
    "select task_id, state, strftime(started_at, '%H:%M:%S') s, strftime(ended_at, '%H:%M:%S') e"
    " from bosh_tasks order by task_id"
)


def test_screen_log_date_typed_at_the_prompt_is_the_clock_of_bosh_vms(lake: Lake) -> None:
    # recorded by GNU screen 4.9 `screen -L` (make.sh): CRLF, OSC titles, bracketed paste, `exit`
    d = _drill(lake, "sc", {"bosh.screen.log": WRAPPED / "bosh.screen.log"})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.status, r.lines) == ("bosh_table", "ok", 64)
    assert lake.q("select first_line, last_line, source_type, command from ingest_segments order by 1") == [
        {"first_line": 1, "last_line": 62, "source_type": "bosh_table",
         "command": "date; bosh -e pcf -d cf-54c9c2f906b6aba996cd vms"},
        {"first_line": 63, "last_line": 64, "source_type": None, "command": "exit"},
    ]  # fmt: skip
    assert lake.q(VM_1CB) == [
        {"t": "01:40:02", "ts_basis": "date_line", "process_state": "unresponsive agent", "source_line": 12}
    ]
    assert lake.one("select count(*) from vm_states") == 48


def test_gitlab_job_log_sections_and_echoed_commands(lake: Lake) -> None:
    # GitLab's raw job log as the runner writes it (docs.gitlab.com "Custom collapsible sections"; synthetic):
    # `section_start:<epoch>:<name>\r\e[0K<header>`, commands echoed in green as `$ cmd`
    g, e = "\x1b[32;1m", "\x1b[0;m"
    log = "\n".join(
        [
            "\x1b[0KRunning with gitlab-runner 16.5.0 (853330f9)\x1b[0;m",
            'section_start:1546479600:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m',
            f"{g}$ date{e}",
            "Thu Jan  3 10:40:02 KST 2019",
            f"{g}$ bosh -e pcf -d cf-54c9c2f906b6aba996cd vms{e}",
            *VMS,
            "section_end:1546479603:step_script\r\x1b[0K",
            f"{g}Job succeeded{e}",
        ]
    )
    d = lake.drill("gl", TOML.format(id="gl"), **{"job.log": log + "\n"})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.quarantined) == ("bosh_table", 0)
    assert r.lines == r.parsed_lines + r.quarantined + r.ignorable == len(VMS) + 7
    assert lake.q(VM_1CB) == [
        {"t": "01:40:02", "ts_basis": "date_line", "process_state": "unresponsive agent", "source_line": 14}
    ]


def test_jenkins_clock_prefix_is_the_time_of_a_cf_push(lake: Lake) -> None:
    # Jenkins timestamper's `HH:MM:SS ` (the server's wall clock, read in the drill's zone)
    push = (AZ1 / "cf" / "push_probe.log").read_text(encoding="utf-8").splitlines()
    start = push.index("Pushing app probe-app to org drill-org / space drill-space as drill-operator...")
    end = next(i for i in range(start, len(push)) if push[i].startswith("exit code"))
    log = "".join(f"10:33:{10 + i // 10:02d} {ln}\n" for i, ln in enumerate(push[start:end]))
    d = lake.drill("jk", TOML.format(id="jk"), **{"console.txt": log})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.status) == ("cf_cli", "ok")
    assert lake.q(PROBES) == [
        {"t": "01:33:10", "capability": "cf_push", "ok": True, "detail": None, "source_line": 1}
    ]


def test_ts_prefix_is_the_clock_of_bosh_vms(lake: Lake) -> None:
    # `bosh vms | ts` (moreutils, `%b %d %H:%M:%S`): no `date` line, the prefix times the table
    log = "".join(f"Jan 03 10:40:{7 + (i > 3):02d} {ln}\n" for i, ln in enumerate(VMS))
    d = lake.drill("tsb", TOML.format(id="tsb"), **{"vms.txt": log})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.status) == ("bosh_table", "ok")
    assert lake.q(VM_1CB) == [
        {"t": "01:40:08", "ts_basis": "date_line", "process_state": "unresponsive agent", "source_line": 9}
    ]


def test_real_ts_log_of_bosh_vms(lake: Lake) -> None:
    # recorded by make.sh with moreutils' real `ts` on the recording day (its prefix has no year: the drill's
    # date gives it); the prefix is the table's clock, read in the drill's zone
    d = lake.drill(
        "tsr",
        TOML.format(id="tsr").replace('date = "2019-01-03"', 'date = "2026-12-02"'),
        **{"vms.txt": (WRAPPED / "bosh-vms.ts.log").read_bytes()},
    )
    (r,) = lake.ingest(d)
    assert (r.source_type, r.status, r.quarantined) == ("bosh_table", "ok", 0)
    assert r.lines == r.parsed_lines + r.quarantined + r.ignorable == 59
    assert lake.q(VM_1CB) == [
        {"t": "00:22:58", "ts_basis": "date_line", "process_state": "unresponsive agent", "source_line": 9}
    ]
    assert lake.one("select strftime(min(ts) at time zone 'UTC', '%Y-%m-%d') from vm_states") == "2026-12-02"
    assert lake.one("select count(*) from vm_states") == 48


def test_quoted_capture_in_a_reply(lake: Lake) -> None:
    # a reply quoting the cck console with `> ` (no real quoted capture was found: synthetic)
    text = (
        "Here is what cck printed:\n\n" + "".join(f"> {ln}\n" if ln else ">\n" for ln in CCK) + "\nThanks\n"
    )
    d = lake.drill("q", TOML.format(id="q"), **{"reply.md": text})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.quarantined) == ("bosh_task", 0)
    assert lake.q(TASKS) == [
        {"task_id": 1233, "state": "done", "s": "01:51:03", "e": "01:51:24"},
        {"task_id": 1234, "state": "done", "s": "01:51:28", "e": "02:17:07"},
    ]
    assert (
        lake.one("select min(source_line) from bosh_tasks") == 7
    )  # `Task 1233` on line 5 of the console + 2


def test_putty_log_header_is_a_wrapper(lake: Lake) -> None:
    # PuTTY's "Printable output" session log: its banner line, then the session (synthetic: the banner as
    # PuTTY's logging.c writes it)
    text = (
        "=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2019.01.03 10:39:55 =~=~=~=~=~=~=~=~=~=~=~=\r\n"
        "[drill@jumpbox-01 ~]$ date\r\nThu Jan  3 10:40:02 KST 2019\r\n"
        "[drill@jumpbox-01 ~]$ bosh -e pcf -d cf-54c9c2f906b6aba996cd vms\r\n"
        + "".join(f"{ln}\r\n" for ln in VMS)
    )
    d = lake.drill("pt", TOML.format(id="pt"), **{"putty.log": text.encode("utf-8")})
    (r,) = lake.ingest(d)
    assert (r.source_type, r.quarantined) == ("bosh_table", 0)
    assert lake.q("select first_line, source_type, command from ingest_segments order by 1") == [
        {
            "first_line": 1,
            "source_type": "bosh_table",
            "command": "date; bosh -e pcf -d cf-54c9c2f906b6aba996cd vms",
        }
    ]
    assert lake.q(VM_1CB)[0]["t"] == "01:40:02"
