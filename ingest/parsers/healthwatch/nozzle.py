"""Firehose nozzle text: one dropsonde v1 envelope per line, as the Healthwatch docs print them:

`origin:"healthwatch" eventType:ValueMetric timestamp:1502293311588995438 deployment:"cf"
job:"healthwatch-forwarder" index:"<guid>" ip:"10.0.4.82" valueMetric:<name:"Firehose.LossRate.1H"
value:0 unit:"hr" >` (docs-pcf-healthwatch using/monitoring; timestamp = Unix ns).

ValueMetric → one sample; CounterEvent → its `total`. Envelopes of other types (LogMessage,
HttpStartStop, ContainerMetric, …) are valid lines without a Healthwatch value: counted as ignorable
and noted. The firehose plugin's banner lines are ignorable; anything else is quarantined.

Also the Log Cache CLI's `cf tail` text (log-cache-cli `cf tail <source>`): one envelope per line,
`2018-10-02T13:43:26.87-0400 [cc] GAUGE requests.completed:1083365.000000 counter` (a GAUGE line may carry
several `name:value unit` metrics), `… [cc] COUNTER name:total`; its LOG/TIMER/EVENT lines carry no metric
value (ignorable, noted). Labels: `source` (the bracketed source id) and `unit`.
"""

from __future__ import annotations

import re

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.healthwatch.series import Point, Series, canonical, emit_series, number
from drillscope.ingest.wallclock import epoch, read_iso

ENVELOPE = re.compile(
    r'^origin:"(?P<origin>[^"]*)" eventType:(?P<type>\w+) timestamp:(?P<ns>\d+)(?P<rest>.*)$'
)
_FIELD = re.compile(r'\b(deployment|job|index|ip):"([^"]*)"')
_TAG = re.compile(r'tags:<key:"([^"]*)" value:"([^"]*)" ?>')
_VALUE = re.compile(r'valueMetric:<name:"(?P<name>[^"]+)" value:(?P<value>\S+?) unit:"(?P<unit>[^"]*)" ?>')
_COUNTER = re.compile(
    r'counterEvent:<name:"(?P<name>[^"]+)" delta:(?P<delta>\d+)(?: total:(?P<total>\d+))? ?>'
)
# the documented layout in one match (the common case, about twice as fast as the field-by-field path)
_FAST = re.compile(
    r'^origin:"([^"]*)" eventType:ValueMetric timestamp:(\d+) deployment:"([^"]*)" job:"([^"]*)"'
    r' index:"([^"]*)" ip:"([^"]*)" valueMetric:<name:"([^"]+)" value:(\S+?) unit:"([^"]*)" ?>$'
)
_BANNER = re.compile(
    r"^(Starting the nozzle|Hit (Cmd|Ctrl)\+c to exit the nozzle|What type of firehose)", re.I
)


# `cf tail`: time, [source id], envelope type, then the envelope's text
TAIL = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) \[(?P<source>[^\]]+)\]"
    r" (?P<type>GAUGE|COUNTER|TIMER|EVENT|LOG) (?P<rest>.*)$"
)
_TAIL_GAUGE = re.compile(r"(?P<name>[^\s:]+):(?P<value>\S+) (?P<unit>\S+)")
_TAIL_COUNTER = re.compile(r"^(?P<name>[^\s:]+):(?P<value>\S+)$")


def probe(head: str) -> bool:
    lines = [ln.strip().lstrip("\ufeff") for ln in head.splitlines()]
    lines = [ln for ln in lines if ln and not _BANNER.match(ln)][:20]
    if lines and (m := TAIL.match(lines[0])) and m.group("type") in ("GAUGE", "COUNTER"):
        return True
    return bool(lines) and bool(ENVELOPE.match(lines[0]))


def parse(ctx: FileContext) -> None:
    head = [ln.strip() for ln in ctx.head().splitlines() if ln.strip()]
    if head and TAIL.match(head[0]):
        _parse_tail(ctx)
        return
    series: dict[tuple, Series] = {}
    fast: dict[tuple, Series] = {}  # the documented layout's fields → its series, skipping the label sort
    other = 0
    for n, raw in enumerate(ctx.lines, 1):
        line = raw.strip().lstrip("\ufeff")
        if not line or _BANNER.match(line):
            ctx.count(ignorable=1)
            continue
        if f := _FAST.match(line):
            origin, ns, dep, job, idx, ip, name, raw_value, unit = f.groups()
            fkey = (origin, dep, job, idx, ip, name, unit)
            s = fast.get(fkey)
            if s is not None:
                try:
                    value, ts = number(raw_value), epoch(ns)
                except (ValueError, OverflowError) as e:
                    ctx.quarantine(n, f"bad envelope value or time: {e}", raw)
                    continue
                ctx.count(parsed=1)
                if value is not None:
                    s.points.append(Point(ts, value, raw_value, n))
                continue
            labels = {"origin": origin, "deployment": dep, "job": job, "index": idx, "ip": ip}
            if unit:
                labels["unit"] = unit
            if (s := _add(ctx, series, n, raw, name, raw_value, ns, labels)) is not None:
                fast[fkey] = s
            continue
        m = ENVELOPE.match(line)
        if not m:
            ctx.quarantine(n, "not a Firehose envelope line", raw)
            continue
        rest = m.group("rest")
        labels = {"origin": m.group("origin"), **dict(_FIELD.findall(rest)), **dict(_TAG.findall(rest))}
        etype = m.group("type")
        if etype == "ValueMetric" and (vm := _VALUE.search(rest)):
            name, raw_value = vm.group("name"), vm.group("value")
            if vm.group("unit"):
                labels["unit"] = vm.group("unit")
        elif etype == "CounterEvent" and (cm := _COUNTER.search(rest)):
            name, raw_value = cm.group("name"), cm.group("total") or cm.group("delta")
            labels["counter"] = "total" if cm.group("total") else "delta"
        elif etype in ("ValueMetric", "CounterEvent"):
            ctx.quarantine(n, f"{etype} envelope without a readable name/value", raw)
            continue
        else:
            other += 1
            ctx.count(ignorable=1)
            continue
        _add(ctx, series, n, raw, name, raw_value, m.group("ns"), labels)
    if other:
        ctx.notes.append(f"{other} envelope(s) of other event types carry no metric value (ignored)")
    emit_series(ctx, list(series.values()))


def _add(
    ctx: FileContext,
    series: dict[tuple, Series],
    n: int,
    raw: str,
    name: str,
    raw_value: str,
    ns: str,
    labels: dict[str, str],
) -> Series | None:
    try:
        value = number(raw_value)
        ts = epoch(ns)
    except (ValueError, OverflowError) as e:
        ctx.quarantine(n, f"bad envelope value or time: {e}", raw)
        return None
    ctx.count(parsed=1)
    metric = canonical(name)
    key = (metric, tuple(sorted(labels.items())))
    s = series.get(key)
    if s is None:
        s = series[key] = Series(metric=metric, labels=labels)
    if value is not None:
        s.points.append(Point(ts, value, raw_value, n))
    return s


def _parse_tail(ctx: FileContext) -> None:
    series: dict[tuple, Series] = {}
    other = 0
    for n, raw in enumerate(ctx.lines, 1):
        line = raw.strip()
        if not line:
            ctx.count(ignorable=1)
            continue
        m = TAIL.match(line)
        ts = read_iso(m.group("ts")) if m else None
        if m is None or ts is None:
            ctx.quarantine(n, "not a `cf tail` envelope line", raw)
            continue
        kind, rest = m.group("type"), m.group("rest")
        if kind == "GAUGE":
            found = [(g.group("name"), g.group("value"), g.group("unit")) for g in _TAIL_GAUGE.finditer(rest)]
        elif kind == "COUNTER" and (c := _TAIL_COUNTER.match(rest)):
            found = [(c.group("name"), c.group("value"), "")]
        elif kind == "COUNTER":
            found = []
        else:
            other += 1
            ctx.count(ignorable=1)
            continue
        values = []
        for _name, raw_value, _unit in found:
            try:
                values.append(number(raw_value))
            except ValueError:
                break
        if not found or len(values) != len(found):
            ctx.quarantine(n, f"{kind} line without a readable name:value", raw)
            continue
        ctx.count(parsed=1)
        for (name, raw_value, unit), value in zip(found, values, strict=True):
            labels = {"source": m.group("source")} | ({"unit": unit} if unit else {})
            key = (name, tuple(sorted(labels.items())))
            s = series.get(key)
            if s is None:
                s = series[key] = Series(metric=canonical(name), labels=labels)
            if value is not None:
                s.points.append(Point(ts, value, raw_value, n))
    if other:
        ctx.notes.append(f"{other} `cf tail` line(s) of other envelope types carry no metric value (ignored)")
    emit_series(ctx, list(series.values()))
