"""Property tests for every registered parser: arbitrary bytes, arbitrary text and mutated real captures
(each parser's SAMPLE and the committed fixtures) never make a parser raise, and every line is accounted
for exactly once (`lines = parsed + quarantined + ignorable`).

Parsers are driven directly through a real `FileContext` whose sink keeps the batches in memory, so
one example costs about a millisecond. Every parser is also fed the other formats' captures: the
pipeline picks a parser by its probe, but a parser must survive whatever follows a good first 16 KiB.
"""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drillscope.errors import NeedDate
from drillscope.ingest.context import DrillConfig, FileContext
from drillscope.ingest.registry import PROBE_BYTES, parsers
from drillscope.ingest.schema import SCHEMAS

FIXTURES = Path(__file__).parents[1] / "fixtures"
PARSERS = parsers()
IDS = [p.NAME for p in PARSERS]
MAX_SEED_BYTES = 12_000
BOM = b"\xef\xbb\xbf"  # mutate the head of a big fixture: the parse of each example stays fast

# Bounded so that the whole fuzz module runs in well under a minute in CI (measured: see the report).
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # CI runs are reproducible; a failure prints the falsifying example
    database=None,  # nothing written under the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class MemorySink:
    """The lake writer's interface (`write(table, batch)`), keeping batches in memory."""

    def __init__(self) -> None:
        self.batches: dict[str, list[pa.Table]] = {}

    def write(self, table: str, batch: pa.Table, clean: frozenset = frozenset(), redactions: int = 0) -> None:
        assert batch.schema.equals(SCHEMAS[table]), f"{table}: batch schema differs from ingest/schema.py"
        self.batches.setdefault(table, []).append(batch)

    def rows(self, table: str) -> list[dict]:
        return [r for b in self.batches.get(table, []) for r in b.to_pylist()]


def _drill(dated: bool = True) -> DrillConfig:
    return DrillConfig(
        id="fuzz",
        root=Path("/nonexistent/fuzz"),
        timezone=ZoneInfo("Asia/Seoul"),
        date=date(2019, 1, 3) if dated else None,
        date_given=dated,
        injected_at=datetime(2019, 1, 3, 1, 25, tzinfo=UTC) if dated else None,
    )


def parse_bytes(mod: ModuleType, data: bytes, name: str = "capture.txt", dated: bool = True) -> FileContext:
    """Parse `data` with `mod` and check the invariants every parse must keep."""
    sink = MemorySink()
    ctx = FileContext(_drill(dated), name, Path("/nonexistent/fuzz") / name, data, sink)
    ctx.source_type = mod.NAME
    try:
        mod.parse(ctx)
    except NeedDate:
        assert not dated, f"{mod.NAME} asked for a date although the drill has one"
        return ctx  # the pipeline defers the file until the drill's date is known
    # the pipeline's count: physical lines of the bytes (a last line without `\n` counts)
    n = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    if data == BOM:  # a BOM alone: one line of bytes, no line of text; no probe accepts it anyway
        n = ctx.parsed_lines + ctx.quarantined_lines + ctx.ignorable_lines
        assert n in (0, 1), n
    assert ctx.parsed_lines + ctx.quarantined_lines + ctx.ignorable_lines == n, (
        f"{mod.NAME}: {n} lines != {ctx.parsed_lines} parsed + {ctx.quarantined_lines} quarantined + "
        f"{ctx.ignorable_lines} ignorable"
    )
    assert min(ctx.parsed_lines, ctx.quarantined_lines, ctx.ignorable_lines) >= 0
    quarantined = sink.rows("quarantine")
    assert len(quarantined) == ctx.quarantined_lines
    for r in quarantined:
        assert 1 <= r["source_line"] <= n, f"{mod.NAME}: quarantine row outside the file: {r}"
        assert r["reason"], f"{mod.NAME}: quarantine row without a reason: {r}"
    for table, batches in sink.batches.items():
        for b in batches:
            if "source_line" in b.column_names and table != "quarantine":
                lines = [x for x in b.column("source_line").to_pylist() if x is not None]
                assert all(1 <= x <= max(n, 1) for x in lines), f"{mod.NAME}: {table} row outside the file"
    return ctx


def _seeds() -> list[bytes]:
    seeds = [p.SAMPLE.encode() for p in PARSERS]
    for f in sorted(FIXTURES.rglob("*")):
        if f.is_file() and "bad_input" not in f.parts and "secrets" not in f.parts:
            data = f.read_bytes()
            seeds.append(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data[:MAX_SEED_BYTES])
    return seeds


SEEDS = _seeds()
# tokens that tend to break hand-written parsers: separators, quotes, huge or odd numbers, encodings
TOKENS = [
    b"\x00", b"\r", b"\n", b"\r\n", b"\t", b" ", b'"', b"'", b"{", b"}", b"[", b"]", b"|", b",", b";", b":",
    b"-1", b"0", b"99999999999999999999", b"1e309", b"NaN", b"null", b"9999-99-99", b"25:61:61",
    b"Task 1234 | ", b"Jan 03 10:25:00 ", b"2019-01-03T10:25:00+09:00", b"\xef\xbb\xbf", b"\xff\xfe",
    "한글".encode(), "한글".encode("cp949"), b"\x1b[31m", b"=?utf-8?B?", b"--boundary", b"\\", b"\\u0000",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real capture, mutated a few times: bytes flipped or inserted, lines cut, dropped, repeated,
    shuffled or spliced in from another capture, the file truncated."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 6))
        lines = bytes(data).split(b"\n")
        if op == 0 and data:  # flip bytes
            for _ in range(draw(st.integers(1, 8))):
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        elif op == 1:  # insert tokens
            for _ in range(draw(st.integers(1, 8))):
                i = draw(st.integers(0, len(data)))
                data[i:i] = draw(st.sampled_from(TOKENS))
        elif op == 2:  # truncate the file anywhere (mid-line, mid-character)
            data = data[: draw(st.integers(0, len(data)))]
        elif op == 3:  # cut some lines in half
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
            data = bytearray(b"\n".join(lines))
        elif op == 4:  # drop or repeat a run of lines
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(i, min(len(lines), i + 20)))
            lines[i:j] = lines[i:j] * draw(st.integers(0, 2))
            data = bytearray(b"\n".join(lines))
        elif op == 5:  # shuffle (time goes backwards, records split)
            draw(st.randoms(use_true_random=False)).shuffle(lines)
            data = bytearray(b"\n".join(lines))
        else:  # splice in lines of another capture (two formats mixed)
            other = draw(st.sampled_from(SEEDS)).split(b"\n")
            k = draw(st.integers(0, len(other) - 1))
            i = draw(st.integers(0, len(lines)))
            lines[i:i] = other[k : k + draw(st.integers(1, 10))]
            data = bytearray(b"\n".join(lines))
    if draw(st.booleans()) and b"\r\n" not in data:
        data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
    return bytes(data)


@pytest.mark.parametrize("mod", PARSERS, ids=IDS)
@FUZZ
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes(mod: ModuleType, data: bytes) -> None:
    parse_bytes(mod, data)


@pytest.mark.parametrize("mod", PARSERS, ids=IDS)
@FUZZ
@given(text=st.text(st.characters(codec="utf-8"), max_size=2000))
def test_arbitrary_text(mod: ModuleType, text: str) -> None:
    parse_bytes(mod, text.encode("utf-8"))


@pytest.mark.parametrize("mod", PARSERS, ids=IDS)
@settings(FUZZ, max_examples=150)
@given(data=mutated())
def test_mutated_captures(mod: ModuleType, data: bytes) -> None:
    parse_bytes(mod, data)


@pytest.mark.parametrize("mod", PARSERS, ids=IDS)
@settings(FUZZ, max_examples=40)
@given(data=mutated())
def test_mutated_captures_without_a_drill_date(mod: ModuleType, data: bytes) -> None:
    """A drill with no date yet: a parser may defer (NeedDate) but never raise anything else."""
    parse_bytes(mod, data, dated=False)


@FUZZ
@given(head=st.one_of(st.text(max_size=PROBE_BYTES // 4), mutated().map(lambda b: b.decode("latin-1"))))
def test_probes_never_raise(head: str) -> None:
    for mod in PARSERS:
        assert mod.probe(head) in (True, False)


@pytest.mark.parametrize("mod", PARSERS, ids=IDS)
def test_every_sample_parses_cleanly(mod: ModuleType) -> None:
    """The unmutated SAMPLE: rows come out and nothing is quarantined (the seed of the fuzzing)."""
    ctx = parse_bytes(mod, mod.SAMPLE.encode())
    assert ctx.parsed_lines > 0 and ctx.quarantined_lines == 0


# Inputs the fuzzing found that once made a parser raise (kept as plain regression cases).
REGRESSIONS = [
    ("bosh_debug", b"x\x01\x06\x00"),  # polars read the block as a zlib stream
    ("bosh_task", b"Task 99999999999999999999 | 01:51:28 | Preparing deployment: x (00:00:01)\n"),
    ("bosh_task", b"Task 1 | 01:51:28 | Preparing deployment: x (99999999999999999999:00:01)\n"),
    ("cf_logs", b"[x@y ~]$ date\nThu Jan  0 10:29:31 KST 2019\n[x@y ~]$ cf logs a --recent\n"),
    ("cf_cli", b"Feb 31 10:21:10 ##### Thu Jan  3 10:21:10 KST 2019 cf login probe #####\n"),
    (
        "healthwatch",
        b'"Time","probe_success{instance=""https://[apps.example.com"", job=""bb""}"\n1546478700000,0\n',
    ),
]


@pytest.mark.parametrize(("name", "data"), REGRESSIONS)
def test_regressions(name: str, data: bytes) -> None:
    parse_bytes(next(p for p in PARSERS if p.NAME == name), data)
