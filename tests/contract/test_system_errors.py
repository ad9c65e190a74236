"""System errors are one plain line (CONTRACT §2): a file where --out should be, an unwritable --out, a full
disk; a missing input creates nothing; a file that changes while it is read keeps none of its rows; a killed
report's temp folder does not outlive the next report."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from drillscope.errors import system_error
from drillscope.ingest import pipeline
from drillscope.reports.render import write_report
from tests.conftest import Lake
from tests.contract.test_bad_input import TASK, cli


def one_line_error(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr, p.stderr
    msg = p.stderr.strip()
    assert len(msg.splitlines()) == 1 and msg.startswith("error: "), msg
    return msg


def test_out_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    msg = one_line_error(cli("ingest", str(TASK), "--out", str(tmp_path / "out")))
    assert msg == f"error: {tmp_path / 'out'}: --out is a file; it must be a folder (created when missing)"
    msg = one_line_error(cli("ingest", str(TASK), "--out", str(tmp_path / "out" / "sub")))
    assert msg == f"error: {tmp_path / 'out' / 'sub'}: a path in it is a file, not a folder"


def test_missing_input_creates_no_out(tmp_path: Path) -> None:
    msg = one_line_error(cli("run", str(tmp_path / "nope"), "--out", str(tmp_path / "out")))
    assert msg == f"error: {tmp_path / 'nope'}: no such file or folder"
    assert not (tmp_path / "out").exists()


def test_full_disk_is_one_line(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.ingest(
        lake.drill("d", toml='date = "2019-01-03"\n', **{"task.txt": TASK.read_text(encoding="utf-8")})
    )
    # /dev/full: every write fails with ENOSPC, as on a full disk
    msg = one_line_error(
        cli("sql", "select 1 as x", "-f", "csv", "--output", "/dev/full", "--out", str(lake.out))
    )
    assert "no space left on the device" in msg, msg


@pytest.mark.parametrize(
    ("err", "text"),
    [
        (
            OSError(errno.EROFS, "Read-only file system", "/mnt/ro/out"),
            "/mnt/ro/out: read-only file system; choose another --out",
        ),
        (
            OSError(errno.EACCES, "Permission denied", "/srv/out/.drillscope.lock"),
            "/srv/out/.drillscope.lock: permission denied",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device"),
            "no space left on the device; free some and run again",
        ),
    ],
)
def test_system_error_messages(err: OSError, text: str) -> None:
    assert system_error(err).startswith(text)


def test_file_changing_while_read_keeps_no_rows(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    """The capture is appended to between the first pass and the parse (an operator's `tee` still running)."""
    d = lake.drill("d", toml='date = "2019-01-03"\n', **{"task.txt": TASK.read_text(encoding="utf-8")})
    real = pipeline.scan_input

    def scan_then_append(path: Path) -> pipeline.Scan:
        sc = real(path)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("Task 1234 | 10:59:59 | Updating instance router: still writing\n")
        return sc

    monkeypatch.setattr(pipeline, "scan_input", scan_then_append)
    (r,) = lake.ingest(d)
    assert r.status == "error" and r.message == pipeline.CHANGED
    assert lake.q("select status, message from ingest_files") == [
        {"status": "error", "message": pipeline.CHANGED}
    ]
    assert lake.one("select count(*) from bosh_tasks") == 0 and lake.one("select count(*) from events") == 0


def test_stale_report_temp_folders_are_removed(lake: Lake) -> None:
    lake.ingest(
        lake.drill("d", toml='date = "2019-01-03"\n', **{"task.txt": TASK.read_text(encoding="utf-8")})
    )
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = lake.out / f"report.tmp-{dead.pid}"
    (stale / "d").mkdir(parents=True)
    live = lake.out / f"report.tmp-{os.getppid()}"  # a report still being written by a live process
    live.mkdir()
    write_report(lake.out)
    assert not stale.exists() and live.exists()
