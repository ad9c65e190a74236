"""Padded cf tables (`cf apps`, `cf app`, `cf events`) are cut at their header's column offsets: a
column name may hold spaces, so runs of spaces alone cannot split a row."""

from __future__ import annotations

import re

HEADER_COL = re.compile(r"\S+(?: \S+)*")


def columns(header: str) -> list[tuple[str, int]]:
    """The header's column names and their offsets."""
    return [(m.group(0), m.start()) for m in HEADER_COL.finditer(header)]


def cells(line: str, cols: list[tuple[str, int]]) -> dict[str, str]:
    """Cut a padded table row at its header's column offsets (names may hold spaces)."""
    out: dict[str, str] = {}
    for i, (name, start) in enumerate(cols):
        end = cols[i + 1][1] if i + 1 < len(cols) else None
        out[name] = line[start:end].strip() if start < len(line) else ""
    return out
