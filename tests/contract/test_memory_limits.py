"""Hostile input cannot drive memory up (README "Limits"): an input a parser reads whole is refused past
MAX_WHOLE_BYTES (a gzip bomb of note lines, a notes file whose last line is huge), and a streamed input
stops at a line longer than MAX_LINE_BYTES. The limits are lowered in the CLI process, so the test writes
megabytes, not gigabytes; the child's peak RSS shows nothing was held."""

from __future__ import annotations

import gzip
import os
import resource
import subprocess
import sys
from pathlib import Path

from drillscope.output import rows
from drillscope.query import query
from tests.contract.test_bad_input import REPO, check_out

CF_LOGS = Path(__file__).parents[1] / "fixtures" / "cf" / "cf_logs_recent.txt"
MIB = 1 << 20


def cli_with_limits(*args: str) -> subprocess.CompletedProcess:
    boot = (
        "import sys, drillscope.ingest.pipeline as p, drillscope.ingest.context as c, "
        "drillscope.ingest.parsers.cf.log_lines as l; "
        f"p.MAX_WHOLE_BYTES = {MIB}; p.STREAM_BYTES = {MIB // 4}; c.MAX_LINE_BYTES = {MIB}; l.BLOCK_BYTES = {MIB // 4}; "
        "from drillscope.cli import main; sys.argv[0] = 'drillscope'; main()"
    )
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-c", boot, *args], capture_output=True, text=True, timeout=300, cwd=REPO, env=env
    )


def test_bombs_and_long_lines_are_refused(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "drill.toml").write_text('date = "2019-01-03"\ntimezone = "Asia/Seoul"\n', encoding="utf-8")
    notes = b"".join(b"- 10:%02d power off server %d\n" % (i % 60, i) for i in range(200_000))  # 6 MiB
    (d / "notes.md.gz").write_bytes(gzip.compress(notes))
    (d / "long.md").write_bytes(b"- 10:25 power off\n- 10:26 check\n- 10:27 " + b"x" * (3 * MIB) + b"\n")
    (d / "logs.txt").write_bytes(CF_LOGS.read_bytes() + b"x" * (3 * MIB))
    (d / "ok.md").write_bytes(b"- 10:25 power off\n- 10:50 power on\n")
    out = tmp_path / "out"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = cli_with_limits("ingest", str(d), "--out", str(out))
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    got = check_out(p, out)
    assert p.returncode == 1
    assert got["notes.md.gz"]["status"] == "error"
    assert (
        got["notes.md.gz"]["message"]
        == "decompresses past the 1 MiB limit per input read in memory (gzip bomb?)"
    )
    assert got["long.md"]["status"] == "error"
    assert got["long.md"]["message"] == "larger than the 1 MiB limit per input read in memory"
    assert got["logs.txt"]["status"] == "error"
    assert got["logs.txt"]["message"] == "a line runs past 1 MiB without a line end"
    assert got["ok.md"]["status"] == "ok"
    n = rows(query(out, "select count(*) as n from events where source_file <> 'ok.md'"))[0]["n"]
    assert n == 0  # nothing of a refused input is kept
    # a forked child starts from this process's high-water mark (Linux keeps it across exec), so the figure is the
    # child's own only when it is above that too (after a test that held a big lake in memory, it is not)
    own = before < peak_mib * 1024 and resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < peak_mib * 1024
    if own:  # this child set the peak: a 6 MiB bomb must not cost more than the run itself
        assert peak_mib < 1024, peak_mib
