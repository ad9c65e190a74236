"""Healthwatch JSON: Prometheus-shaped query responses and the healthwatch-api alert configurations.

* Log Cache PromQL (Healthwatch 1.x, `/api/v1/query_range` and `/api/v1/query` with a range selector,
  also `cf query`) and Prometheus `/api/v1/query_range` (Healthwatch 2.x):
  `{"status":"success","data":{"resultType":"matrix"|"vector"|"scalar","result":[…]}}`; a time is a
  JSON number of Unix seconds (may have a fraction; one doc example has ns), a value is a string
  (`"1"`, `"NaN"`, `"+Inf"`). Sources: cloudfoundry/log-cache `promql_marshaler_test.go`,
  prometheus `docs/querying/api.md`.
* healthwatch-api `GET /v1/alert-configurations`: thresholds only, no samples: recognized so it is not
  `unrecognized`, every line ignorable.
* Log Cache `GET /v1/read/<source-id>` (`{"envelopes":{"batch":[…]}}`, Loggregator v2 envelopes: `timestamp`
  in ns as a string, `source_id`, `instance_id`, `tags`, `gauge.metrics{name:{unit,value}}` or
  `counter{name,total}`): one sample per gauge metric / counter total.
* Grafana's query inspector "Query Data" (`{"request":{…},"response":{<Prometheus response>}}`): the response.

Pasted documents are often cut by their author (`},` then nothing, or mid-series) or elided with `...`
lines: an elision line is ignorable, and a cut document is closed after its last complete value (the
lines after that value are quarantined; a note says where it was closed).

Line accounting: when the document parses, every line counts as parsed (lines of a rejected sample are
quarantined instead). A document that does not parse, even after dropping trailing commas (a Healthwatch
doc example has one), is quarantined at the line the JSON error points to; its other lines are counted
as ignorable, so the file shows as `partial` with one precise quarantine row instead of one per line.
"""

from __future__ import annotations

import bisect
import json
import re
from decimal import Decimal
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.healthwatch.series import (
    KNOWN,
    Point,
    Series,
    canonical,
    emit_series,
    epoch_or_none,
    number,
)

_STATUS = re.compile(r'"status"\s*:\s*"(success|error)"')
_RESULT_TYPE = re.compile(r'"resultType"\s*:\s*"(matrix|vector|scalar)"')
# json.dump(sort_keys=True) puts "data" first and "resultType" after a long "result"
_SORTED = re.compile(r'^\{\s*"data"\s*:\s*\{\s*"result"\s*:\s*\[\s*(\{\s*"metric"\s*:|\])')
_ALERT_CONF = re.compile(r"""^\[\s*\{\s*"query"\s*:\s*"origin\s*==\s*'""")
_PAIR = re.compile(r'\[\s*-?[0-9][0-9.eE+-]*\s*,\s*(?:"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|null)\s*\]')
_METRIC_KEY = re.compile(r'"metric"\s*:')
_TRAILING_COMMA = re.compile(r",(\s*[\]}])")


_ENVELOPES = re.compile(r'^\{\s*"envelopes"\s*:\s*\{\s*"batch"\s*:\s*\[')
_INSPECTOR = re.compile(r'^\{\s*"request"\s*:\s*\{')
_ELISION = re.compile(r"^\s*(?:\.{3}|…|\[\.{3}\])\s*$")
# alert configurations pasted from the middle of their list: `{"query": "origin == '…'", …},` …
_ALERT_ITEM = re.compile(r"""^\{\s*"query"\s*:\s*"origin\s*==\s*'""")


def probe(head: str) -> bool:
    h = head.lstrip("\ufeff \t\r\n")
    while _ELISION.match(h.split("\n", 1)[0]) and "\n" in h:  # a paste that starts with `...`
        h = h.split("\n", 1)[1].lstrip(" \t\r\n")
    if _ALERT_ITEM.match(h):
        return True
    if h.startswith("{"):
        if _SORTED.match(h) or _ENVELOPES.match(h):
            return True
        if _INSPECTOR.match(h):
            return '"response"' in h and bool(_RESULT_TYPE.search(h))
        st = _STATUS.search(h)
        if not st:
            return False
        if st.group(1) == "error":
            return '"errorType"' in h
        return bool(_RESULT_TYPE.search(h))
    return bool(_ALERT_CONF.match(h))


class _Lines:
    """Offset → 1-based line number."""

    def __init__(self, text: str) -> None:
        self.nl = [m.start() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> int:
        return bisect.bisect_left(self.nl, offset) + 1


def parse(ctx: FileContext) -> None:
    text = ctx.text.lstrip("\ufeff")
    total = len(ctx.lines)
    elided = [n for n, ln in enumerate(ctx.lines, 1) if _ELISION.match(ln)]
    if elided:  # an author's `...`: a blank line to the JSON reader (offsets move, lines do not)
        text = "\n".join("" if _ELISION.match(ln) else ln for ln in text.split("\n"))
        ctx.count(ignorable=len(elided))
        ctx.notes.append(f"{len(elided)} elision line(s) (`...`) in the JSON")
        total -= len(elided)
    if _ALERT_ITEM.match(text.lstrip()):  # list items without their list: the list put back on line 1
        text = "[" + text + "]"
    try:
        doc = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        repaired = _TRAILING_COMMA.sub(r"\1", text)
        try:
            doc = json.loads(repaired, parse_float=Decimal)
        except json.JSONDecodeError:
            closed = close_cut(repaired)
            if closed is None:
                line = min(max(e.lineno, 1), max(len(ctx.lines), 1))
                ctx.quarantine(line, f"malformed JSON: {e.msg} (column {e.colno})", _line(ctx, line))
                ctx.count(ignorable=total - 1)  # the document is lost as a whole; its error line says why
                return
            doc, end = closed
            last = repaired.count("\n", 0, end) + 1
            rest = [n for n in range(last + 1, len(ctx.lines) + 1) if n not in elided]
            cut_off = [n for n in rest if ctx.lines[n - 1].strip()]
            ctx.quarantine_many(
                (n, "after the last complete value of a cut JSON document", ctx.lines[n - 1]) for n in cut_off
            )
            ctx.count(ignorable=len(rest) - len(cut_off))
            ctx.notes.append("JSON document cut by its author: closed after its last complete value")
            total -= len(rest)
        else:
            ctx.notes.append("trailing comma(s) in the JSON tolerated")
        text = repaired  # only commas removed: offsets move, lines do not

    if isinstance(doc, dict) and isinstance(doc.get("envelopes"), dict):
        _parse_envelopes(ctx, text, doc["envelopes"].get("batch"), total)
        return
    query = None
    if (
        isinstance(doc, dict)
        and isinstance(doc.get("request"), dict)
        and isinstance(doc.get("response"), dict)
    ):
        # Grafana's query inspector: the request it sent (its PromQL names the series), the response it got
        url = str(doc["request"].get("url") or "")
        query = (parse_qs(urlsplit(url).query).get("query") or [None])[0]
        doc = doc["response"]

    if isinstance(doc, list) and doc and all(isinstance(x, dict) and "query" in x for x in doc):
        ctx.notes.append("Healthwatch alert configurations: thresholds only, no samples")
        ctx.count(ignorable=total)
        return
    if not isinstance(doc, dict):
        _reject(ctx, 1, "not a Prometheus query response", total)
        return
    if doc.get("status") == "error":
        m = re.search(r'"error"\s*:', text)
        line = _Lines(text).at(m.start()) if m else 1
        _reject(ctx, line, f"Prometheus error response: {doc.get('errorType')}: {doc.get('error')}", total)
        return
    data = doc.get("data")
    if not isinstance(data, dict) or data.get("resultType") not in ("matrix", "vector", "scalar"):
        _reject(ctx, 1, "not a Prometheus query response (no data.resultType matrix/vector/scalar)", total)
        return
    _parse_result(ctx, text, data, total, query)


def close_cut(text: str) -> tuple[object, int] | None:
    """A JSON document its author cut short, closed after its last complete object or array:
    (the document, the offset where it was cut), or None when no such cut parses."""
    closers: list[str] = []
    points: list[tuple[int, str]] = []  # (offset after a `}`/`]`, the closers still open there)
    in_str = esc = False
    for i, c in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "{[":
            closers.append("}" if c == "{" else "]")
        elif c in "}]":
            if not closers or closers.pop() != c:
                return None
            if closers:
                points.append((i + 1, "".join(reversed(closers))))
    for end, close in reversed(points[-200:]):
        try:
            return json.loads(text[:end] + close, parse_float=Decimal), end
        except json.JSONDecodeError:
            continue
    return None


def _parse_envelopes(ctx: FileContext, text: str, batch: object, total: int) -> None:
    """Log Cache `/v1/read` envelopes: each gauge metric and counter total is a sample."""
    lines = _Lines(text)
    starts = [lines.at(m.start()) for m in re.finditer(r'"timestamp"\s*:', text)]
    envs = [e for e in batch if isinstance(e, dict)] if isinstance(batch, list) else []
    series: dict[tuple, Series] = {}
    skipped = 0
    for k, env in enumerate(envs):
        line = starts[k] if len(starts) == len(envs) else 1
        ts = epoch_or_none(env.get("timestamp"))
        base = {str(a): str(b) for a, b in (env.get("tags") or {}).items()}
        base |= {key: str(env[key]) for key in ("source_id", "instance_id") if env.get(key) not in (None, "")}
        samples: list[tuple[str, object, str]] = []
        if isinstance(env.get("gauge"), dict):
            for name, m in (env["gauge"].get("metrics") or {}).items():
                if isinstance(m, dict):
                    samples.append((name, m.get("value"), str(m.get("unit") or "")))
        elif isinstance(env.get("counter"), dict):
            c = env["counter"]
            samples.append((str(c.get("name")), c.get("total"), ""))
        if ts is None or not samples:
            skipped += 1
            continue
        for name, raw, unit in samples:
            try:
                v = number(raw)
            except ValueError:
                continue
            labels = base | ({"unit": unit} if unit else {})
            key = (name, tuple(sorted(labels.items())))
            s = series.setdefault(key, Series(metric=canonical(name), labels=labels))
            if v is not None:
                s.points.append(Point(ts, v, str(raw), line))
    if skipped:
        ctx.notes.append(f"{skipped} envelope(s) without a time or a gauge/counter value (no sample)")
    ctx.count(parsed=total)
    emit_series(ctx, list(series.values()))


def _reject(ctx: FileContext, line: int, reason: str, total: int) -> None:
    ctx.quarantine(line, reason, _line(ctx, line))
    ctx.count(ignorable=total - 1)


def _line(ctx: FileContext, n: int) -> str:
    return ctx.lines[n - 1] if 0 < n <= len(ctx.lines) else ""


def _parse_result(ctx: FileContext, text: str, data: dict, total: int, query: str | None = None) -> None:
    rtype, result = data["resultType"], data.get("result")
    if rtype == "scalar":
        items = [{"metric": {}, "value": result}]
    elif isinstance(result, list):
        items = result
    else:
        items = []
    lines = _Lines(text)
    pair_lines = [lines.at(m.start()) for m in _PAIR.finditer(text)]
    metric_lines = [lines.at(m.start()) for m in _METRIC_KEY.finditer(text)]
    n_pairs = sum(len(_pairs(it)) for it in items if isinstance(it, dict))
    exact = len(pair_lines) == n_pairs  # else: the line of the series' "metric" key, else 1
    if len(metric_lines) != sum(1 for it in items if isinstance(it, dict) and "metric" in it):
        metric_lines = []

    series: list[Series] = []
    bad: dict[int, str] = {}
    k = 0
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            bad.setdefault(metric_lines[i] if i < len(metric_lines) else 1, "result item is not an object")
            continue
        labels = it.get("metric") if isinstance(it.get("metric"), dict) else {}
        labels = {str(a): str(b) for a, b in labels.items()}
        fallback = metric_lines[i] if i < len(metric_lines) else 1
        name = labels.pop("__name__", None)
        s = Series(
            metric=canonical(name) if name else query or file_metric(ctx.source_file, labels), labels=labels
        )
        s.name_from_file = not name and not query
        for pair in _pairs(it):
            line = pair_lines[k] if exact else fallback
            k += 1
            ts = epoch_or_none(pair[0]) if isinstance(pair, list) and len(pair) == 2 else None
            if ts is None:
                bad.setdefault(line, f"bad sample {json.dumps(pair, default=str)}: time is not a Unix time")
                continue
            try:
                v = number(pair[1])
            except ValueError as e:
                bad.setdefault(line, f"bad sample value: {e}")
                continue
            if v is not None:  # NaN / null: no sample, a gap
                s.points.append(Point(ts, v, str(pair[1]), line))
        series.append(s)
    for line, reason in sorted(bad.items()):
        ctx.quarantine(line, reason, _line(ctx, line))
    ctx.count(parsed=total - len(bad))
    emit_series(ctx, series)


def _pairs(item: dict) -> list:
    if isinstance(item.get("values"), list):
        return item["values"]
    if "value" in item:
        return [item["value"]]
    return []


# -- the metric a response does not name -------------------------------------------------------------
_TOOL_TOKENS = {"healthwatch", "hw", "hw1", "hw2", "v1", "v2", "api", "logcache", "log", "cache"}
_TOOL_TOKENS |= {"prometheus", "prom", "promql", "query", "range", "export", "grafana", "cf"}
_QUALIFIER = re.compile(r"^(raw|last|data|\d+[smhdw]|\d+min|\d{8}|\d{4}-\d\d-\d\d)$", re.I)
_PROMQL_KNOWN = {n: re.sub(r"[^A-Za-z0-9_]", "_", n).lower().split("_") for n in KNOWN}


def file_metric(source_file: str, labels: dict[str, str]) -> str:
    """The metric name of a series whose response has no `__name__` (a function like `increase()`
    drops it; Log Cache omits it): taken from the file name the operator saved the response under.

    The stem (without `.json`/`.gz`) is split on `_ - .`; leading capture-tool words (healthwatch, v1,
    v2, api, logcache, prometheus, query, range, …) and trailing qualifiers (`raw`, `90m`, `1min`, a
    date) are dropped. If the series is Healthwatch's own (origin `healthwatch` or job
    `healthwatch-forwarder`) and the rest is the tail of exactly one known Healthwatch metric, that
    metric is meant: `healthwatch_v1_api_push.json` → `health.check.cliCommand.push`. Otherwise the
    rest joined by `_` is the name: `healthwatch_v2_query_range_push_failures.json` → `push_failures`.
    """
    name = PurePosixPath(source_file).name
    for ext in (".gz", ".json", ".txt", ".out"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    tokens = [t for t in re.split(r"[_\-.\s]+", name) if t]
    while tokens and tokens[0].lower() in _TOOL_TOKENS:
        tokens.pop(0)
    while len(tokens) > 1 and _QUALIFIER.match(tokens[-1]):
        tokens.pop()
    if not tokens:
        return name
    rest = "_".join(tokens)
    if canonical(rest) != rest:
        return canonical(rest)
    if labels.get("origin") == "healthwatch" or labels.get("job") == "healthwatch-forwarder":
        low = [t.lower() for t in tokens]
        hits = [n for n, parts in _PROMQL_KNOWN.items() if parts[-len(low) :] == low]
        if len(hits) == 1:
            return hits[0]
    return rest
