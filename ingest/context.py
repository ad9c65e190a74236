"""What a parser knows about its input: the drill (drill.toml), the file, and where its rows go.

A parser never reads global state: everything comes through `FileContext`, which also stamps every
row with `drill`, `source_file` and `source_type`, and counts lines for the conservation check
(`lines = parsed + quarantined + ignorable`).
"""

from __future__ import annotations

import re
import struct
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from drillscope.errors import InputError
from drillscope.ingest import drill_toml
from drillscope.ingest.schema import SCHEMAS
from drillscope.ingest.signals import Signal, parse_signals
from drillscope.ingest.wallclock import WallClock

# A line (or a multi-line record) longer than this stops a streamed input: one line is held whole, and a
# file that is one 2 GiB line would take tens of GiB as Python objects.
MAX_LINE_BYTES = 128 << 20


@dataclass
class DrillConfig:
    """A drill folder's `drill.toml` (CONTRACT §1), with its defaults applied."""

    id: str
    root: Path
    name: str | None = None
    foundation: str | None = None
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    director_timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    fault: str | None = None
    az: str | None = None
    date: date | None = None
    injected_at: datetime | None = None
    recovered_at: datetime | None = None
    kind: str = "drill"  # drill | monitoring
    has_toml: bool = False
    signals: tuple[Signal, ...] = ()  # `[[signals]]`: metric series that observe a capability
    date_given: bool = False  # `date` is drill.toml's own (it overrides the evidence for date-less times)
    evidence: tuple[datetime, datetime] | None = None  # span of the dated rows, once the ingest has read them
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> DrillConfig:
        """Read `root/drill.toml` if present; a bad file is an InputError naming the file and key."""
        path = root / "drill.toml"
        if not path.exists():
            return cls(id=root.name, root=root)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise InputError(f"{path}: malformed drill.toml: {e}") from None
        drill_toml.validate(path, raw)
        cfg = cls(id=str(raw.get("id") or root.name), root=root, raw=raw, has_toml=True)
        cfg.name = raw.get("name")
        cfg.foundation = raw.get("foundation")
        cfg.fault = raw.get("fault")
        cfg.az = raw.get("az")
        cfg.kind = str(raw.get("kind", "drill"))
        cfg.timezone = _zone(path, "timezone", raw.get("timezone", "UTC"))
        cfg.director_timezone = _zone(path, "director_timezone", raw.get("director_timezone", "UTC"))
        cfg.signals = parse_signals(path, raw.get("signals"))
        for key in ("injected_at", "recovered_at"):
            if key in raw:
                setattr(cfg, key, _instant(path, key, raw[key], cfg.timezone))
        if "date" in raw:
            d = raw["date"]
            if isinstance(d, datetime):
                d = d.date()
            elif isinstance(d, str):
                try:
                    d = date.fromisoformat(d)
                except ValueError:
                    raise InputError(f"{path}: date = {d!r} is not YYYY-MM-DD") from None
            if not isinstance(d, date):
                raise InputError(f"{path}: date = {d!r} is not YYYY-MM-DD")
            cfg.date, cfg.date_given = d, True
        elif cfg.injected_at is not None:
            cfg.date = cfg.injected_at.astimezone(cfg.timezone).date()
        if cfg.injected_at and cfg.recovered_at and cfg.recovered_at <= cfg.injected_at:
            raise InputError(f"{path}: recovered_at = {raw['recovered_at']!r} is not after injected_at")
        return cfg


def _zone(path: Path, key: str, name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"{path}: unknown time zone {key} = {name!r} (use an IANA name such as Asia/Seoul)"
        ) from None


def _instant(path: Path, key: str, value: object, tz: ZoneInfo) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InputError(f"{path}: {key} = {value!r} is not an ISO-8601 time") from None
    if not isinstance(value, datetime):
        raise InputError(f"{path}: {key} = {value!r} is not an ISO-8601 time")
    if value.tzinfo is None:  # a wall-clock time is read in the drill's zone
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


class FileContext:
    """One input file being parsed: its bytes, its drill, and the sink for its rows.

    Small inputs arrive as bytes (`data`). A large one arrives as a `stream` (a callable returning an
    iterator of decompressed byte chunks) and is never held whole unless a parser asks for `data`,
    `text` or `lines`: parsers that stream read it with `blocks(size)` instead, so memory stays flat.
    """

    def __init__(
        self,
        drill: DrillConfig,
        source_file: str,
        path: Path,
        data: bytes | None,
        sink: Any,
        stream: Callable[[], Iterator[bytes]] | None = None,
        load: Callable[[], bytes] | None = None,
    ) -> None:
        self.drill = drill
        self.source_file = source_file
        self.path = path
        self._data = data
        self._stream = stream
        self._load = load
        self.source_type = ""
        self._sink = sink
        self._text: str | None = None
        self._lines: list[str] | None = None
        self.parsed_lines = 0
        self.ignorable_lines = 0
        self.quarantined_lines = 0
        self.encoding = "utf-8"
        self.notes: list[str] = []  # warnings for the ingest_files message (e.g. "decoded as cp949")
        self.line_offset = 0  # while iterating `blocks()`: physical lines before the current block
        self.last_block = False  # while iterating `blocks()`: the current block ends the file
        self.block_lines = 0  # while iterating `blocks()`: physical lines in the current block
        self.on_block: Callable[[int], None] | None = None  # told the size of each block once it is parsed
        self.clock = WallClock(
            zone=drill.timezone,
            date=drill.date if drill.date_given else None,
            evidence=drill.evidence,
            anchor=drill.injected_at,
        )  # the one wall clock: zones, `date` lines, where date-less times go

    # -- reading ---------------------------------------------------------------------------------
    @property
    def data(self) -> bytes:
        """The whole input in memory (read on first use when it came as a stream)."""
        if self._data is None:
            if self._load is not None:
                self._data = self._load()
            else:
                assert self._stream is not None
                self._data = b"".join(self._stream())
        return self._data

    def head(self, size: int = 16384) -> str:
        """The decoded start of the input (up to `size` bytes), without reading a large file whole."""
        if self._data is not None or self._stream is None:
            raw = self.data[:size]
        else:
            raw = b""
            for chunk in self._stream():
                raw += chunk[: size - len(raw)]
                if len(raw) >= size:
                    break
        return decode(raw)[0]

    @property
    def has_secret_lines(self) -> bool:
        """Whether the input holds multi-line secrets: the sink blanks their rows whole, so a parser that
        redacts a column itself (`clean`) must leave it to the sink, or a secret would count twice."""
        return bool(getattr(self._sink, "secret_lines", None))

    @property
    def streamed(self) -> bool:
        """True when the input is not in memory (a large file): prefer `blocks()` over `data`."""
        return self._data is None

    def blocks(self, size: int, cut: re.Pattern[bytes] | None = None) -> Iterator[bytes]:
        """The input as byte blocks of `size` bytes or a little more (up to the end of the last line in the
        chunks read so far), each ending at a line end (the last one at the end of the file, with or without
        a newline); a UTF-8 BOM at the start is dropped.

        `cut` (a pattern matching the `\\n` before a record head) cuts at the first record head past
        `size` instead of the last line end, so a multi-line record never spans two blocks.
        While iterating, `line_offset` is the number of physical lines before the block, `block_lines`
        the number in it, and `last_block` says whether it is the last one. Works the same on bytes in
        memory and on a stream, so a parser written on blocks has one code path.
        """
        self.line_offset, self.last_block = 0, False
        pending: bytes | None = None  # held back one step: the last block must be known as such
        parts: list[bytes] = []
        n = 0
        first = True
        for chunk in self._chunks(size):
            if first and chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
            first = False
            parts.append(chunk)
            n += len(chunk)
            while n > size:
                if cut is None and (i := parts[-1].rfind(b"\n")) >= 0:
                    # the last line end is in the newest chunk: one copy of the block instead of three
                    if pending is not None:
                        yield from self._yield(pending, last=False)
                    last = parts[-1]
                    pending = b"".join([*parts[:-1], last[: i + 1]])
                    parts = [last[i + 1 :]]
                    n = len(parts[0])
                    break
                if cut is not None and len(parts) > 1 and n - len(parts[-1]) <= size:
                    # the first cut point past `size` lies in the newest chunk (`size` falls in it): search
                    # there, so the block is copied once, not joined, copied and sliced again
                    last = parts[-1]
                    m = cut.search(last, size - (n - len(last)))
                    if m is not None:
                        if pending is not None:
                            yield from self._yield(pending, last=False)
                        pending = b"".join([*parts[:-1], last[: m.start() + 1]])
                        parts = [last[m.start() + 1 :]]
                        n = len(parts[0])
                        continue
                buf = b"".join(parts) if len(parts) > 1 else parts[0]
                end = _cut_at(buf, size, cut)
                if end < 0:  # no cut point past `size` yet: read on
                    parts = [buf]
                    break
                if pending is not None:
                    yield from self._yield(pending, last=False)
                pending, rest = buf[:end], buf[end:]
                parts, n = [rest], len(rest)
            if n > size + MAX_LINE_BYTES:  # what is held back has no cut point: one line that long
                what = "a line end or record head" if cut is not None else "a line end"
                raise InputError(f"a line runs past {MAX_LINE_BYTES >> 20} MiB without {what}")
        rest = b"".join(parts)
        if rest:
            if pending is not None:
                yield from self._yield(pending, last=False)
            pending = rest
        if pending is not None:
            yield from self._yield(pending, last=True)

    def _yield(self, block: bytes, last: bool) -> Iterator[bytes]:
        self.last_block = last
        self.block_lines = _newlines(block) + (0 if block.endswith(b"\n") else 1)
        yield block
        self.line_offset += self.block_lines
        if self.on_block is not None:
            self.on_block(len(block))

    def _chunks(self, size: int) -> Iterator[bytes]:
        if self._stream is None or self._data is not None:
            data = self.data
            step = max(size, 1 << 20)
            for i in range(0, len(data), step):
                yield data[i : i + step]
            return
        yield from self._stream()

    @property
    def text(self) -> str:
        """The file decoded: UTF-8 (BOM dropped), else CP949 (a superset of EUC-KR), else Latin-1."""
        if self._text is None:
            self._text, self.encoding = decode(self.data)
            if self.encoding != "utf-8":
                self.notes.append(f"decoded as {self.encoding}")
        return self._text

    @property
    def lines(self) -> list[str]:
        """Physical lines without their terminator (`\\n`, `\\r\\n`); line N is `lines[N-1]`."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    # -- writing ---------------------------------------------------------------------------------
    def emit(
        self,
        table: str,
        rows: list[dict[str, Any]] | pa.Table,
        clean: frozenset[str] = frozenset(),
        redactions: int = 0,
    ) -> None:
        """Send rows to a lake table; `drill`, `source_file`, `source_type` are filled in here. Every text
        column is redacted on the way, except `clean` ones the parser built from `redact_values` output
        (it then passes the `redactions` it counted)."""
        self._sink.write(table, self._stamp(table, rows), clean, redactions)

    def quarantine(self, line: int, reason: str, raw: str) -> None:
        """A line no parser could read: kept with its reason, counted once."""
        self.quarantined_lines += 1
        self._sink.write(
            "quarantine", self._stamp("quarantine", [{"source_line": line, "reason": reason, "raw": raw}])
        )

    def quarantine_many(self, items: Iterable[tuple[int, str, str]]) -> None:
        rows = [{"source_line": n, "reason": r, "raw": raw} for n, r, raw in items]
        if rows:
            self.quarantined_lines += len(rows)
            self._sink.write("quarantine", self._stamp("quarantine", rows))

    def count(self, parsed: int = 0, ignorable: int = 0) -> None:
        self.parsed_lines += parsed
        self.ignorable_lines += ignorable

    def line_time(self, n: int) -> datetime | None:
        """The instant a line prefix (CI log, `ts`) taken off by the unwrapping layer printed on line n;
        None for a plain file."""
        return None

    def _stamp(self, table: str, rows: list[dict[str, Any]] | pa.Table) -> pa.Table:
        schema = SCHEMAS[table]
        if isinstance(rows, pa.Table):
            n = rows.num_rows
            stamp = {"drill": self.drill.id, "source_file": self.source_file, "source_type": self.source_type}
            # dictionary columns (a few distinct texts on many rows) go to the sink as they are, which writes
            # them without hashing every row; the stamps come as dictionaries of one value beside them
            dicts = any(pa.types.is_dictionary(t) for t in rows.schema.types)
            zeros = pa.repeat(pa.scalar(0, pa.int32()), n) if dicts else None
            cols = {}
            for f in schema:  # pa.repeat: no Python list of n strings per batch
                if f.name in stamp and zeros is not None:
                    cols[f.name] = pa.DictionaryArray.from_arrays(zeros, pa.array([stamp[f.name]], f.type))
                elif f.name in stamp:
                    cols[f.name] = pa.repeat(pa.scalar(stamp[f.name], f.type), n)
                elif f.name in rows.column_names:
                    col = rows.column(f.name)
                    keep = pa.types.is_dictionary(col.type) and col.type.value_type == f.type
                    cols[f.name] = col if keep else col.cast(f.type)
                else:
                    cols[f.name] = pa.nulls(n, f.type)
            if dicts:
                schema = pa.schema([f.with_type(cols[f.name].type) for f in schema], metadata=schema.metadata)
            return pa.table(cols, schema=schema)
        stamp = {"drill": self.drill.id, "source_file": self.source_file, "source_type": self.source_type}
        unknown = {k for r in rows for k in r} - set(schema.names)
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        return pa.Table.from_pylist([{**r, **stamp} for r in rows], schema=schema)


def _newlines(block: bytes) -> int:
    """`block.count(b"\\n")`; a big block is counted by Arrow (splitting it), which releases the GIL (and
    is about twice as fast), so a parser's threads are not held up while the next block is counted."""
    if len(block) < 1 << 20:
        return block.count(b"\n")
    import pyarrow.compute as pc

    whole = pa.Array.from_buffers(
        pa.large_binary(), 1, [None, pa.py_buffer(struct.pack("<qq", 0, len(block))), pa.py_buffer(block)]
    )
    return len(pc.split_pattern(whole, b"\n").values) - 1


def _cut_at(buf: bytes, size: int, cut: re.Pattern[bytes] | None) -> int:
    """Where to end a block taken from the front of `buf`: after a line end, -1 when there is none."""
    if cut is None:
        i = buf.rfind(b"\n")
        return i + 1 if i >= 0 else -1
    m = cut.search(buf, size)
    return m.start() + 1 if m else -1


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "utf-8 (invalid bytes replaced)"


def split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
