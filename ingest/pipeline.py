"""Ingest: find the drills and files under the inputs, recognize each file by content, parse it into
the lake, and account for every line. The CLI's `ingest` is a thin layer over `ingest_inputs`."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import uuid
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from drillscope.errors import InputError, NeedDate
from drillscope.ingest import lake, source_text
from drillscope.ingest.context import DrillConfig, FileContext, decode
from drillscope.ingest.registry import PROBE_BYTES, detect
from drillscope.ingest.segments import Segment, SegmentContext, cut, same_reader, segment_rows
from drillscope.ingest.unwrap import Unwrapped, decode_input, unwrap
from drillscope.ingest.wallclock import read_date
from drillscope.transforms.redact import SecretLines

# Limits (README "Limits"): past them a file is reported as `error`, never read half-way.
MAX_INPUT_BYTES = 4 * 1024**3  # decompressed size of one input
# An input a parser needs whole in memory (notes, cf CLI, bosh task consoles, mail, JSON): Python strings and
# lists of its lines take 15-25 times its size, so 256 MiB stays under ~6 GiB. Larger ones are refused with a
# clear message; the streaming parsers (bosh_debug, cf_logs, Healthwatch CSV) are not bound by it.
MAX_WHOLE_BYTES = 256 << 20
GZIP_MAGIC = b"\x1f\x8b"
# Inputs up to this size are kept in memory after the first pass (read once); larger ones are read
# again in blocks by the parsers that stream (bosh_debug, cf_logs, healthwatch CSV), so memory stays
# flat. A parser that needs the whole input still gets it through `ctx.data` (MAX_INPUT_BYTES applies).
STREAM_BYTES = 64 << 20
# chunks of a streamed input: a block is joined from them once, and the part of the last one left over
# is small to copy
STREAM_CHUNK = 1 << 20
CHUNK_BYTES = 8 << 20


@dataclass
class FileResult:
    drill: str
    source_file: str
    source_type: str
    sha256: str = ""
    bytes: int = 0
    lines: int = 0
    parsed_lines: int = 0
    quarantined: int = 0
    ignorable: int = 0
    rows: int = 0
    redactions: int = 0
    status: str = "ok"
    message: str = ""
    also_seen_as: list[str] = field(default_factory=list)
    unrecognized_lines: int = 0  # lines no parser reads: the whole file when unrecognized, else its parts

    def ingest_row(self) -> dict:
        return {
            "drill": self.drill,
            "source_file": self.source_file,
            "source_type": self.source_type,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "lines": self.lines,
            "parsed_lines": self.parsed_lines,
            "quarantined": self.quarantined,
            "ignorable": self.ignorable,
            "rows": self.rows,
            "redactions": self.redactions,
            "status": self.status,
            "message": self.message or None,
            "also_seen_as": "\n".join(self.also_seen_as) or None,
            "ingested_at": datetime.now(UTC),
        }


@dataclass
class Drill:
    config: DrillConfig
    files: list[tuple[Path, str]]  # (path on disk, path relative to the drill folder)
    skipped: dict[str, str] = field(default_factory=dict)  # relative path -> why it is not read


def discover(inputs: list[Path], follow_links: bool = False) -> list[Drill]:
    """Drill folders, collections (folders of drill folders) and single files, as drills. Only regular
    files are read; a link whose target leaves its drill folder is skipped unless `follow_links`."""
    drills: dict[Path, Drill] = {}
    for inp in inputs:
        if not os.path.lexists(inp):
            raise InputError(f"{inp}: no such file or folder")
        if not inp.is_dir():
            if not inp.is_file():
                raise InputError(f"{inp}: not a regular file ({_kind(inp)}); only regular files are read")
            root = inp.parent.resolve()
            d = drills.setdefault(root, Drill(DrillConfig.load(root), []))
            d.files.append((inp, inp.name))
            continue
        for root in _drill_roots(inp):
            d = drills.setdefault(root.resolve(), Drill(DrillConfig.load(root), []))
            for f in _walk(root, nested_drills=root == inp and _is_collection(inp)):
                rel = f.relative_to(root).as_posix()
                why = _not_read(f, root, follow_links)
                if why:
                    d.skipped[rel] = why
                else:
                    d.files.append((f, rel))
    ids: dict[str, Path] = {}
    for root, d in drills.items():
        if d.config.id in ids and ids[d.config.id] != root:
            raise InputError(f"{root}: drill id {d.config.id!r} is also used by {ids[d.config.id]}")
        ids[d.config.id] = root
        d.files = sorted(set(d.files), key=lambda x: x[1])
    return list(drills.values())


def _is_collection(folder: Path) -> bool:
    if (folder / "drill.toml").exists():
        return False
    return any((sub / "drill.toml").exists() for sub in folder.iterdir() if sub.is_dir())


def _drill_roots(folder: Path) -> list[Path]:
    if not _is_collection(folder):
        return [folder]
    # a collection: every sub-folder is a drill; loose files at the top form a drill of their own
    subs = sorted(sub for sub in folder.iterdir() if sub.is_dir() and not sub.name.startswith("."))
    loose = [f for f in folder.iterdir() if f.is_file() and not f.name.startswith(".")]
    return subs + ([folder] if loose else [])


def _walk(root: Path, nested_drills: bool) -> Iterator[Path]:
    """Entries under a drill folder that are not folders (files, links, FIFOs, devices), sorted; symlinked
    folders are not followed (no loops)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if nested_drills and Path(dirpath) == root:
            dirnames[:] = []  # a collection's own folder: its sub-folders are drills of their own
        for name in sorted(filenames):
            if name.startswith(".") or name == "drill.toml":
                continue
            yield Path(dirpath) / name


def _kind(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "unreadable"
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "a special file"


def _not_read(path: Path, root: Path, follow_links: bool) -> str | None:
    """Why an entry of a drill folder is skipped, or None when it is read: FIFOs and devices would block or
    never end; a link leaving the drill folder would pull in files the user did not hand over."""
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(root.resolve()) and not follow_links:
            return f"link to {target}, outside the drill folder (--follow-links reads it)"
        if not os.path.exists(target):
            return None  # dangling: reported as unreadable when it is read
    elif not os.path.exists(path):
        return None
    if not path.is_file():
        return f"not a regular file ({_kind(path)})"
    return None


def iter_input(path: Path, chunk: int | None = None, limit: int | None = None) -> Iterator[bytes]:
    """The file's bytes in chunks, gunzipped when it is gzip (by magic, not by name); a gzip stream that
    decompresses past MAX_INPUT_BYTES or ends early raises InputError (after the chunks before it)."""
    chunk = chunk or CHUNK_BYTES
    # O_NONBLOCK: a FIFO swapped in after discovery must not block the open; it is refused below
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError("not a regular file; only regular files are read")
    os.set_blocking(fd, True)
    with open(fd, "rb") as fh:
        magic = fh.read(2)
        fh.seek(0)
        if magic != GZIP_MAGIC:
            while block := fh.read(chunk):
                yield block
            return
        d = zlib.decompressobj(wbits=31)
        total = 0
        while raw := fh.read(1 << 20):
            while raw:
                try:
                    out = d.decompress(raw, chunk)
                except zlib.error as e:  # gzip magic, then garbage: the file's error, not a crash
                    raise InputError(f"not a valid gzip file ({e})") from None
                raw = d.unconsumed_tail
                total += len(out)
                if total > (limit or MAX_INPUT_BYTES):
                    what = " read in memory" if limit else ""
                    raise InputError(
                        f"decompresses past the {(limit or MAX_INPUT_BYTES) >> 20} MiB limit per input{what} "
                        "(gzip bomb?)"
                    )
                if out:
                    yield out
                if d.eof:
                    return
        if not d.eof:
            raise InputError("truncated gzip file (the end of the stream is missing)")


def read_input(path: Path) -> bytes:
    """The whole file in memory (gunzipped), within MAX_WHOLE_BYTES (and MAX_INPUT_BYTES)."""
    limit = min(MAX_WHOLE_BYTES, MAX_INPUT_BYTES)
    if path.stat().st_size > limit and not _is_gzip(path):
        raise InputError(f"larger than the {limit >> 20} MiB limit per input read in memory")
    return b"".join(iter_input(path, limit=limit))


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


@dataclass
class Scan:
    """The first pass over an input: identity and size, without holding a large file."""

    sha256: str
    bytes: int
    lines: int
    head: bytes  # the first PROBE_BYTES bytes, for the probes
    data: bytes | None  # the whole input when it is small (<= STREAM_BYTES), else None
    secret_lines: list[tuple[int, int]] = field(default_factory=list)  # multi-line secrets, redacted whole
    stamp: tuple[int, int, int] = (
        0,
        0,
        0,
    )  # size, mtime, inode when it was read: a change means a half-written file
    live: LiveScan | None = None  # a large plain file: the first pass runs while its parser reads it


class _Sums:
    """The first pass's sums over bytes fed in order: sha256, size, physical lines, the head, multi-line
    secrets. All but the size and head are taken in a thread of its own, a chunk behind the reader: the
    hash releases the GIL, and the counting and secret search run while the parser's threads are in polars."""

    def __init__(self) -> None:
        self.h = hashlib.sha256()
        self.n = self.nl = 0
        self.last = self.head = b""
        self.secrets = SecretLines()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="first-pass")
        self._pending: Future[None] | None = None

    def feed(self, chunk: bytes) -> None:
        if self._pending is not None:
            self._pending.result()  # one chunk in flight: memory stays flat, the order is kept
        self._pending = self._pool.submit(self._sum, chunk)
        self.n += len(chunk)
        if len(self.head) < PROBE_BYTES:
            self.head += chunk[: PROBE_BYTES - len(self.head)]

    def _sum(self, chunk: bytes) -> None:
        self.h.update(chunk)
        k = chunk.count(b"\n")
        self.secrets.feed(chunk, k)
        self.nl += k
        self.last = chunk[-1:]

    def close(self) -> tuple[str, int, list[tuple[int, int]]]:
        """sha256, physical lines, secret line ranges."""
        try:
            if self._pending is not None:
                self._pending.result()
        finally:
            self._pool.shutdown(wait=False)
        lines = self.nl + (1 if self.n and self.last != b"\n" else 0)
        return self.h.hexdigest(), lines, self.secrets.finish()


def scan_input(path: Path) -> Scan:
    """sha256, size and physical line count in one chunked pass (gzip decompressed on the fly)."""
    sums = _Sums()
    parts: list[bytes] | None = []
    stamp = _stamp(path)
    try:
        for chunk in iter_input(path):
            sums.feed(chunk)
            if parts is not None:
                parts.append(chunk)
                if sums.n > STREAM_BYTES:
                    parts = None  # large: parsers stream it (or load it themselves)
    finally:
        sha, lines, secrets = sums.close()
    data = b"".join(parts) if parts is not None else None
    if _stamp(path) != stamp:
        raise InputError(CHANGED)
    return Scan(sha, sums.n, lines, sums.head, data, secrets, stamp)


def start_scan(path: Path) -> Scan:
    """The first pass of an input, or for a large plain file (not gzip) its start only: the rest of the
    pass runs while its parser reads it (`LiveScan`), so a 7 GB export is read once, not twice, and the
    hashing and counting overlap the parse."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode) or st.st_size <= STREAM_BYTES or _is_gzip(path):
        return scan_input(path)
    with open(path, "rb") as fh:
        head = fh.read(PROBE_BYTES)
    stamp = _stamp(path)
    return Scan("", stamp[0], 0, head, None, [], stamp, live=LiveScan(path))


class LiveScan:
    """The first pass of a large plain file fed by the parser's own reading (`stream`); `finish` reads
    what the parser did not and gives the sums. A chunk read again (the probe's head, a second pass) is
    not fed twice: only the bytes just past what was fed are."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sums = _Sums()
        self.done: tuple[str, int, list[tuple[int, int]]] | None = None

    def stream(self, chunk: int) -> Iterator[bytes]:
        pos = 0
        for block in iter_input(self.path, chunk):
            end = pos + len(block)
            if self.done is None and pos <= self.sums.n < end:
                self.sums.feed(block if pos == self.sums.n else block[self.sums.n - pos :])
            pos = end
            yield block

    def finish(self) -> tuple[str, int, list[tuple[int, int]]]:
        if self.done is None:
            try:
                with open(self.path, "rb") as fh:
                    fh.seek(self.sums.n)
                    while chunk := fh.read(CHUNK_BYTES):
                        self.sums.feed(chunk)
            finally:
                self.done = self.sums.close()
        return self.done


CHANGED = (
    "the file changed while it was read (still being written?); none of its rows are kept: ingest it again"
)


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


ProgressFn = Callable[[str, int], None]


def ingest_inputs(
    inputs: list[Path],
    out: Path,
    progress: ProgressFn | None = None,
    jobs: int | None = None,
    follow_links: bool = False,
) -> list[FileResult]:
    """Ingest every file under `inputs` into `out/lake`; returns one result per file. `jobs`: processes
    parsing drills at once (default: every core when a collection holds enough bytes to pay for them)."""
    drills = discover(inputs, follow_links)
    lake_dir = out / "lake"
    lake_dir.mkdir(parents=True, exist_ok=True)
    lake.clean_temp(lake_dir)
    n = _pool_size(drills, jobs)
    if n > 1:
        return _ingest_parallel(drills, lake_dir, progress, n)
    results: list[FileResult] = []
    for drill in drills:
        results.extend(_ingest_drill(drill, lake_dir, progress))
    return results


# A collection smaller than this is parsed in this process: starting workers (each imports polars and
# pyarrow) costs about a second.
POOL_MIN_BYTES = 32 << 20


def _pool_size(drills: list[Drill], jobs: int | None) -> int:
    if len(drills) < 2:
        return 1
    if jobs is not None:
        return max(1, min(jobs, len(drills)))
    size = sum(p.stat().st_size for d in drills for p, _ in d.files if p.is_file())
    return min(os.cpu_count() or 1, len(drills)) if size >= POOL_MIN_BYTES else 1


def _ingest_parallel(
    drills: list[Drill], lake_dir: Path, progress: ProgressFn | None, n: int
) -> list[FileResult]:
    """Drills in a process pool: each drill writes only its own `drill=<id>` folders, so workers never
    share a file; results come back in drill order, as a serial run gives them. Progress moves per drill."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # spawn, not fork: a forked child of a process running polars' thread pool can deadlock
    with ProcessPoolExecutor(n, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_ingest_drill, d, lake_dir, None) for d in drills]
        results: list[FileResult] = []
        for drill, fut in zip(drills, futures, strict=True):
            results.extend(fut.result())
            if progress:
                for path, rel in drill.files:
                    progress(f"{drill.config.id}/{rel}", path.stat().st_size if path.exists() else 0)
    return results


def _ingest_drill(drill: Drill, lake_dir: Path, progress: ProgressFn | None) -> list[FileResult]:
    cfg = drill.config
    lake.drop_legacy_folders(lake_dir, cfg.id)
    known = lake.known_inputs(lake_dir, cfg.id)
    seen: dict[str, FileResult] = {}
    results: list[FileResult] = []
    deferred: list[tuple[Path, str, Scan, FileResult]] = []
    span: list[datetime] = []  # the earliest and latest dated rows of the files read so far

    for rel, why in drill.skipped.items():
        res = FileResult(drill=cfg.id, source_file=rel, source_type="", status="skipped", message=why)
        results.append(res)
        if rel in known:
            lake.remove_input(lake_dir, cfg.id, known[rel])
        row = res.ingest_row() | {"sha256": None}
        lake.write_atomic(lake_dir, "ingest_files", cfg.id, _unread_marker(rel), [row])

    for path, rel in drill.files:
        res = FileResult(drill=cfg.id, source_file=rel, source_type="")
        results.append(res)
        parsed = False
        unread = _unread_marker(rel)
        try:
            sc = start_scan(path)
        except (InputError, OSError) as e:
            res.status = "error"
            res.message = str(e) if isinstance(e, InputError) else f"cannot read: {e.strerror or e}"
            # no content, no sha256: recorded under a name of its path, so the database shows it too
            lake.write_atomic(lake_dir, "ingest_files", cfg.id, unread, [res.ingest_row() | {"sha256": None}])
            if progress:
                progress(f"{cfg.id}/{rel}", path.stat().st_size if path.exists() else 0)
        else:
            (lake.table_dir(lake_dir, "ingest_files", cfg.id) / f"{unread}.parquet").unlink(missing_ok=True)
            res.sha256, res.bytes, res.lines = sc.sha256, sc.bytes, sc.lines

            def admit(res: FileResult = res) -> bool:
                return _admit(res, seen, known, lake_dir, cfg.id)

            t: tuple[datetime, datetime] | str | None = None
            bar = _FileProgress(progress, f"{cfg.id}/{rel}", path, sc.bytes)
            if sc.live is not None:  # a large plain file: parsed while its first pass runs
                t = _parse_one(cfg, path, rel, sc, res, lake_dir, bar.block, admit)
                parsed = True
            if not parsed or t == RESCAN:  # (a rescan knows the secrets the live pass found)
                parsed = admit()
                if parsed:
                    t = _parse_one(cfg, path, rel, sc, res, lake_dir, bar.block)
            bar.finish()  # (a parsed file moved the bar itself; this adds what is left)
            if parsed:
                if t == "defer":
                    deferred.append((path, rel, sc, res))
                elif t is not None:
                    span = [min([*span, t[0]]), max([*span, t[1]])]

    if deferred:
        # the files that print times without a date are read once the dated evidence is known
        span += [t for t in (cfg.injected_at, cfg.recovered_at) if t is not None]
        if span:
            cfg.evidence = (min(span), max(span))
            if cfg.date is None:
                cfg.date = cfg.evidence[0].astimezone(cfg.timezone).date()
        for path, rel, sc, res in deferred:
            if _parse_one(cfg, path, rel, sc, res, lake_dir) == "defer":
                _file_row_only(
                    cfg,
                    res,
                    lake_dir,
                    "error",
                    "the capture prints no date and the drill has none: set `date` in drill.toml",
                )
    _write_drill(cfg, lake_dir)
    return results


def _admit(
    res: FileResult, seen: dict[str, FileResult], known: dict[str, str], lake_dir: Path, drill: str
) -> bool:
    """Whether an input's content is new in its drill (else it is recorded as a duplicate of the first
    input with that content); the lake's files of what the same path held before are removed."""
    first = seen.get(res.sha256)
    if first is not None:
        res.source_type, res.status = first.source_type, "duplicate"
        res.message = f"same content as {first.source_file}; parsed once"
        first.also_seen_as.append(res.source_file)
        if first.status not in ("error",) and first.source_type:
            lake.write_atomic(lake_dir, "ingest_files", drill, first.sha256, [first.ingest_row()])
        return False
    seen[res.sha256] = res
    old = known.get(res.source_file)
    if old and old != res.sha256:
        lake.remove_input(lake_dir, drill, old)  # the file changed since the last ingest
    return True


def _unread_marker(rel: str) -> str:
    """The ingest_files file name of an input that could not be read (it has no sha256 to be named by)."""
    return "unread-" + hashlib.sha256(rel.encode()).hexdigest()


class _FileProgress:
    """Moves the progress bar through one file as its blocks are parsed (a 7 GB export is a minute of work),
    in file bytes: the decompressed bytes of a .gz are scaled to its size; `finish` adds what is left."""

    def __init__(self, progress: ProgressFn | None, label: str, path: Path, decoded: int) -> None:
        self.progress, self.label = progress, label
        self.size = path.stat().st_size if path.exists() else 0
        self.scale = self.size / decoded if decoded else 0.0
        self.done = 0

    def block(self, n: int) -> None:
        k = min(self.size - self.done, round(n * self.scale))
        if self.progress and k > 0:
            self.progress(self.label, k)
            self.done += k

    def finish(self) -> None:
        if self.progress:
            self.progress(self.label, self.size - self.done)
        self.done = self.size


def _parse_one(
    cfg: DrillConfig,
    path: Path,
    rel: str,
    sc: Scan,
    res: FileResult,
    lake_dir: Path,
    on_block: Callable[[int], None] | None = None,
    admit: Callable[[], bool] | None = None,
) -> tuple[datetime, datetime] | str | None:
    """Parse one input; returns the span of its rows' instants, 'defer' when it needs the drill's dated
    evidence, RESCAN when a live first pass found multi-line secrets (parse it again knowing them), or
    None. A live first pass (`sc.live`) ends with the parse; `admit` then says whether its content is new
    (not a duplicate) before its rows are committed."""
    head = sc.head
    binary = b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    parser = None if binary else detect(decode(head)[0])
    if parser is None and (why := _settle(sc, res)):
        _file_row_only(cfg, res, lake_dir, "error", why)
        return None
    if binary:
        _file_row_only(cfg, res, lake_dir, "unrecognized", "binary file")
        return None
    if sc.data is not None:  # in memory: unwrap it and cut it at its prompts (large inputs are plain logs)
        # read as it is, only its decoding checked; but a log pasted in Markdown fences among prose is
        # taken out of them first (its probe finds records anywhere in the head)
        whole = reads_whole(parser, head)
        try:
            unw = None if whole else unwrap(sc.data)
            if whole:
                decode_input(sc.data)
        except InputError as e:
            _file_row_only(cfg, res, lake_dir, "unrecognized", str(e))
            return None
        if unw is not None:
            segs = cut(unw)
            if needs_segments(parser, unw, segs):
                return _parse_segments(cfg, path, rel, sc, unw, segs, res, lake_dir)
    if parser is None:
        _file_row_only(cfg, res, lake_dir, "unrecognized", "no parser recognizes this content")
        return None
    res.source_type = parser.NAME
    live = sc.live
    # a live pass names the temp files by a token until the content's sha256 is known
    sink = lake.FileSink(lake_dir, cfg.id, res.sha256 or f"live-{uuid.uuid4().hex}", sc.secret_lines)
    chunk = min(CHUNK_BYTES, STREAM_CHUNK)
    ctx = FileContext(
        cfg,
        rel,
        path,
        sc.data,
        sink,
        stream=(lambda: iter_input(path, chunk)) if live is None else (lambda: live.stream(chunk)),
        load=lambda: read_input(path),
    )
    ctx.source_type = parser.NAME
    ctx.on_block = on_block
    try:
        parser.parse(ctx)
        if sc.data is not None and len(sc.data) <= source_text.KEEP_BYTES:
            source_text.keep_lines(ctx)
        sink.flush()  # the sink writes in a thread of its own: its errors are this input's
    except NeedDate:
        sink.abort()
        if why := _settle(sc, res):
            _file_row_only(cfg, res, lake_dir, "error", why)
            return None
        return "defer"
    except InputError as e:  # a streamed input that a parser needs whole, past the limit; a bad gzip
        sink.abort()
        _file_row_only(cfg, res, lake_dir, "error", _settle(sc, res) or str(e))
        return None
    except Exception as e:  # a parser bug must not lose the run: report it on this file and go on
        sink.abort()
        why = _settle(sc, res) or f"{parser.NAME} parser failed: {type(e).__name__}: {e}"
        _file_row_only(cfg, res, lake_dir, "error", why)
        return None
    if why := _settle(sc, res):
        sink.abort()
        _file_row_only(cfg, res, lake_dir, "error", why)
        return None
    if _stamp(path) != sc.stamp:  # its rows would mix two versions of the file
        sink.abort()
        _file_row_only(cfg, res, lake_dir, "error", CHANGED)
        return None
    if live is not None:
        if sc.secret_lines:  # their rows are redacted whole, which a parse that did not know them skipped
            sink.abort()
            return RESCAN
        if admit is not None and not admit():  # the same content as an earlier input: parsed once
            sink.abort()
            return None
        sink.sha = res.sha256
    res.parsed_lines, res.ignorable, res.quarantined = (
        ctx.parsed_lines,
        ctx.ignorable_lines,
        ctx.quarantined_lines,
    )
    # rows derived from the input; its log_lines (one per record) and source_lines are not counted here
    res.rows = sum(n for t, n in sink.rows.items() if t not in ("quarantine", "log_lines", source_text.TABLE))
    res.redactions = sink.redactions
    notes = list(ctx.notes) + ctx.clock.notes()
    if res.parsed_lines + res.quarantined + res.ignorable != res.lines:
        res.status = "error"
        notes.append(
            f"line accounting mismatch: {res.lines} lines != {res.parsed_lines} parsed + "
            f"{res.quarantined} quarantined + {res.ignorable} ignorable"
        )
    elif res.quarantined:
        res.status = "partial"
        notes.append(f"{res.quarantined} line(s) quarantined")
    res.message = "; ".join(notes)
    sink.commit(res.ingest_row())
    if sink.earliest is None or sink.latest is None:
        return None
    return sink.earliest, sink.latest


# formats read as one document (a mail, JSON, CSV, a director log): never cut at lines that look like prompts
WHOLE = frozenset({"email", "healthwatch", "bosh_event_log", "bosh_debug"})
LOGS = frozenset({"bosh_event_log", "bosh_debug"})
_FENCE_LINE = re.compile(rb"^[ \t]*(?:[-*+]|\d{1,3}[.)])?[ \t]*(?:`{3,}|~{3,})", re.M)


def _fenced(head: bytes) -> bool:
    return bool(_FENCE_LINE.search(head))


def reads_whole(parser: ModuleType | None, head: bytes) -> bool:
    """A file its parser reads as it is (director log, Healthwatch, mail, event log): only its decoding is
    checked, it is not unwrapped nor cut; a log pasted in fences (seen in its head) is still unwrapped."""
    return parser is not None and parser.NAME in WHOLE and not (parser.NAME in LOGS and _fenced(head))


def _file_row_only(cfg: DrillConfig, res: FileResult, lake_dir: Path, status: str, message: str) -> None:
    """An input that gives no rows (unread, or its rows dropped): only its ingest_files row, saying why
    (named by its path when its content could not be read to the end: it has no sha256)."""
    res.status, res.message = status, message
    row = res.ingest_row() if res.sha256 else res.ingest_row() | {"sha256": None}
    name = res.sha256 or _unread_marker(res.source_file)
    lake.write_atomic(lake_dir, "ingest_files", cfg.id, name, [row])


RESCAN = "rescan"


def _settle(sc: Scan, res: FileResult) -> str | None:
    """End a live first pass (read what the parser did not): the input's sha256, lines and secrets are
    known from here on. Returns why the file could not be read to its end, or None."""
    live, sc.live = sc.live, None
    if live is None:
        return None
    try:
        sc.sha256, sc.lines, sc.secret_lines = live.finish()
    except (InputError, OSError) as e:
        return str(e) if isinstance(e, InputError) else f"cannot read: {e.strerror or e}"
    res.sha256, res.bytes, res.lines = sc.sha256, sc.bytes, sc.lines
    return None


def needs_segments(parser: ModuleType | None, unw: Unwrapped, segs: list[Segment]) -> bool:
    """A file a parser reads as it is stays whole; it is read in segments when it is wrapped (fences,
    escapes, prefixes, another encoding), when no parser reads it whole, or when its parts are of
    several kinds."""
    if parser is not None and parser.NAME in WHOLE and not unw.changed:
        return False  # (a pasted one, in fences or among prose, is still taken out of its wrapping)
    if unw.changed or parser is None:
        return True
    if len(segs) > 1 and any(_prose(s) for s in segs):
        return True  # prose around a capture is no line of it
    return any(s.parser is not None and not same_reader(s.parser, parser) for s in segs)


def _prose(seg: Segment) -> bool:
    """An unrecognized part that is not only `date` output (which is the clock of the part after it)."""
    return seg.status == "unrecognized" and any(
        ln.text.strip() and read_date(ln.text.strip()) is None for ln in seg.lines
    )


def _parse_segments(
    cfg: DrillConfig,
    path: Path,
    rel: str,
    sc: Scan,
    unw: Unwrapped,
    segs: list[Segment],
    res: FileResult,
    lake_dir: Path,
) -> tuple[datetime, datetime] | str | None:
    """Parse a file segment by segment (ingest/segments.py); its counts are the sums of theirs."""
    res.lines = unw.lines
    kinds = sorted({s.source_type for s in segs if s.source_type})
    if not kinds:
        _file_row_only(
            cfg,
            res,
            lake_dir,
            "unrecognized",
            "; ".join(["no parser recognizes this content", *unw.wrappers[:1]]),
        )
        return None
    res.source_type = kinds[0] if len(kinds) == 1 else "session"
    sink = lake.FileSink(lake_dir, cfg.id, res.sha256, sc.secret_lines)
    base = FileContext(cfg, rel, path, sc.data, sink)
    notes: list[str] = []
    for seg in segs:
        if seg.parser is None:
            seg.ignorable = seg.n_lines
            continue
        sctx = SegmentContext(base, seg)
        try:
            seg.parser.parse(sctx)
        except NeedDate:
            sink.abort()
            return "defer"
        except Exception as e:  # a parser bug must not lose the run: report it on this file and go on
            sink.abort()
            where = f"lines {seg.first_line}-{seg.last_line}"
            _file_row_only(
                cfg,
                res,
                lake_dir,
                "error",
                f"{seg.parser.NAME} parser failed on {where}: {type(e).__name__}: {e}",
            )
            return None
        seg.parsed, seg.quarantined = sctx.parsed_lines, sctx.quarantined_lines
        seg.ignorable = sctx.ignorable_lines + len(seg.wrappers)
        extra = seg.split_records  # a collapsed line's records: the physical line counts once
        for attr in ("parsed", "ignorable", "quarantined"):
            take = min(extra, getattr(seg, attr))
            setattr(seg, attr, getattr(seg, attr) - take)
            extra -= take
        if seg.parsed + seg.quarantined + seg.ignorable != seg.n_lines:
            seg.status, seg.why = (
                "error",
                (
                    f"line accounting mismatch: {seg.n_lines} lines != {seg.parsed} parsed + "
                    f"{seg.quarantined} quarantined + {seg.ignorable} ignorable"
                ),
            )
        elif seg.quarantined:
            seg.status = "partial"
        notes.extend(n for n in sctx.notes + sctx.clock.notes() if n not in notes)
    sink.write("ingest_segments", segment_rows(cfg.id, rel, segs))
    try:
        sink.flush()  # the sink writes in a thread of its own: its errors are this input's
    except Exception as e:
        sink.abort()
        _file_row_only(cfg, res, lake_dir, "error", f"cannot write the rows: {type(e).__name__}: {e}")
        return None
    res.parsed_lines = sum(s.parsed for s in segs)
    res.quarantined = sum(s.quarantined for s in segs)
    res.ignorable = sum(s.ignorable for s in segs)
    unread = res.unrecognized_lines = sum(s.n_lines for s in segs if s.status == "unrecognized")
    if len(segs) > 1 or unread:
        notes.insert(
            0,
            f"{len(segs)} segment(s): "
            + ", ".join(kinds)
            + (f"; {unread} line(s) unrecognized" if unread else ""),
        )
    notes.extend(unw.wrappers)
    if sum(s.n_lines for s in segs) != res.lines or any(s.status == "error" for s in segs):
        res.status = "error"
        bad = next((s.why for s in segs if s.status == "error"), "segments do not cover the file")
        notes.insert(0, bad)
    elif res.quarantined:
        res.status = "partial"
        notes.append(f"{res.quarantined} line(s) quarantined")
    res.message = "; ".join(notes)
    res.rows = sum(n for t, n in sink.rows.items() if t not in ("quarantine", "log_lines", "ingest_segments"))
    res.redactions = sink.redactions
    sink.commit(res.ingest_row())
    if sink.earliest is None or sink.latest is None:
        return None
    return sink.earliest, sink.latest


def _write_drill(cfg: DrillConfig, lake_dir: Path) -> None:
    row = {
        "drill": cfg.id,
        "name": cfg.name,
        "kind": cfg.kind,
        "foundation": cfg.foundation,
        "timezone": str(cfg.timezone.key),
        "director_timezone": str(cfg.director_timezone.key),
        "fault": cfg.fault,
        "az": cfg.az,
        "date": cfg.date,
        "injected_at": cfg.injected_at,
        "recovered_at": cfg.recovered_at,
        "has_toml": cfg.has_toml,
        "root": str(cfg.root),
        "config": json.dumps(cfg.raw, default=str, ensure_ascii=False),
    }
    lake.write_atomic(lake_dir, "drills", cfg.id, "drill", [row])


__all__ = ["FileResult", "Scan", "discover", "ingest_inputs", "iter_input", "read_input", "scan_input"]
