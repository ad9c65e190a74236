"""The Parquet lake: `lake/<table>/drill=<id>/<sha256 of the input>.parquet`
(the id percent-encoded where a path cannot hold it, `drillscope.ids`), one file per (table, input).

Writes stream into `*.parquet.tmp` files (bounded memory for big inputs) that are renamed into place
only when the whole input has been parsed, so a crash never leaves a partial `.parquet` behind;
the `ingest_files` row goes last and marks the input as complete. Re-ingesting an input rewrites
exactly its files; a copy under another name has the same sha256, hence the same files.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import threading
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from drillscope import ids
from drillscope.ingest.schema import SCHEMAS, STR, TABLES
from drillscope.transforms.redact import SKIP, redact_lines, redact_table


def table_dir(lake: Path, table: str, drill: str) -> Path:
    return lake / table / f"drill={ids.folder(drill)}"


def drop_legacy_folders(lake: Path, drill: str) -> None:
    """Remove a drill's folders written under the old lossy name (every character outside `[A-Za-z0-9._-]`
    became `_`), so an upgraded lake does not hold the drill twice. Only when the folder's `drills` row is
    this drill: another drill may own that name now."""
    old = f"drill={re.sub(r'[^A-Za-z0-9._-]', '_', drill)}"
    if old == table_dir(lake, "drills", drill).name:
        return
    marker = lake / "drills" / old / "drill.parquet"
    try:
        owner = pq.read_table(marker, columns=["drill"]).column(0).to_pylist()
    except (OSError, pa.ArrowInvalid):
        return
    if owner == [drill]:
        for table_folder in lake.iterdir():
            shutil.rmtree(table_folder / old, ignore_errors=True)


def _dict_columns(table: str) -> list[str]:
    """Dictionary-encode the text columns only: for timestamps and measurements the encoder tries, fills a
    dictionary page and falls back to plain (on 1 M metric rows: 30 % slower and a file 2.4x bigger)."""
    return [
        f.name for f in SCHEMAS[table] if pa.types.is_string(f.type) and (table, f.name) not in _UNIQUE_TEXT
    ]


# Text columns where nearly every value is new (a log line): a dictionary would only be built and dropped.
_UNIQUE_TEXT = {("log_lines", "message"), ("quarantine", "raw")}


class FileSink:
    """Collects one input's rows per table into temp Parquet files; redacts every batch first.

    Redaction, compression and writing run in a thread of their own (polars and pyarrow release the GIL),
    so a big input's next block is parsed while the last one is written; at most `QUEUE` batch waits,
    so memory stays flat. `flush()` waits for them and raises what the writer hit."""

    QUEUE = 1

    def __init__(
        self, lake: Path, drill: str, sha: str, secret_lines: list[tuple[int, int]] | None = None
    ) -> None:
        self.lake = lake
        # line ranges of multi-line secrets: their rows are redacted whole
        self.secret_lines = secret_lines or []
        self.drill = drill
        self.sha = sha
        self.rows: dict[str, int] = {}
        self._redactions = 0
        self.earliest: datetime | None = None  # the earliest and latest instants written: the drill's
        self.latest: datetime | None = None  # dated evidence, where date-less times are placed
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._tmp: dict[str, Path] = {}
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def redactions(self) -> int:
        self.flush()
        return self._redactions

    def write(
        self, table: str, batch: pa.Table, clean: frozenset[str] = frozenset(), redactions: int = 0
    ) -> None:
        """Append a batch; `clean` columns were redacted by the caller (`redact_values`), which counted
        `redactions` marks in them."""
        if batch.num_rows == 0:
            return
        if self._error is not None:
            self.flush()
        if self._thread is None:
            self._queue = queue.Queue(self.QUEUE)
            self._thread = threading.Thread(target=self._run, name=f"sink-{self.sha[:8]}", daemon=True)
            self._thread.start()
        assert self._queue is not None
        self._queue.put((table, batch, clean, redactions))
        self.rows[table] = self.rows.get(table, 0) + batch.num_rows

    def flush(self) -> None:
        """Wait until every batch is written; raise the writer's error, if any."""
        if self._thread is not None:
            assert self._queue is not None
            self._queue.put(None)
            self._thread.join()
            self._thread = self._queue = None
        if self._error is not None:
            e, self._error = self._error, None
            raise e

    def _run(self) -> None:
        assert self._queue is not None
        while (item := self._queue.get()) is not None:
            if self._error is None:  # after an error, drain the queue without writing
                try:
                    self._write(*item)
                except BaseException as e:  # noqa: BLE001 (raised again by flush, in the parser's thread)
                    self._error = e

    def _write(self, table: str, batch: pa.Table, clean: frozenset[str], redactions: int) -> None:
        for col in ("ts", "started_at", "ended_at"):
            if col in batch.column_names and table != "quarantine":
                lo, hi = pc.min_max(batch.column(col)).values()
                lo, hi = lo.as_py(), hi.as_py()
                if lo is not None and (self.earliest is None or lo < self.earliest):
                    self.earliest = lo
                if hi is not None and (self.latest is None or hi > self.latest):
                    self.latest = hi
        for i, f in enumerate(batch.schema):  # a dictionary column must be one redacted already (or never)
            if pa.types.is_dictionary(f.type) and (self.secret_lines or f.name not in clean | SKIP):
                batch = batch.set_column(i, f.with_type(STR), batch.column(i).cast(STR))
        batch, whole = redact_lines(batch, self.secret_lines)
        batch, n = redact_table(batch, clean)
        self._redactions += whole + n + redactions
        w = self._writers.get(table)
        if w is None:
            d = table_dir(self.lake, table, self.drill)
            d.mkdir(parents=True, exist_ok=True)
            tmp = d / f"{self.sha}.parquet.tmp"
            self._tmp[table] = tmp
            # dictionary columns (one dictionary for the whole input, from the parser) are written as they
            # are: no hashing of every row's text (5 M Healthwatch metric rows: 1.4 -> 0.9 CPU s); the file
            # then stores no Arrow schema, so it reads back with plain strings like the others
            plain = not any(pa.types.is_dictionary(t) for t in batch.schema.types)
            w = self._writers[table] = pq.ParquetWriter(
                tmp,
                SCHEMAS[table] if plain else batch.schema,
                compression="zstd",
                use_dictionary=_dict_columns(table),
                store_schema=plain,
            )
        if batch.schema != w.schema:
            batch = batch.cast(w.schema)
        w.write_table(batch)

    def abort(self) -> None:
        try:
            self.flush()
        except Exception:  # noqa: BLE001 (the files are dropped anyway)
            pass
        for w in self._writers.values():
            w.close()
        for tmp in self._tmp.values():
            tmp.unlink(missing_ok=True)
        self._writers.clear()
        self._tmp.clear()
        self.rows.clear()

    def commit(self, ingest_row: dict) -> None:
        """Rename the temp files into place, drop this input's stale files in other tables, then
        write its ingest_files row (the commit marker)."""
        self.flush()
        for w in self._writers.values():
            w.close()
        for table in TABLES:
            if table == "ingest_files":
                continue
            final = table_dir(self.lake, table, self.drill) / f"{self.sha}.parquet"
            tmp = self._tmp.get(table)
            if tmp is not None:
                os.replace(tmp, final)
            else:
                final.unlink(missing_ok=True)  # an earlier parse had rows here; this one has none
        write_atomic(self.lake, "ingest_files", self.drill, self.sha, [ingest_row])


def write_atomic(lake: Path, table: str, drill: str, name: str, rows: list[dict]) -> None:
    d = table_dir(lake, table, drill)
    d.mkdir(parents=True, exist_ok=True)
    tmp = d / f"{name}.parquet.tmp"
    batch, _ = redact_table(pa.Table.from_pylist(rows, schema=SCHEMAS[table]))  # drills.config, messages
    pq.write_table(batch, tmp, compression="zstd")
    os.replace(tmp, d / f"{name}.parquet")


def remove_input(lake: Path, drill: str, sha: str) -> None:
    """Remove every file of one input (used when a source_file now has other content)."""
    for table in TABLES:
        (table_dir(lake, table, drill) / f"{sha}.parquet").unlink(missing_ok=True)


def known_inputs(lake: Path, drill: str) -> dict[str, str]:
    """source_file -> sha256 of what the lake holds for a drill (from its ingest_files rows)."""
    d = table_dir(lake, "ingest_files", drill)
    if not d.exists():
        return {}
    out: dict[str, str] = {}
    for f in d.glob("*.parquet"):
        try:
            t = pq.read_table(f, columns=["source_file", "sha256", "also_seen_as"])
        except (pa.ArrowInvalid, OSError):
            f.unlink(missing_ok=True)  # unreadable marker: the input will simply be ingested again
            continue
        for row in t.to_pylist():
            if not row["sha256"]:  # an input that could not be read: nothing of it is in the lake
                continue
            out[row["source_file"]] = row["sha256"]
            for other in filter(None, (row["also_seen_as"] or "").split("\n")):
                out[other] = row["sha256"]
    return out


def clean_temp(lake: Path) -> int:
    """Delete temp files left by an interrupted run."""
    n = 0
    if lake.exists():
        for tmp in lake.rglob("*.parquet.tmp"):
            tmp.unlink(missing_ok=True)
            n += 1
    return n
