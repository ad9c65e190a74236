"""Where the CPU of a director debug log's ingest goes: each stage of `bosh_debug` run one after another in
this one thread, timed in CPU seconds (run it with `POLARS_MAX_THREADS=1` so polars' own pool does not hide
work in other threads).

    POLARS_MAX_THREADS=1 .venv/bin/python bench/profile_bosh.py /path/to/task_debug.log

Stages: the first pass (`scan_input`: sha256, lines, multi-line secrets), reading and cutting blocks at
record heads (with their line count), the stateless part of a block (`_prepare`: line split, head fields,
records, redaction), the stateful part (`_block`: tasks, events, log_lines handed to the sink) and the sink's
redaction and Parquet writing. Not part of the unit tests; the stages are the parser's private functions.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drillscope.ingest import context, lake, pipeline
from drillscope.ingest.parsers import bosh_debug as b

T: Counter[str] = Counter()


def timed(stage: str, f: Callable[..., Any], *args: Any) -> Any:
    c = time.process_time()
    out = f(*args)
    T[stage] += time.process_time() - c
    return out


class _Collect:
    secret_lines: list[tuple[int, int]] = []

    def __init__(self) -> None:
        self.batches: list[tuple] = []

    def write(self, *batch: Any) -> None:
        self.batches.append(batch)


def main(path: Path) -> None:
    timed("first pass (scan_input)", pipeline.scan_input, path)
    sink = _Collect()
    cfg = context.DrillConfig(id="profile", root=path.parent)
    ctx = context.FileContext(
        cfg, path.name, path, None, sink, stream=lambda: pipeline.iter_input(path, pipeline.STREAM_CHUNK)
    )
    ctx.source_type = b.NAME
    st = b._State()
    blocks = ctx.blocks(b.BLOCK_BYTES, cut=b._CUT)
    while (block := timed("read blocks, cut at heads, count lines", next, blocks, None)) is not None:
        n, line0, last, cr = ctx.block_lines, ctx.line_offset, ctx.last_block, b"\r" in block
        s, replaced = timed("prepare: split lines", b._split, block, n)
        head, fields = timed("prepare: heads and their fields", b._heads, s)
        hidx = head.arg_true()
        recs, marks = None, 0
        if len(hidx):
            stage = "prepare: records (text, instant, task, cand)"
            recs = timed(stage, b._records, s, head, hidx, fields, len(s), line0, "UTC", cr)
            recs, marks = timed("prepare: redaction of text and thread", b._redacted, recs, True)
        truncated = not block.endswith(b"\n")
        p = b._Prep(
            s, head, hidx, line0, last, truncated, replaced, recs, marks, fields if last else None, cr
        )
        timed("block: tasks, events, log_lines to Arrow", b._block, ctx, st, p)
    b._emit_tasks(ctx, st)
    out = Path(tempfile.mkdtemp(prefix="profile_bosh_"))
    try:
        fs = lake.FileSink(out, "profile", "sha")
        for table, batch, clean, k in sink.batches:
            stage = "sink: redaction, Parquet (log_lines)" if table == "log_lines" else "sink: other tables"
            timed(stage, fs._write, table, batch, clean, k)
        for w in fs._writers.values():
            w.close()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    total = sum(T.values())
    for stage, cpu in T.items():
        print(f"{cpu:7.3f} CPU s  {cpu / total * 100:5.1f} %  {stage}")
    print(f"{total:7.3f} CPU s  total ({path.stat().st_size / 2**20:.0f} MiB, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
