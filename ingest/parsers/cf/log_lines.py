"""`cf logs APP --recent` lines (`   2019-01-03T10:25:01.42+0900 [RTR/1] OUT <text>`), read vectorized.

Follows docs/formats/cf.md §5 (cli@v6.41.0 / cli@v8.18.4 util/ui/log_message.go, gorouter@185140b6
accesslog/schema/access_log_record.go, cc app/repositories/*_event_repository.rb, executor@502904cf
depot/containerstore/storenode.go): envelope time in the CLI host's zone with its offset (hundredths,
`-0700` layout; the legacy padded header too); sources APP/PROC/<TYPE>, RTR, CELL, API, STG, HEALTH, SSH,
LGR. The line split and the head regex are vectorized with polars (`str.extract_groups`), and so is the
RTR access-log field extraction: each record is a `log_lines` row; each RTR record is one `app_traffic`
probe (ok = status < 500 and no timeout; latency = response_time s -> ms; detail `GET /path 502`), the
empty `[RTR/n] OUT ` line gorouter adds after each record (until 2021) is parsed and skipped.
CELL/API/HEALTH lifecycle lines (few) become `app_instance` events in Python. The other lines of the
capture go on to the session walk.
"""

from __future__ import annotations

import re
import tempfile
from typing import IO, Any

import polars as pl
import pyarrow as pa

from drillscope.ingest.context import FileContext, decode, split_lines
from drillscope.ingest.terminal import ESCAPE_PATTERN

# the head: time, [source/instance], stream; `msg` keeps the payload (FORMATS §5.1 LOG_LINE)
LOG_RE = (
    r"^\s*(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) "
    r"\[(?P<src>[^\]]*?)(?:/(?P<inst>[^/\]]*))?\]\s+(?P<stream>OUT|ERR)(?: (?P<msg>.*))?$"
)
LOG_LINE = re.compile(LOG_RE)
# the vectorized path captures only the head (4-5x faster than capturing the payload too); the
# payload is the rest of the line, cut off by the head's length
HEAD_RE = (
    r"^(?P<head>\s*(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) "
    r"\[(?P<src>[^\]/]*(?:/[^\]/]*)*?)(?:/(?P<inst>[^/\]]*))?\]\s+(?P<stream>OUT|ERR)(?:$| ))"
)
# what a route observation needs; holds for the 2018 layout and the pre-2017 one (FORMATS §5.3)
RTR_HEAD = (
    r'^(?P<host>\S+) - \[(?P<start>[^\]]*)\] "(?P<method>[A-Z]+) (?P<uri>\S*)(?: [^"]*)?" '
    r'(?P<status>\d{3}|"-"|-)(?:\s|$)'
)

# lifecycle texts -> (severity, short state) (executor storenode.go, cc process_event_repository.rb)
CELL_TEXTS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^Cell \S+ creating container for instance "), "info", "creating"),
    (re.compile(r"^Container became healthy"), "info", "started"),
    (re.compile(r"^Container became unhealthy"), "warning", "unhealthy"),
    (
        re.compile(r"health check never passed|^Timed out after .*health check"),
        "error",
        "health check failed",
    ),
    (re.compile(r"^Cell \S+ stopping instance "), "warning", "stopping"),
]
API_CRASH = re.compile(r"^Process has crashed with type: ")
API_EXITED = re.compile(r"^App instance exited with guid (?P<guid>\S+) payload: (?P<payload>.*)$")
API_UPDATED = re.compile(r"^Updated app with guid \S+ \((?P<req>.*)\)$")
RUBY_KV = re.compile(r'"(?P<k>\w+)"=>(?P<v>"(?:[^"\\]|\\.)*"|[^,}]+)')


def _ruby_hash(s: str) -> dict[str, str]:
    return {m.group("k"): m.group("v").strip().strip('"') for m in RUBY_KV.finditer(s)}


def lifecycle(src: str, inst: str | None, msg: str) -> tuple[str, str | None, str] | None:
    """(severity, instance, message) for a CELL/API/HEALTH line worth an event, else None."""
    if src.startswith("CELL"):
        for rx, sev, state in CELL_TEXTS:
            if rx.search(msg):
                return sev, inst, f"{state}: {msg}"
        return None
    if src.startswith("HEALTH"):
        return "warning", inst, f"health check failed: {msg}"
    if src.startswith("API"):  # API/n is the cloud controller's index, not the app instance
        if API_CRASH.match(msg):
            return "error", None, f"crashed: {msg}"
        if m := API_EXITED.match(msg):
            p = _ruby_hash(m.group("payload"))
            what = ", ".join(f"{k} {p[k]}" for k in ("reason", "exit_description", "crash_count") if k in p)
            return (
                "error",
                p.get("index"),
                f"crashed: App instance exited ({what})" if what else f"crashed: {msg}",
            )
        if (m := API_UPDATED.match(msg)) and '"state"' in msg:
            state = _ruby_hash(m.group("req")).get("state", "")
            return ("warning" if state == "STOPPED" else "info"), None, f"updated: state {state}"
    return None


BLOCK_BYTES = 16 << 20
_LIFE_SCHEMA = {
    "ts": pl.Datetime("us", "UTC"),
    "source_line": pl.Int64,
    "instance": pl.String,
    "severity": pl.String,
    "message": pl.String,
}


class LogPass:
    """The vectorized pass over every physical line, block by block (large captures stream, memory
    stays flat): finds the cf log lines, counts them as parsed and writes their `app_traffic` probes
    as it goes; keeps the lifecycle events (few) until the session walk has named the apps, and hands
    the other lines to the session walk (`remaining`)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.app_runs: list[tuple[int, str]] = []
        self.n_log = 0
        self._rest: list[tuple[int, str]] = []
        # lifecycle events wait for the session walk (it names the app of each `cf logs` run) in a temp Arrow
        # stream, not in memory: 5 M lines held ~0.5 M of them, +70 MiB of peak RSS (1 M -> 5 M lines: +20 %)
        self._life_file: IO[bytes] | None = None
        self._life_writer: Any = None
        self._bad: list[tuple[int, str, str]] = []
        self._fallback: str | None = None
        encodings: set[str] = set()
        for block in ctx.blocks(BLOCK_BYTES):
            text, enc = decode(block)
            encodings.add(enc)
            self._block(text, ctx.line_offset)
        for enc in sorted(encodings - {"utf-8"}):
            ctx.notes.append(f"decoded as {enc}")
        ctx.count(parsed=self.n_log)

    def remaining(self) -> list[tuple[int, str]]:
        return self._rest

    def _block(self, text: str, line0: int) -> None:
        lines = split_lines(text)
        if "] OUT" not in text and "] ERR" not in text:
            self._rest.extend(enumerate(lines, line0 + 1))
            return
        s = pl.Series("line", lines, dtype=pl.String)
        if "\x1b" in text:
            s = s.str.replace_all(ESCAPE_PATTERN, "")
        df = pl.DataFrame({"line": s}).with_columns(s.str.extract_groups(HEAD_RE).alias("g")).unnest("g")
        is_log = df["ts"].is_not_null()
        n_log = int(is_log.sum())
        if n_log < len(lines):
            self._rest.extend((i + line0 + 1, lines[i]) for i in (~is_log).arg_true().to_list())
        if not n_log:
            return
        self.n_log += n_log
        logs = (
            df.with_row_index("i")
            .filter(is_log)
            .select(
                "i", "ts", "src", "inst", "stream",
                pl.col("line").str.slice(pl.col("head").str.len_chars()).alias("msg"),
            )
        )  # fmt: skip
        self._logs(logs, lines, line0)

    def _logs(self, logs: pl.DataFrame, lines: list[str], line0: int) -> None:
        ctx = self.ctx
        ts = (
            logs["ts"]
            .str.replace(r"Z$", "+0000")
            .str.replace(r"([+-]\d\d):(\d\d)$", "${1}${2}")
            .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_unit="us")
            .dt.convert_time_zone("UTC")
        )
        logs = logs.with_columns(ts.alias("t"), pl.col("msg").fill_null(""))
        bad = self._bad
        for i in logs.filter(pl.col("t").is_null())["i"].to_list():
            bad.append((i + line0 + 1, "cf log line with an unreadable time", lines[i]))
        logs = logs.filter(pl.col("t").is_not_null())
        src = (
            pl.when(pl.col("inst").is_null())
            .then(pl.col("src"))
            .otherwise(pl.col("src") + "/" + pl.col("inst"))
        )
        lines_out = logs.select(
            ts=pl.col("t"),
            level=pl.col("stream"),
            component=src,
            message=pl.col("msg"),
            source_line=(pl.col("i") + line0 + 1).cast(pl.Int64),
        )
        ctx.emit("log_lines", lines_out.to_arrow())

        rtr = logs.filter((pl.col("src") == "RTR") & (pl.col("msg").str.strip_chars() != ""))
        if rtr.height:
            head = rtr["msg"].str.extract_groups(RTR_HEAD).struct.unnest()
            rtr = pl.concat([rtr, head.select("host", "method", "uri", "status")], how="horizontal")
            for i in rtr.filter(pl.col("method").is_null())["i"].to_list():
                bad.append((i + line0 + 1, "RTR line is not a gorouter access log record", lines[i]))
            rtr = rtr.filter(pl.col("method").is_not_null())
            code = pl.col("status").cast(pl.Int64, strict=False)
            rerr = pl.col("msg").str.extract(r'x_cf_routererror:"([^"]*)"', 1).fill_null("")
            ok = code.is_not_null() & (code < 500) & ~rerr.str.contains("timeout")
            probes = rtr.select(
                pl.col("t").alias("ts"),
                (pl.col("i") + line0 + 1).cast(pl.Int64).alias("source_line"),
                pl.lit("app_traffic").alias("capability"),
                ok.alias("ok"),
                pl.when(ok).then(pl.lit("ok")).otherwise(pl.lit("failed")).alias("status"),
                (
                    pl.col("msg")
                    .str.extract(r'\bresponse_time:"?([0-9.]+)', 1)
                    .cast(pl.Float64, strict=False)
                    * 1000
                )
                .round(3)
                .alias("latency_ms"),
                pl.concat_str(
                    [pl.col("method"), pl.col("uri"), pl.col("status").str.replace_all('"', "")],
                    separator=" ",
                ).alias("detail"),
            )
            if probes.height:
                ctx.emit("probes", probes.to_arrow())
            if self._fallback is None:
                hosts = rtr["host"].drop_nulls()
                self._fallback = hosts[0].split(".")[0] if hosts.len() else None

        life = logs.filter(pl.col("src").str.contains(r"^(?:CELL|API|HEALTH)") & (pl.col("msg") != ""))
        rows: list[tuple[Any, int, str | None, str, str]] = []
        for r in life.select("i", "t", "src", "inst", "msg").iter_rows(named=True):
            got = lifecycle(r["src"], r["inst"], r["msg"])
            if got is not None:
                sev, inst, msg = got
                rows.append((r["t"], r["i"] + line0 + 1, inst, sev, msg))
        if rows:
            t = pl.DataFrame(rows, schema=_LIFE_SCHEMA, orient="row").to_arrow()
            if self._life_writer is None:
                self._life_file = tempfile.TemporaryFile(prefix="drillscope-cf-life-")
                self._life_writer = pa.ipc.new_stream(self._life_file, t.schema)
            self._life_writer.write_table(t)

    def emit(self) -> None:
        """The lifecycle events, now that the session walk knows which app each `cf logs` run shows;
        the log lines found unreadable on the way are quarantined here."""
        ctx = self.ctx
        if self._life_writer is not None and self._life_file is not None:
            self._life_writer.close()
            self._life_file.seek(0)
            with self._life_file:
                for batch in pa.ipc.open_stream(self._life_file):
                    life = pl.from_arrow(batch)
                    assert isinstance(life, pl.DataFrame)
                    ctx.emit("events", self._with_app(life).to_arrow())
        if self._bad:
            ctx.count(parsed=-len(self._bad))
            ctx.quarantine_many(self._bad)

    def _with_app(self, life: pl.DataFrame) -> pl.DataFrame:
        if self.app_runs:  # the app of the last `cf logs` run opened at or before the line
            starts = pl.Series([a for a, _ in self.app_runs], dtype=pl.Int64)
            apps = pl.Series([a for _, a in self.app_runs] + [self._fallback], dtype=pl.String)
            k = starts.search_sorted(life["source_line"], side="right").cast(pl.Int64) - 1
            component = apps.gather(k.set(k < 0, len(self.app_runs)))
        else:
            component = pl.repeat(self._fallback, life.height, dtype=pl.String, eager=True)
        return life.with_columns(component=component, ts_role=pl.lit("logged"), kind=pl.lit("app_instance"))
