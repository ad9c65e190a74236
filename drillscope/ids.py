"""Drill ids as folder names: one reversible encoding for the lake (`drill=<folder>`) and the report.

Ids stay exact: a character that a path or a partition folder cannot hold (`/`, `%`, `=`, `:`, quotes,
control characters …) becomes `%XX`, and a leading `.` becomes `%2E` (no `.`/`..`, no hidden folder).
Everything else, spaces and Hangul included, is kept as is, so `drill 1` and `drill_1` are two folders.
The escaped set is the one Spark's partition discovery unescapes, so Spark reads the same id back.
"""

from __future__ import annotations

from urllib.parse import unquote

_ESCAPE = frozenset("\"#%'*/:=?\\{}[]^<>|") | frozenset(map(chr, [*range(0x20), 0x7F]))


def folder(drill: str) -> str:
    """The folder name of a drill id (reversible with `drill_of`)."""
    name = "".join(f"%{ord(c):02X}" if c in _ESCAPE else c for c in drill)
    return "%2E" + name[1:] if name.startswith(".") else name


def drill_of(name: str) -> str:
    """The drill id of a folder name written by `folder`."""
    return unquote(name)
