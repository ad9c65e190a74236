"""How much of the inputs drillscope read: the coverage line `run` and `ingest` end with, and what
`--strict` refuses (an unrecognized file, a quarantined line)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class _Result(Protocol):
    source_file: str
    status: str
    lines: int
    quarantined: int
    unrecognized_lines: int


def coverage_line(results: Sequence[_Result]) -> str:
    """`8 files: 7 read, 1 unrecognized (864 lines); 3 lines quarantined`."""
    read = [r for r in results if r.status in ("ok", "partial")]
    unrec = [r for r in results if r.status == "unrecognized"]
    parts = [f"{len(read)} read", f"{len(unrec)} unrecognized ({sum(r.lines for r in unrec)} lines)"]
    for status in ("error", "duplicate", "skipped"):
        if n := sum(1 for r in results if r.status == status):
            parts.append(f"{n} {status}")
    line = f"{len(results)} file{'s' if len(results) != 1 else ''}: " + ", ".join(parts)
    extra = []
    if q := sum(r.quarantined for r in read):
        extra.append(f"{q} line{'s' if q != 1 else ''} quarantined")
    if u := sum(r.unrecognized_lines for r in read):
        extra.append(f"{u} line{'s' if u != 1 else ''} of read files in parts no parser reads")
    return line + ("; " + ", ".join(extra) if extra else "")


def strict_failures(results: Sequence[_Result]) -> list[str]:
    """What `--strict` refuses: every unrecognized file and every file with quarantined lines."""
    out = [f"{r.source_file}: unrecognized ({r.lines} lines)" for r in results if r.status == "unrecognized"]
    out += [f"{r.source_file}: {r.quarantined} line(s) quarantined" for r in results if r.quarantined]
    return out
