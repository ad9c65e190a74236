"""Bad input through the real CLI (`python -m drillscope.cli ingest` in a subprocess).

For every case: exit status 0 or 1, no traceback, one clear message naming the file (in the printed
table and in `ingest_files.message`, or one `error:` line on stderr when the run cannot start),
`lines = parsed_lines + quarantined + ignorable` for every parsed file, and a lake and database that
still open. Small cases are committed under tests/fixtures/bad_input/; large ones (10 MB line,
gzip bomb) are generated here. The decompression cap is tested by lowering
`drillscope.ingest.pipeline.MAX_INPUT_BYTES` in the CLI process, not by writing gigabytes.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from drillscope.output import rows
from drillscope.query import query
from tests.conftest import Lake

FIX = Path(__file__).parents[1] / "fixtures"
BAD = FIX / "bad_input" / "foreign"  # `foreign`: the format tests skip these mixed captures
TASK = FIX / "bosh_task" / "task_1234.txt"
CF_LOGS = FIX / "cf" / "cf_logs_recent.txt"
REPO = Path(__file__).resolve().parents[2]
INJECTED_TOML = 'id = "bad"\ntimezone = "Asia/Seoul"\ninjected_at = "2019-01-03T10:25:00+09:00"\n'


def cli(*args: str, cap: int | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real CLI; `cap` lowers MAX_INPUT_BYTES in that process (the limit's own code path)."""
    if cap is None:
        cmd = [sys.executable, "-m", "drillscope.cli", *args]
    else:
        boot = (
            f"import sys, drillscope.ingest.pipeline as p; p.MAX_INPUT_BYTES = {cap}; "
            "from drillscope.cli import main; sys.argv[0] = 'drillscope'; main()"
        )
        cmd = [sys.executable, "-c", boot, *args]
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env)


def files(out: Path) -> dict[str, dict]:
    return {r["source_file"]: r for r in rows(query(out, "select * from ingest_files"))}


def check_out(p: subprocess.CompletedProcess, out: Path) -> dict[str, dict]:
    """What must hold after any run on bad input; returns the ingest_files rows by source_file."""
    assert p.returncode in (0, 1), (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout, p.stderr
    assert "internal error" not in p.stderr, p.stderr
    for f in (out / "lake").rglob("*.parquet"):
        pq.read_table(f)  # every committed Parquet file opens
    assert not list((out / "lake").rglob("*.tmp")), "temp files left by a completed run"
    got = files(out)
    for r in got.values():
        assert "accounting mismatch" not in (r["message"] or ""), r
        assert "parser failed" not in (r["message"] or ""), r
        if r["status"] in ("ok", "partial"):
            assert r["lines"] == r["parsed_lines"] + r["quarantined"] + r["ignorable"], r
        assert r["source_file"] in p.stdout, f"{r['source_file']} not named in the printed table"
    return got


def printed(p: subprocess.CompletedProcess, name: str, status: str, message: str) -> bool:
    """The run's table shows the file with its status and message (on one row of the table)."""
    for row in p.stdout.split("│ bad ")[1:]:  # table rows start with the drill id
        flat = " ".join(row.replace("│", " ").split())
        if flat.startswith(name + " ") and f" {status} " in f"{flat} " and message in flat:
            return True
    return False


def drill(tmp: Path, toml: str | None = INJECTED_TOML, **content: bytes) -> Path:
    d = tmp / "bad"
    d.mkdir(parents=True, exist_ok=True)
    if toml is not None:
        (d / "drill.toml").write_text(toml, encoding="utf-8")
    for name, data in content.items():
        (d / name).write_bytes(data)
    return d


def ingest(tmp: Path, d: Path, cap: int | None = None) -> tuple[subprocess.CompletedProcess, dict[str, dict]]:
    out = tmp / "out"
    p = cli("ingest", str(d), "--out", str(out), cap=cap)
    return p, check_out(p, out)


def quarantine(tmp: Path, source_file: str) -> list[dict]:
    return rows(
        query(
            tmp / "out",
            f"select source_line, reason, raw from quarantine where source_file = '{source_file}' order by 1",
        )
    )


@dataclass
class Case:
    name: str
    content: dict[str, bytes]
    status: str  # expected ingest_files.status of the first file
    message: str = ""  # expected in its message
    exit: int = 0


def _cut_lines(data: bytes) -> bytes:
    lines = data.split(b"\n")
    return b"\n".join(ln[: len(ln) // 2] if i % 3 == 2 else ln for i, ln in enumerate(lines))


def _nul_past_head(task: bytes) -> bytes:
    """The task's event lines repeated past the 16 KiB probe window, then one line with a NUL in it."""
    lines = task.split(b"\n")
    events = [ln for ln in lines if ln.startswith(b"Task 1234 | ")]
    body = events * (16384 // len(b"\n".join(events)) + 2)
    bad = events[0].replace(b"Reboot VM", b"Reb\x00oot VM")
    return b"\n".join([*lines[:4], *body, bad, *lines[4:]])


def _cases() -> list[Case]:
    task = TASK.read_bytes()
    gz = gzip.compress(task)
    return [
        Case("empty", {"empty.log": b""}, "unrecognized"),
        Case("only_blank_lines", {"blank.log": b"\n\n  \n"}, "unrecognized"),
        Case("truncated_gzip", {"task.txt.gz": gz[: len(gz) // 2]}, "error", "truncated gzip", exit=1),
        Case("gzip_not_gzip", {"task.txt.gz": b"\x1f\x8b" + b"garbage" * 10}, "error", "gzip", exit=1),
        Case("binary", {"core.bin": bytes(range(256)) * 64}, "unrecognized", "binary file"),
        Case("utf8_bom", {"task.txt": b"\xef\xbb\xbf" + task}, "ok"),
        Case("crlf", {"task.txt": task.replace(b"\n", b"\r\n")}, "ok"),
        Case("cp949_notes", {"notes.txt": (BAD / "notes_cp949.txt").read_bytes()}, "ok", "cp949"),
        Case("lines_cut_in_half", {"task.txt": _cut_lines(task)}, "partial", "quarantined"),
        Case("nul_past_the_head", {"task.txt": _nul_past_head(task)}, "ok"),
        Case("mixed_formats", {"mixed.txt": (BAD / "mixed_task_and_cf_logs.txt").read_bytes()}, "partial"),
        Case("malformed_json", {"ev.jsonl": (BAD / "events_malformed.jsonl").read_bytes()}, "partial"),
        Case("malformed_csv", {"hw.csv": (BAD / "grafana_malformed.csv").read_bytes()}, "partial"),
        Case("malformed_mime", {"alert.eml": (BAD / "mime_malformed.eml").read_bytes()}, "partial"),
        Case("clock_backwards", {"probe.log": (BAD / "clock_backwards_login_probe.log").read_bytes()}, "ok"),
    ]


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file(tmp_path: Path, case: Case) -> None:
    d = drill(tmp_path, **case.content)
    p, got = ingest(tmp_path, d)
    name = next(iter(case.content))
    assert p.returncode == case.exit, p.stderr
    if case.status == "error":  # unreadable: the run names it, ingest_files lists it without a content hash
        assert got[name]["status"] == "error" and got[name]["sha256"] is None
        assert case.message in got[name]["message"]
        assert printed(p, name, "error", case.message)
        return
    r = got[name]
    assert r["status"] == case.status, r
    assert case.message in (r["message"] or ""), r
    assert printed(p, name, case.status, case.message)


def test_lines_cut_in_half_are_quarantined_with_their_line(tmp_path: Path) -> None:
    d = drill(tmp_path, **{"task.txt": _cut_lines(TASK.read_bytes())})
    ingest(tmp_path, d)
    q = quarantine(tmp_path, "task.txt")
    assert q and all(r["source_line"] % 3 == 0 for r in q), q
    cut = TASK.read_bytes().split(b"\n")
    for r in q:
        assert cut[r["source_line"] - 1].decode().startswith(r["raw"]), r


def test_mixed_capture_keeps_the_task_and_quarantines_the_other_format(tmp_path: Path) -> None:
    d = drill(tmp_path, **{"mixed.txt": (BAD / "mixed_task_and_cf_logs.txt").read_bytes()})
    _, got = ingest(tmp_path, d)
    assert got["mixed.txt"]["source_type"] == "bosh_task"
    assert [r["source_line"] for r in quarantine(tmp_path, "mixed.txt")] == [7, 8, 9]
    n = rows(
        query(tmp_path / "out", "select count(*) as n from cck_problems where source_file = 'mixed.txt'")
    )
    assert n[0]["n"] == 5  # the task's event lines on both sides of the pasted block


def test_malformed_json_lines_are_quarantined_by_line(tmp_path: Path) -> None:
    d = drill(tmp_path, **{"ev.jsonl": (BAD / "events_malformed.jsonl").read_bytes()})
    _, got = ingest(tmp_path, d)
    assert got["ev.jsonl"]["source_type"] == "bosh_event_log"
    assert [r["source_line"] for r in quarantine(tmp_path, "ev.jsonl")] == [3, 4, 5]


def test_bom_and_crlf_parse_like_the_plain_file(tmp_path: Path) -> None:
    task = TASK.read_bytes()
    d = drill(
        tmp_path,
        **{"plain.txt": task, "bom.txt": b"\xef\xbb\xbf" + task, "crlf.txt": task.replace(b"\n", b"\r\n")},
    )
    _, got = ingest(tmp_path, d)
    sql = "select * exclude (source_file) from cck_problems where source_file = '{}' order by all"
    want = rows(query(tmp_path / "out", sql.format("plain.txt")))
    assert want
    for name in ("bom.txt", "crlf.txt"):
        assert rows(query(tmp_path / "out", sql.format(name))) == want, name
        assert got[name]["lines"] == got["plain.txt"]["lines"]


def test_cp949_notes_keep_their_korean_text(tmp_path: Path) -> None:
    d = drill(tmp_path, **{"notes.txt": (BAD / "notes_cp949.txt").read_bytes()})
    ingest(tmp_path, d)
    got = rows(query(tmp_path / "out", "select ts, message from events order by ts"))
    assert [r["message"] for r in got][0] == "AZ1 물리서버 전원 off"
    assert got[0]["ts"] == "2019-01-03T01:25:00+00:00"


def test_clock_going_backwards_stays_on_the_same_day(tmp_path: Path) -> None:
    """An NTP step back of two minutes is no midnight rollover: the second run is 10:19 KST that day."""
    d = drill(tmp_path, **{"probe.log": (BAD / "clock_backwards_login_probe.log").read_bytes()})
    ingest(tmp_path, d)
    got = rows(query(tmp_path / "out", "select ts, ok from probes order by source_line"))
    assert [r["ts"] for r in got] == ["2019-01-03T01:21:10+00:00", "2019-01-03T01:19:12+00:00"]


def test_ten_megabyte_line(tmp_path: Path) -> None:
    """One 10 MB line inside a real capture: the file is read, the line is accounted for, in bounded time."""
    big = b"Task 1234 | 01:53:05 | Applying problem resolutions: " + b"x" * (10 << 20)
    lines = TASK.read_bytes().split(b"\n")
    data = b"\n".join([*lines[:5], big, *lines[5:]])
    d = drill(tmp_path, **{"task.txt": data, "oneline.log": b"y" * (10 << 20)})
    p, got = ingest(tmp_path, d)
    assert p.returncode == 0
    assert got["task.txt"]["status"] in ("ok", "partial")
    assert got["task.txt"]["lines"] == len(lines) + (0 if data.endswith(b"\n") else 1) - 1 + 1
    assert got["oneline.log"]["status"] == "unrecognized" and got["oneline.log"]["lines"] == 1


def test_nul_bytes_in_the_head_mean_binary(tmp_path: Path) -> None:
    """A NUL in the first 16 KiB (a zero-filled hole after a crash) marks the file binary: listed, not parsed."""
    d = drill(tmp_path, **{"task.txt": b"\x00" * 16 + TASK.read_bytes()})
    p, got = ingest(tmp_path, d)
    assert got["task.txt"]["status"] == "unrecognized" and got["task.txt"]["message"] == "binary file"
    assert p.returncode == 0


def test_gzip_bomb_is_capped(tmp_path: Path) -> None:
    cap = 1 << 20
    bomb = gzip.compress(b"\n" * (64 << 20), compresslevel=9)  # 64 MiB of newlines in ~64 KiB
    assert len(bomb) < cap
    d = drill(tmp_path, **{"bomb.log.gz": bomb, "task.txt.gz": gzip.compress(TASK.read_bytes())})
    p, got = ingest(tmp_path, d, cap=cap)
    assert p.returncode == 1
    assert printed(p, "bomb.log.gz", "error", "decompresses past the 1 MiB limit per input (gzip bomb?)")
    assert got["task.txt.gz"]["status"] == "ok"  # the good file of the same drill is still ingested


def test_duplicate_files_under_two_names(tmp_path: Path) -> None:
    d = drill(tmp_path, **{"task_a.txt": TASK.read_bytes()})
    (d / "copy").mkdir()
    (d / "copy" / "task_b.log").write_bytes(TASK.read_bytes())
    p, got = ingest(tmp_path, d)
    assert p.returncode == 0
    # one ingest_files row for the content (the first path in order), naming the other path
    assert list(got) == ["copy/task_b.log"]
    assert got["copy/task_b.log"]["status"] == "ok" and got["copy/task_b.log"]["also_seen_as"] == "task_a.txt"
    out = " ".join(p.stdout.split())
    assert "task_a.txt" in out and "duplicate" in out and "same content as copy/task_b.log" in out
    n = rows(query(tmp_path / "out", "select count(distinct source_file) as n from cck_problems"))
    assert n[0]["n"] == 1


def test_dangling_symlink(tmp_path: Path) -> None:
    d = drill(tmp_path, **{"task.txt": TASK.read_bytes()})
    (d / "gone.log").symlink_to(d / "nowhere.log")
    p, got = ingest(tmp_path, d)
    assert p.returncode == 1
    assert printed(p, "gone.log", "error", "cannot read: No such file or directory")
    assert got["task.txt"]["status"] == "ok"


def test_fifo_and_device_links_are_skipped_not_read(tmp_path: Path) -> None:
    """A FIFO would block the read forever and /dev/zero never ends: neither is opened; both are listed."""
    d = drill(tmp_path, **{"task.txt": TASK.read_bytes()})
    os.mkfifo(d / "pipe.log")
    (d / "zero.log").symlink_to("/dev/zero")
    out = tmp_path / "out"
    p = cli("ingest", str(d), "--out", str(out), "--follow-links", timeout=60)
    got = check_out(p, out)
    assert p.returncode == 0, p.stderr
    assert (
        got["pipe.log"]["status"] == "skipped" and got["pipe.log"]["message"] == "not a regular file (a FIFO)"
    )
    assert got["zero.log"]["status"] == "skipped"
    assert got["zero.log"]["message"] == "not a regular file (a character device)"
    assert got["task.txt"]["status"] == "ok"


def test_link_leaving_the_drill_folder_is_skipped_unless_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "task_1234.txt"
    outside.parent.mkdir()
    outside.write_bytes(TASK.read_bytes())
    d = drill(tmp_path, **{"notes.md": b"- 10:25 power off\n"})
    (d / "task.txt").symlink_to(outside)
    (d / "sub").mkdir()
    (d / "sub" / "inside.md").symlink_to(d / "notes.md")  # stays inside: read (a duplicate of notes.md)
    p, got = ingest(tmp_path, d)
    assert p.returncode == 0, p.stderr
    assert got["task.txt"]["status"] == "skipped" and got["task.txt"]["sha256"] is None
    assert got["task.txt"]["message"] == (
        f"link to {outside.resolve()}, outside the drill folder (--follow-links reads it)"
    )
    assert printed(p, "task.txt", "skipped", "outside the drill folder")
    assert printed(p, "sub/inside.md", "duplicate", "same content as notes.md")
    assert rows(query(tmp_path / "out", "select count(*) as n from bosh_tasks"))[0]["n"] == 0

    p = cli("ingest", str(d), "--out", str(tmp_path / "out"), "--follow-links")
    got = check_out(p, tmp_path / "out")
    assert got["task.txt"]["status"] == "ok" and got["task.txt"]["source_type"] == "bosh_task"
    assert rows(query(tmp_path / "out", "select count(*) as n from bosh_tasks"))[0]["n"] == 1

    p = cli("ingest", str(d), "--out", str(tmp_path / "out"))  # without it again: its rows leave the lake
    got = check_out(p, tmp_path / "out")
    assert got["task.txt"]["status"] == "skipped"
    assert rows(query(tmp_path / "out", "select count(*) as n from bosh_tasks"))[0]["n"] == 0


def test_a_fifo_given_as_input_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.log")
    p = cli("ingest", str(tmp_path / "pipe.log"), "--out", str(tmp_path / "out"), timeout=60)
    assert p.returncode == 1
    assert (
        p.stderr.strip()
        == f"error: {tmp_path / 'pipe.log'}: not a regular file (a FIFO); only regular files are read"
    )


def test_directory_symlink_loop(tmp_path: Path) -> None:
    d = drill(tmp_path, **{"task.txt": TASK.read_bytes()})
    (d / "sub").mkdir()
    (d / "sub" / "loop").symlink_to(d, target_is_directory=True)
    (d / "self").symlink_to(".", target_is_directory=True)
    p, got = ingest(tmp_path, d)
    assert p.returncode == 0
    assert list(got) == ["task.txt"]


def test_symlink_loop_in_a_collection(tmp_path: Path) -> None:
    coll = tmp_path / "coll"
    for name in ("a", "b"):
        (coll / name).mkdir(parents=True)
        (coll / name / "drill.toml").write_text(f'id = "{name}"\ndate = "2019-01-03"\n')
        (coll / name / "task.txt").write_bytes(TASK.read_bytes())
    (coll / "a" / "up").symlink_to(coll, target_is_directory=True)
    out = tmp_path / "out"
    p = cli("ingest", str(coll), "--out", str(out))
    check_out(p, out)
    assert p.returncode == 0
    got = rows(query(out, "select drill, source_file, status from ingest_files order by all"))
    assert got == [
        {"drill": "a", "source_file": "task.txt", "status": "ok"},
        {"drill": "b", "source_file": "task.txt", "status": "ok"},
    ]


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("malformed_drill.toml", "malformed drill.toml"),
        ("unknown_zone_drill.toml", "unknown time zone timezone = 'Asia/Seol'"),
    ],
)
def test_bad_drill_toml_stops_with_one_line(tmp_path: Path, toml: str, needle: str) -> None:
    d = drill(tmp_path, toml=(BAD / toml).read_text(encoding="utf-8"), **{"task.txt": TASK.read_bytes()})
    out = tmp_path / "out"
    p = cli("ingest", str(d), "--out", str(out))
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    msg = p.stderr.strip()
    assert len(msg.splitlines()) == 1, msg
    assert msg.startswith(f"error: {d / 'drill.toml'}: ") and needle in msg, msg
    if toml == "malformed_drill.toml":
        assert "line 4" in msg, msg  # where the unterminated string is
    assert not (out / "lake").exists() or not list((out / "lake").rglob("*.parquet"))


def test_bad_drill_toml_leaves_an_existing_lake_alone(tmp_path: Path) -> None:
    d = drill(tmp_path, **{"task.txt": TASK.read_bytes()})
    out = tmp_path / "out"
    assert cli("ingest", str(d), "--out", str(out)).returncode == 0
    before = rows(query(out, "select * exclude (ingested_at) from ingest_files order by all"))
    (d / "drill.toml").write_text((BAD / "malformed_drill.toml").read_text())
    p = cli("ingest", str(d), "--out", str(out))
    assert p.returncode == 1 and "malformed drill.toml" in p.stderr
    assert rows(query(out, "select * exclude (ingested_at) from ingest_files order by all")) == before


def test_limits_past_the_input_cap(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    """README "Limits", with the caps lowered: a gzip input stops at MAX_INPUT_BYTES decompressed; a
    plain input past it is refused by the parsers that need it whole and streamed by the others."""
    import drillscope.ingest.pipeline as pipeline

    cap = 1 << 20
    monkeypatch.setattr(pipeline, "MAX_INPUT_BYTES", cap)
    monkeypatch.setattr(pipeline, "STREAM_BYTES", cap // 4)
    task = TASK.read_bytes()
    events = b"\n".join(ln for ln in task.split(b"\n") if ln.startswith(b"Task 1234 | ")) + b"\n"
    big_task = b"\n".join(task.split(b"\n")[:4]) + b"\n" + events * (cap // len(events) + 1)
    debug = (FIX / "bosh_debug" / "task_1234_debug.log").read_bytes()
    big_debug = debug * (cap // len(debug) + 1)
    d = lake.drill(
        "lim",
        toml='date = "2019-01-03"\n',
        **{
            "task.txt": big_task,
            "task_1234_debug.log": big_debug,
            "small.txt.gz": gzip.compress(task),
            "big.txt.gz": gzip.compress(big_task),
        },
    )
    res = {r.source_file: r for r in lake.ingest(d)}
    assert res["task.txt"].status == "error"
    assert res["task.txt"].message == "larger than the 1 MiB limit per input read in memory"
    assert (
        res["big.txt.gz"].status == "error"
        and "decompresses past the 1 MiB limit" in res["big.txt.gz"].message
    )
    assert res["task_1234_debug.log"].status == "ok" and res["task_1234_debug.log"].bytes > cap
    assert res["small.txt.gz"].status == "ok"
    got = lake.q("select source_file, status from ingest_files order by 1")
    assert {r["source_file"]: r["status"] for r in got}["task_1234_debug.log"] == "ok"
