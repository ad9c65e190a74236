"""Shared by the Healthwatch readers: metric names, epoch times, series → `metrics` and `probes` rows.

Names follow the Healthwatch 1.4 metric catalog (docs-pcf-healthwatch `metrics.html.md.erb`), as the
Firehose emits them (without the `healthwatch.` prefix): `health.check.cliCommand.push`. PromQL names
(Log Cache / Healthwatch 2 SVMs, `health_check_cliCommand_push`) map back to them through the known
catalog, because the `.`→`_` rewrite is lossy; unknown names are kept as they are.
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from drillscope.ingest.context import FileContext
from drillscope.ingest.signals import OPS, Signal
from drillscope.ingest.wallclock import epoch

_CLI = ("login", "push", "start", "logs", "stop", "delete")
KNOWN: tuple[str, ...] = (
    *(f"health.check.cliCommand.{c}" for c in _CLI),
    *(f"health.check.cliCommand.{c}.timeout" for c in _CLI),
    "health.check.cliCommand.pushTime",
    "health.check.cliCommand.success",
    "health.check.cliCommand.duration",
    "health.check.OpsMan.available",
    "health.check.CanaryApp.available",
    "health.check.CanaryApp.responseTime",
    "health.check.bosh.director.success",
    "health.check.bosh.director.timeout",
    "bosh.deployment",
    "Firehose.LossRate.1M",
    "Firehose.LossRate.1H",
    "Doppler.MessagesAverage.1M",
    "SyslogDrain.Adapter.LossRate.1M",
    "SyslogDrain.RLP.LossRate.1M",
    "SyslogDrain.Adapter.BindingsAverage.5M",
    "SyslogAgent.LossRate.1M",
    "Diego.AvailableFreeChunks",
    "Diego.AvailableFreeChunksDisk",
    *(f"Diego.TotalPercentageAvailable{r}Capacity.5M" for r in ("Memory", "Disk", "Container")),
    *(f"Diego.TotalAvailable{r}Capacity.5M" for r in ("Memory", "Disk", "Container")),
    *(f"health.check.{c}.probe.available" for c in ("cliCommand", "CanaryApp", "OpsMan", "bosh.director")),
    *(f"health.check.{c}.probe.count" for c in ("cliCommand", "CanaryApp", "OpsMan", "bosh.director")),
    "health.bosh.deployment.probe.count",
    "ui.available",
    "ingestor.disconnects",
    "ingestor.dropped",
    "redis.valueMetricQueue.size",
    "redis.counterEventQueue.size",
    "metrics.published",
    "events.published",
)
_KNOWN_SET = frozenset(KNOWN)
_FROM_PROMQL = {re.sub(r"[^A-Za-z0-9_]", "_", n): n for n in KNOWN}

# Health checks that are probes of a capability (CONTRACT §3). Only `push` and `login` of the CLI
# battery are mapped: start/logs/stop/delete test app lifecycle, and the docs tie no Cloud Controller
# capability to them (no `health.check.CloudController…` exists), so they stay metrics only.
PROBE_METRICS = {
    "health.check.cliCommand.push": "cf_push",
    "health.check.cliCommand.login": "cf_login",
    "health.check.CanaryApp.available": "apps_manager",  # the canary is Apps Manager by default
    "health.check.OpsMan.available": "ops_manager",
    "health.check.bosh.director.success": "bosh_director",
}
# Healthwatch 2 cf CLI SLI: `tas_sli_task_failures_total{task=…}` (pas-sli-exporter)
SLI_TASKS = {"push": "cf_push", "login": "cf_login"}
_OPSMAN_HOSTS = {"opsman", "ops-manager", "opsmanager", "opsmgr", "pcf"}


def canonical(name: str) -> str:
    """The Healthwatch 1.x dotted name of a metric seen as a PromQL or prefixed name."""
    name = name.strip()
    if name in _FROM_PROMQL:
        return _FROM_PROMQL[name]
    if name.startswith("healthwatch.") and name[len("healthwatch.") :] in _KNOWN_SET:
        return name[len("healthwatch.") :]
    if name.startswith("healthwatch_") and name[len("healthwatch_") :] in _FROM_PROMQL:
        return _FROM_PROMQL[name[len("healthwatch_") :]]
    return name


_SELECTOR = re.compile(r"^\s*([A-Za-z_:][A-Za-z0-9_:.]*)?\s*\{(.*)\}\s*$")
_LABEL = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


def split_selector(text: str) -> tuple[str, dict[str, str]] | None:
    """`probe_success{instance="https://…", job="x"}` → (name, labels); None for a plain name/legend."""
    m = _SELECTOR.match(text)
    if not m:
        return None
    body, labels, pos = m.group(2), {}, 0
    while pos < len(body):
        lm = _LABEL.match(body, pos)
        if not lm:
            return None
        labels[lm.group(1)] = lm.group(2).replace('\\"', '"').replace("\\\\", "\\")
        pos = lm.end()
    return (m.group(1) or ""), labels


def epoch_or_none(t: object) -> datetime | None:
    if isinstance(t, bool) or not isinstance(t, int | float | str | Decimal):
        return None
    try:
        return epoch(t)  # type: ignore[arg-type]
    except (InvalidOperation, ValueError, OverflowError):
        return None


def number(raw: object) -> float | None:
    """A sample value: Prometheus sends strings ("1", "NaN", "+Inf"); NaN means no value (None)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        v = float(raw)
    elif isinstance(raw, str):
        s = raw.strip()
        if not s or s.lower() == "null":
            return None
        try:
            v = float(s)
        except ValueError as e:
            raise ValueError(f"not a number: {raw!r}") from e
    else:
        raise ValueError(f"not a number: {raw!r}")
    return None if v != v else v  # NaN: no observation


@dataclass
class Point:
    ts: datetime
    value: float
    raw: str
    line: int


@dataclass
class Series:
    metric: str
    labels: dict[str, str] = field(default_factory=dict)
    points: list[Point] = field(default_factory=list)
    step_s: float | None = None  # the known step (e.g. query_range `step`), else median spacing
    name_from_file: bool = False
    title: str | None = None  # the CSV column or Grafana panel name as printed, when not the metric


def median_spacing(points: list[Point]) -> float | None:
    """The median gap between distinct sample times; whole seconds from 1 s up (raw 5-min checks
    land at 300.1 s, 299.9 s…: the expected step is 300)."""
    ts = sorted({p.ts for p in points})
    gaps = [(b - a).total_seconds() for a, b in zip(ts, ts[1:], strict=False)]
    if not gaps:
        return None
    m = statistics.median(gaps)
    return float(round(m)) if m >= 1 else round(m, 3)


@dataclass(frozen=True)
class Mapping:
    """A series that observes a capability: `kind` says how a sample reads — `hw` (Healthwatch 1.x check:
    1 ok, 0 failed, −1 did not run = no observation), `counter` (a raw cumulative failure counter: an
    increase is a failure), `availability` (ok at full: 1, or 100 in a percent series) or `cmp`
    (ok when `value <op> threshold`). `rule` names the rule that mapped it (shown on the report)."""

    capability: str
    kind: str
    rule: str
    op: str = ">="
    threshold: float = 1.0


# a name that states a capability (checked on names outside the Healthwatch catalog) ...
_NAME_CAPABILITY = (
    ("cf_push", re.compile(r"\b(?:cf )?push(?:es)?\b")),
    ("cf_login", re.compile(r"\b(?:cf )?(?:login|logins|auth)\b")),
    ("apps_manager", re.compile(r"\bapps? ?manager\b|\bcanary\b")),
    ("ops_manager", re.compile(r"\bops ?man(?:ager)?\b")),
    ("bosh_director", re.compile(r"\bbosh director\b")),
    ("cf_api", re.compile(r"\bcf api\b|\bcloud ?controller\b")),
)
# ... and a failure count (0 ok, > 0 failed) or an availability (full = ok)
_NAME_FAILURES = re.compile(r"\bfail(?:s|ed|ures?)?\b|\berrors?\b|실패|오류")
_NAME_AVAILABILITY = re.compile(r"\bavailab(?:le|ility)\b|\bsuccess(?:ful)?\b|가용")


def _words(text: str) -> str:
    """`tas_sli_task_failures_total`, `cf-push.failures`, `cfPushFailures` → lower-case words."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return re.sub(r"[\s_.\-/:()\[\]{}=,\"]+", " ", text).lower().strip()


def selector_text(s: Series) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
    return f"{s.metric}{{{inner}}}" if inner else s.metric


def probe_capability(s: Series, signals: tuple[Signal, ...] = ()) -> Mapping | None:
    """The capability a series observes, by the first rule that applies (CONTRACT §4): the drill's
    `[[signals]]`, the Healthwatch 1.x health checks, Blackbox `probe_success`, the Healthwatch 2 SLI
    exporter's `tas_sli_task_*{task="push"|"login"}` failures, then a name (metric, CSV column, Grafana
    panel) stating a capability and a failure count or an availability. None: a metric only."""
    texts = [t for t in (s.metric, s.title, selector_text(s)) if t]
    for sig in signals:
        if any(sig.pattern.search(t) for t in texts):
            return Mapping(sig.capability, "cmp", sig.rule, sig.op, sig.threshold)
    if s.metric in PROBE_METRICS:
        return Mapping(
            PROBE_METRICS[s.metric], "hw", "Healthwatch 1.x health check: 1 ok, 0 failed, -1 not run"
        )
    if s.metric == "probe_success":
        try:
            host = (urlsplit(s.labels.get("instance", "")).hostname or "").split(".")[0].lower()
        except ValueError:  # `https://[fe80::1` and other unparsable targets: not Ops Manager
            host = ""
        cap = "ops_manager" if host in _OPSMAN_HOSTS else "apps_manager"
        return Mapping(cap, "cmp", "Blackbox probe_success: 1 ok", ">=", 1.0)
    task = s.labels.get("task")
    if task in SLI_TASKS:
        if s.metric == "tas_sli_task_failures_total":
            return Mapping(SLI_TASKS[task], "counter", "Healthwatch 2 SLI failure counter: an increase fails")
        exporter = {s.labels.get(k) for k in ("job", "scrape_instance_group", "exported_job")}
        named = any("fail" in t.lower() for t in (s.metric, s.title) if t)
        if named and (s.metric.startswith("tas_sli_task_") or "pas-sli-exporter" in exporter):
            # increase()/rate() of the failure counter
            return Mapping(SLI_TASKS[task], "cmp", "Healthwatch 2 SLI failures: > 0 failed", "<=", 0.0)
    if s.metric in _KNOWN_SET or s.metric.startswith("tas_sli_"):
        return None  # a catalog metric means what the catalog says, not what its words suggest
    for t in (s.metric, s.title):
        if not t:
            continue
        words = _words(t)
        cap = next((c for c, rx in _NAME_CAPABILITY if rx.search(words)), None)
        if cap is None:
            continue
        if _NAME_FAILURES.search(words):
            return Mapping(cap, "cmp", "name states a failure count: 0 ok, > 0 failed", "<=", 0.0)
        if _NAME_AVAILABILITY.search(words):
            return Mapping(cap, "availability", "name states an availability: full (1 or 100 %) ok")
    return None


def resolve(m: Mapping, values: list[float]) -> Mapping:
    """An availability series read as a fraction (full = 1) or, when a sample exceeds 1, a percent (100)."""
    if m.kind != "availability":
        return m
    full = 100.0 if values and max(values) > 1 else 1.0
    return Mapping(m.capability, "cmp", m.rule, ">=", full)


def ok_of(m: Mapping, value: float) -> bool | None:
    if m.kind == "hw":
        return None if value < 0 else value >= 1  # -1: did not run (a dependency failed)
    return OPS[m.op](value, m.threshold)


def series_name(s: Series) -> str:
    """The series as the report names it: the metric and the label that tells its probes apart."""
    keys = ("instance",) if s.metric == "probe_success" else ("task",)
    sel = {k: s.labels[k] for k in keys if k in s.labels}
    inner = ", ".join(f'{k}="{v}"' for k, v in sel.items())
    return f"{s.metric}{{{inner}}}" if inner else s.metric


def _detail(s: Series, raw: str) -> str:
    return f"{series_name(s)} = {raw}"


def emit_series(ctx: FileContext, series: list[Series]) -> None:
    """Write each series' samples to `metrics` (and its probe observations to `probes`).

    Missing samples produce no row: `interval_s` (the series' step) lets SQL tell a gap from a zero.
    """
    metrics: list[dict] = []
    probes: list[dict] = []
    for s in series:
        if not s.points:
            continue
        interval = s.step_s if s.step_s is not None else median_spacing(s.points)
        labels = dict(s.labels)
        if s.name_from_file:
            labels["name_from"] = "file"
        lab = json.dumps(labels, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        for p in s.points:
            metrics.append(
                {
                    "ts": p.ts,
                    "metric": s.metric,
                    "value": p.value,
                    "labels": lab,
                    "interval_s": interval,
                    "source_line": p.line,
                }
            )
        m = probe_capability(s, ctx.drill.signals)
        if m is None:
            continue
        m = resolve(m, [p.value for p in s.points])
        name = series_name(s)
        prev: float | None = None
        for p in sorted(s.points, key=lambda p: p.ts) if m.kind == "counter" else s.points:
            if m.kind == "counter":  # the first sample has no baseline; a reset restarts it
                ok = None if prev is None else p.value == prev if p.value >= prev else p.value == 0
                prev = p.value
                if ok is None:
                    continue
            else:
                ok = ok_of(m, p.value)
            probes.append(
                {
                    "ts": p.ts,
                    "capability": m.capability,
                    "ok": ok,
                    "status": "not_run" if ok is None else "ok" if ok else "failed",
                    "detail": _detail(s, p.raw),
                    "interval_s": interval,
                    "series": name,
                    "mapped_by": m.rule,
                    "source_line": p.line,
                }
            )
    if metrics:
        ctx.emit("metrics", metrics)
    if probes:
        ctx.emit("probes", probes)
