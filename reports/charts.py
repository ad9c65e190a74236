"""Altair charts of a drill, each a function from query results (polars DataFrames) to a chart.

Usable from a notebook: `swimlanes(lanes, marker_frame(markers, tz, labels), tz, labels, domain)` etc. Every
time chart of a drill takes the same `domain` (`time_domain`) and the same markers, so they line up. Time axes: vl-convert renders in
UTC and a browser in its own zone, so the charts get wall-clock strings of the drill's zone marked as UTC
and a UTC time scale: HTML, PNG and SVG all read 10:25 for a 10:25 KST event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import altair as alt
import polars as pl

from drillscope.reports.i18n import Labels

alt.data_transformers.disable_max_rows()

STATE_COLORS = {"window": "#d9d9d9", "observed": "#4caf50", "down": "#e53935"}
FONT = "NanumGothic, Nanum Gothic, Noto Sans CJK KR, sans-serif"
WIDTH = 900

# One severity scale for every chart, badge and legend of the report: worst first, red to grey.
SEVERITY = {
    "critical": "#b71c1c",
    "error": "#e8590c",
    "warning": "#f2b705",
    "info": "#78909c",
    "debug": "#cfd8dc",
}
# The marker rules: one colour per kind of moment, the same on every chart.
MARKER_COLORS = {
    "injection": "#c62828",
    "detection": "#ef6c00",
    "notification": "#8e24aa",
    "power_on": "#1565c0",
    "cck_start": "#1565c0",
    "cck_end": "#1565c0",
    "recovery": "#2e7d32",
    "operator": "#212121",
}


def severity(col: str = "severity") -> pl.Expr:
    """A source's severity on the one scale: BOSH health-monitor numbers 1 (alert) and 2 (critical) are
    critical, 3 error, 4 warning; syslog-style words are folded in; anything else is info."""
    s = pl.col(col).cast(pl.Utf8).str.to_lowercase().str.strip_chars()
    return (
        pl.when(s.is_in(["1", "2", "critical", "crit", "alert", "emerg", "emergency", "fatal"]))
        .then(pl.lit("critical"))
        .when(s.is_in(["3", "error", "err"]))
        .then(pl.lit("error"))
        .when(s.is_in(["4", "warning", "warn"]))
        .then(pl.lit("warning"))
        .when(s.is_in(["debug", "trace"]))
        .then(pl.lit("debug"))
        .otherwise(pl.lit("info"))
    )


def severity_scale(labels: Labels) -> alt.Scale:
    return alt.Scale(domain=[labels.get("sev_" + k, k) for k in SEVERITY], range=list(SEVERITY.values()))


def wall(df: pl.DataFrame, cols: list[str], tz: str) -> pl.DataFrame:
    """Instants as wall-clock ISO strings of `tz`, marked `Z` so a UTC scale shows them as is."""
    exprs = []
    for c in cols:
        if c in df.columns:
            exprs.append(
                pl.col(c).dt.convert_time_zone(tz).dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias(c)
                if df.schema[c] != pl.Utf8
                else pl.col(c)
            )
    return df.with_columns(exprs) if exprs else df


def wall_ms(ts: datetime, tz: str) -> float:
    """An instant as the epoch milliseconds of its wall-clock reading in `tz` (what the UTC scales show)."""
    return ts.astimezone(ZoneInfo(tz)).replace(tzinfo=UTC).timestamp() * 1000


Domain = tuple[float, float]


def time_domain(instants: list[datetime | None], tz: str) -> Domain | None:
    """The one time axis every chart of a drill page shares: from the earliest to the latest instant drawn,
    with 1 % of air on each side."""
    xs = [wall_ms(t, tz) for t in instants if t is not None]
    if not xs:
        return None
    lo, hi = min(xs), max(xs)
    pad = (hi - lo) * 0.01 or 60_000.0
    return (lo - pad, hi + pad)


# Wall-clock ticks: HH:MM, and the date (MM-DD) on a midnight tick, so a window of days does not read 00:00 00:00
_TICK = (
    "utcFormat(datum.value, utchours(datum.value) == 0 && utcminutes(datum.value) == 0 ? '%m-%d' : '%H:%M')"
)


# Every chart's y axis takes the same room, so the plot areas (and their shared time axes) line up on the page
Y_AXIS = {"minExtent": 190, "maxExtent": 190, "labelLimit": 185}


def _scale(domain: Domain | None = None) -> alt.Scale:
    # no explicit domain: Vega-Lite turns one into `datetime()` signals, which Vega's expression interpreter (the
    # page's CSP allows no eval) reads as an infinite extent; every chart carries the same two edge points instead
    return alt.Scale(type="utc", nice=False)


def edge_iso(domain: Domain) -> list[str]:
    """The shared axis' two ends as wall-clock ISO strings (what the UTC scales show)."""
    return [
        datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" for ms in domain
    ]


def edge_layers(domain: Domain | None) -> list[alt.Chart]:
    """Two invisible points at the ends of the drill's time axis: with them every chart's x extent is the same."""
    if not domain:
        return []
    edges = pl.DataFrame({"ts": edge_iso(domain), "edge": ["from", "to"]})
    return [alt.Chart(edges).mark_point(opacity=0, size=0).encode(x=alt.X("ts:T", scale=_scale()))]


def _x(field: str, title: str, domain: Domain | None = None) -> alt.X:
    return alt.X(
        f"{field}:T", title=title, scale=_scale(domain), axis=alt.Axis(labelExpr=_TICK, labelAngle=0)
    )


def marker_frame(markers: pl.DataFrame, tz: str, labels: Labels) -> pl.DataFrame:
    """Markers (ts, key, task_id, label) ready to draw: wall-clock ts, the label in the report's language,
    and a nudge for a label within 1/100 of the span of the one before it (else they overprint)."""
    if markers.is_empty():
        return pl.DataFrame(
            schema={"ts": pl.Utf8, "key": pl.Utf8, "label": pl.Utf8, "time": pl.Utf8, "nudge": pl.Int64}
        )
    span = (markers["ts"].max() - markers["ts"].min()).total_seconds() or 1.0  # type: ignore[operator,union-attr]
    close = (pl.col("ts").diff().dt.total_seconds() < span / 100).fill_null(False)
    names = [
        r["label"]
        if r["key"] == "operator"
        else labels.get("mk_" + r["key"], r["label"] or r["key"]).format(task=r["task_id"])
        for r in markers.iter_rows(named=True)
    ]
    return (
        markers.with_columns(pl.Series("label", names, pl.Utf8))
        .sort("ts")
        .with_columns(nudge=pl.when(close).then(11).otherwise(0))
        .pipe(wall, ["ts"], tz)
        .with_columns(pl.col("ts").str.slice(11, 8).alias("time"))
        .select("ts", "key", "label", "time", "nudge")
    )


def _marker_color() -> alt.Color:
    return alt.Color(
        "key:N",
        scale=alt.Scale(domain=list(MARKER_COLORS), range=list(MARKER_COLORS.values())),
        legend=None,
    )


def marker_layers(m: pl.DataFrame, domain: Domain | None, text: bool = True) -> list[alt.Chart]:
    """Dashed rules (with their label turned 270° beside them) at every marker; the same on every chart."""
    if m.is_empty():
        return []
    base = alt.Chart(m)
    rule = base.mark_rule(strokeDash=[4, 3], strokeWidth=1.2, clip=True).encode(
        x=alt.X("ts:T", scale=_scale(domain)),
        color=_marker_color(),
        tooltip=["label:N", "time:N"],
    )
    if not text:
        return [rule]
    texts = [
        base.transform_filter(f"datum.nudge == {n}")
        .mark_text(angle=270, align="left", baseline="bottom", dx=4, dy=-2 + n, fontSize=10, y=2)
        .encode(x=alt.X("ts:T", scale=_scale(domain)), text="label:N", color=_marker_color())
        for n in (0, 11)
    ]
    return [rule, *texts]


def swimlanes(
    lanes: pl.DataFrame, markers: pl.DataFrame, tz: str, labels: Labels, domain: Domain | None = None
) -> alt.LayerChart:
    """One lane per capability: grey = drill window (unknown unless observed), green = observed up,
    red = down (outages); the drill's markers as dashed rules."""
    df = (
        wall(lanes, ["started_at", "ended_at"], tz)
        .with_columns(
            pl.col("state")
            .replace_strict(
                {"window": labels["unknown"], "observed": labels["up"], "down": labels["down"]},
                default=pl.col("state"),
            )
            .alias("state_label"),
            pl.col("state").replace_strict({"window": 0, "observed": 1, "down": 2}, default=3).alias("order"),
        )
        .with_columns(
            pl.col("started_at").str.slice(11, 8).alias("from"),
            pl.col("ended_at").str.slice(11, 8).alias("to"),
        )
    )
    bars = (
        alt.Chart(df)
        .mark_bar(height=14, clip=True)
        .encode(
            x=_x("started_at", labels["time"], domain),
            x2="ended_at:T",
            y=alt.Y("capability:N", title=None, axis=alt.Axis(**Y_AXIS)),
            color=alt.Color(
                "state_label:N",
                title=labels["state"],
                scale=alt.Scale(
                    domain=[labels["unknown"], labels["up"], labels["down"]],
                    range=list(STATE_COLORS.values()),
                ),
            ),
            order="order:Q",
            tooltip=[
                alt.Tooltip("capability:N", title=labels["capability"]),
                alt.Tooltip("state_label:N", title=labels["state"]),
                alt.Tooltip("from:N", title=labels["from"]),
                alt.Tooltip("to:N", title=labels["to"]),
            ],
        )
    )
    return (
        alt.layer(bars, *marker_layers(markers, domain), *edge_layers(domain))
        .resolve_scale(color="independent")
        .properties(width=WIDTH, title=labels["swimlanes"])
    )


def event_timeline(
    events: pl.DataFrame, markers: pl.DataFrame, tz: str, labels: Labels, domain: Domain | None = None
) -> alt.LayerChart:
    """One lane per source type; a point per event coloured by severity (the report's one scale), tooltip
    with local time, message and file:line."""
    df = wall(events, ["ts"], tz).with_columns(
        (pl.col("source_file") + ":" + pl.col("source_line").cast(pl.Utf8)).alias("where"),
        pl.col("message").str.slice(0, 300),
        pl.col("ts").str.slice(11, 8).alias("time"),
        severity().replace_strict({k: labels.get("sev_" + k, k) for k in SEVERITY}).alias("severity"),
    )
    points = (
        alt.Chart(df)
        .mark_point(filled=True, size=40, opacity=0.8, clip=True)
        .encode(
            x=_x("ts", labels["time"], domain),
            y=alt.Y("source_type:N", title=None, axis=alt.Axis(**Y_AXIS)),
            color=alt.Color("severity:N", title=labels["severity"], scale=severity_scale(labels)),
            tooltip=[
                alt.Tooltip("time:N", title=labels["time"]),
                "kind:N",
                alt.Tooltip("message:N", title=labels["message"]),
                alt.Tooltip("where:N", title=labels["evidence"]),
            ],
        )
    )
    return (
        alt.layer(points, *marker_layers(markers, domain), *edge_layers(domain))
        .resolve_scale(color="independent")
        .properties(width=WIDTH, title=labels["events"])
    )


def task_gantt(
    tasks: pl.DataFrame, markers: pl.DataFrame, tz: str, labels: Labels, domain: Domain | None = None
) -> alt.LayerChart:
    """BOSH tasks as bars from start to end, on the drill's time axis with its markers."""
    df = wall(tasks, ["started_at", "ended_at"], tz).with_columns(
        (pl.col("task_id").cast(pl.Utf8) + " " + pl.col("description")).alias("task"),
        pl.col("started_at").str.slice(11, 8).alias("from"),
        pl.col("ended_at").str.slice(11, 8).alias("to"),
    )
    bars = (
        alt.Chart(df)
        .mark_bar(height=12, clip=True)
        .encode(
            x=_x("started_at", labels["time"], domain),
            x2="ended_at:T",
            y=alt.Y("task:N", title=None, sort=alt.EncodingSortField("started_at"), axis=alt.Axis(**Y_AXIS)),
            color=alt.Color("state:N", title=labels["state"]),
            tooltip=[
                "task:N",
                "state:N",
                alt.Tooltip("from:N", title=labels["from"]),
                alt.Tooltip("to:N", title=labels["to"]),
            ],
        )
    )
    return (
        alt.layer(bars, *marker_layers(markers, domain), *edge_layers(domain))
        .resolve_scale(color="independent")
        .properties(width=WIDTH, title=labels["tasks"])
    )


VM_COLORS = {
    "running": "#4caf50",
    "failing": "#ff9800",
    "unresponsive agent": "#e53935",
    "stopped": "#9e9e9e",
    "starting": "#03a9f4",
    "unknown": "#795548",
}


def vm_heatmap(
    vms: pl.DataFrame, markers: pl.DataFrame, tz: str, labels: Labels, domain: Domain | None = None
) -> alt.LayerChart:
    """VM process state per instance (rows, grouped by AZ) over time: each snapshot's state holds until the
    next snapshot (the last one for its median spacing), on the drill's time axis with its markers."""
    snaps = vms.select("ts").unique().sort("ts")
    step = snaps["ts"].diff().dt.total_seconds().median() if snaps.height > 1 else None
    nxt = snaps.with_columns(
        pl.col("ts").shift(-1).fill_null(pl.col("ts") + pl.duration(seconds=int(step or 300))).alias("until")
    )
    if domain:  # the last snapshot holds to the end of the shared axis, not past it
        end = datetime.fromtimestamp(domain[1] / 1000, UTC).replace(tzinfo=ZoneInfo(tz))
        nxt = nxt.with_columns(
            pl.min_horizontal("until", pl.lit(end).dt.convert_time_zone("UTC")).alias("until")
        )
    df = (
        vms.join(nxt, on="ts")
        .pipe(wall, ["ts", "until"], tz)
        .with_columns(
            (pl.col("az") + " · " + pl.col("instance")).alias("vm"),
            pl.col("ts").str.slice(11, 8).alias("snapshot"),
        )
    )
    cells = (
        alt.Chart(df)
        .mark_rect(stroke="white", strokeWidth=0.5, clip=True)
        .encode(
            x=_x("ts", labels["time"], domain),
            x2="until:T",
            y=alt.Y("vm:N", title=None, axis=alt.Axis(**Y_AXIS, labelFontSize=8)),
            color=alt.Color(
                "process_state:N",
                title=labels["state"],
                scale=alt.Scale(domain=list(VM_COLORS), range=list(VM_COLORS.values())),
            ),
            tooltip=[
                "instance:N",
                "az:N",
                alt.Tooltip("snapshot:N", title=labels["snapshot"]),
                "process_state:N",
            ],
        )
    )
    return (
        alt.layer(cells, *marker_layers(markers, domain), *edge_layers(domain))
        .resolve_scale(color="independent")
        .properties(width=WIDTH, title=labels["vms"])
    )


def metric_panels(
    metrics: pl.DataFrame,
    window: tuple | None,
    markers: pl.DataFrame,
    tz: str,
    labels: Labels,
    domain: Domain | None = None,
) -> alt.FacetChart:
    """Small multiples per metric; a sample missing for more than 1.5 intervals breaks the line (a gap,
    not a zero); the drill window is shaded; the drill's markers drawn in every panel (rules; their labels
    are in the tooltip and on the charts above)."""
    m = metrics.sort("metric", "ts")
    gap = (pl.col("ts").diff().over("metric").dt.total_seconds() > 1.5 * pl.col("interval_s")).fill_null(
        False
    )
    breaks = m.filter(gap).with_columns(
        (pl.col("ts") - pl.duration(seconds=1)).alias("ts"), pl.lit(None, pl.Float64).alias("value")
    )
    df = wall(pl.concat([m, breaks]).sort("metric", "ts"), ["ts"], tz).with_columns(
        pl.col("ts").str.slice(11, 8).alias("time"), pl.lit("sample").alias("layer")
    )
    names = df.select("metric").unique()
    parts = [df.select("metric", "ts", "value", "interval_s", "time", "layer")]
    if not markers.is_empty():  # a facet shares one dataset: the markers ride along once per panel
        parts.append(
            names.join(markers.select("ts", "key", "label", "time"), how="cross").with_columns(
                pl.lit("marker").alias("layer"), pl.lit(None, pl.Float64).alias("value")
            )
        )
    if window and window[0] is not None and window[1] is not None:
        w = wall(pl.DataFrame({"ts": [window[0]], "until": [window[1]]}), ["ts", "until"], tz)
        parts.append(names.join(w, how="cross").with_columns(pl.lit("window").alias("layer")))
    if domain:
        edges = pl.DataFrame({"ts": edge_iso(domain)})
        parts.append(names.join(edges, how="cross").with_columns(pl.lit("edge").alias("layer")))
    data = pl.concat(parts, how="diagonal_relaxed")
    line = (
        alt.Chart()
        .transform_filter("datum.layer == 'sample'")
        .mark_line(point=alt.OverlayMarkDef(size=12), invalid="break-paths-show-domains", clip=True)
        .encode(
            x=_x("ts", labels["time"], domain),
            y=alt.Y("value:Q", title=None),
            tooltip=["metric:N", alt.Tooltip("time:N", title=labels["time"]), "value:Q"],
        )
    )
    shade = (
        alt.Chart()
        .transform_filter("datum.layer == 'window'")
        .mark_rect(opacity=0.12, color="#e53935", clip=True)
        .encode(x=alt.X("ts:T", scale=_scale(domain)), x2="until:T")
    )
    rules = (
        alt.Chart()
        .transform_filter("datum.layer == 'marker'")
        .mark_rule(strokeDash=[4, 3], strokeWidth=1.2, clip=True)
        .encode(x=alt.X("ts:T", scale=_scale(domain)), color=_marker_color(), tooltip=["label:N", "time:N"])
    )
    edge = (
        alt.Chart()
        .transform_filter("datum.layer == 'edge'")
        .mark_point(opacity=0, size=0)
        .encode(x=alt.X("ts:T", scale=_scale(domain)))
    )
    return (
        alt.layer(shade, line, rules, edge, data=data)
        .properties(width=WIDTH // 2 - 40, height=110)
        .facet(facet=alt.Facet("metric:N", title=None), columns=2)
        .resolve_scale(y="independent")
        .properties(title=labels["metrics"])
    )


def drill_comparison(drills: pl.DataFrame, labels: Labels) -> alt.Chart:
    """TTD and TTR per drill in minutes, with n drills in the title."""
    long = drills.select(
        "drill", (pl.col("ttd_s") / 60).alias("TTD"), (pl.col("ttr_s") / 60).alias("TTR")
    ).unpivot(index="drill", variable_name="metric", value_name="minutes")
    n = drills.height
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("minutes:Q", title=labels["minutes"]),
            y=alt.Y("drill:N", title=None),
            color=alt.Color("metric:N", title=None),
            yOffset="metric:N",
            tooltip=["drill:N", "metric:N", alt.Tooltip("minutes:Q", format=".1f")],
        )
        .properties(width=WIDTH - 200, title=f"{labels['comparison']} (n = {n})")
    )
