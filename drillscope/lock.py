"""One writer per output folder: `OUT/.drillscope.lock` (an flock), so two runs never interleave writes."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from drillscope.errors import DrillscopeError

_held: dict[Path, int] = {}  # folders this process holds, with their nesting depth


@contextmanager
def out_lock(out: Path, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the output folder's lock; waits up to `wait_s`, then stops with a clear message.

    Re-entrant within one process, so a command holds it once across all its steps (ingest, build, report)
    and no other writer slips in between them."""
    key = out.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    if out.exists() and not out.is_dir():
        raise DrillscopeError(f"{out}: --out is a file; it must be a folder (created when missing)")
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".drillscope.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                    raise DrillscopeError(
                        f"{out}: another drillscope (pid {holder}) is writing here; wait for it to end or use another --out"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        _held[key] = 1
        try:
            yield
        finally:
            _held.pop(key, None)
    finally:
        os.close(fd)  # closing releases the flock
