"""The CLI layer: every command documents itself with an example; errors are one line; one writer per --out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drillscope.cli import app
from drillscope.lock import out_lock

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drillscope.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    res = runner.invoke(app, [command, "--help"], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "Example" in res.output, f"`drillscope {command} --help` shows no example"
    # explain reads one file and writes nothing: no --out
    assert "--out" in res.output or command in ("export", "explain"), f"`drillscope {command}` lacks --out"


def test_commands_of_the_contract_exist() -> None:
    assert {"ingest", "build", "run", "sql"} <= set(COMMANDS)


def test_second_writer_stops_with_a_clear_message(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "x.txt").write_text("hello\n")
    with out_lock(tmp_path / "out"):
        p = _cli("ingest", str(d), "--out", str(tmp_path / "out"))
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert "another drillscope" in p.stderr and "is writing here" in p.stderr
    # once released, the same command works
    assert _cli("ingest", str(d), "--out", str(tmp_path / "out")).returncode == 0


def test_sql_is_read_only(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "x.txt").write_text("hello\n")
    assert _cli("ingest", str(d), "--out", str(tmp_path / "o")).returncode == 0
    p = _cli("sql", "drop table ingest_files", "--out", str(tmp_path / "o"))
    assert p.returncode == 1 and "read-only" in p.stderr and "Traceback" not in p.stderr
    p = _cli(
        "sql", "select count(*) as n from ingest_files", "--out", str(tmp_path / "o"), "--format", "json"
    )
    assert p.returncode == 0 and '"n": 1' in p.stdout


def test_missing_input_is_one_line(tmp_path: Path) -> None:
    p = _cli("ingest", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert p.returncode == 1
    assert p.stderr.strip() == f"error: {tmp_path / 'nope'}: no such file or folder"


def test_version_and_short_help() -> None:
    from drillscope import __version__

    p = _cli("--version")
    assert p.returncode == 0 and p.stdout.strip() == f"drillscope {__version__}"
    for args in (["-h"], ["run", "-h"], ["quarterly", "-h"]):
        short, long = _cli(*args), _cli(*args[:-1], "--help")
        assert short.returncode == 0 and short.stdout == long.stdout and "Usage: " in short.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_flags_show_no_type_hint(command: str) -> None:
    """A flag takes no value: its help line shows no `<bool>` (typer prints one by default)."""
    res = runner.invoke(app, [command, "--help"], terminal_width=200)
    assert "<bool>" not in res.output
    assert "<bool>" not in runner.invoke(app, ["--help"], terminal_width=200).output
