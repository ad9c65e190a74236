"""Altair charts of a drill, each a function from query results (polars DataFrames) to a chart.

Usable from a notebook: `swimlanes(lanes, markers, tz="Asia/Seoul")` etc. Time axes: vl-convert renders in
UTC and a browser in its own zone, so the charts get wall-clock strings of the drill's zone marked as UTC
and a UTC time scale: HTML, PNG and SVG all read 10:25 for a 10:25 KST event.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from drillscope.reports.i18n import Labels

alt.data_transformers.disable_max_rows()

STATE_COLORS = {"window": "#d9d9d9", "observed": "#4caf50", "down": "#e53935"}
FONT = "NanumGothic, Nanum Gothic, Noto Sans CJK KR, sans-serif"
WIDTH = 900


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


# Wall-clock ticks: HH:MM, and the date (MM-DD) on a midnight tick, so a window of days does not read 00:00 00:00
_TICK = (
    "utcFormat(datum.value, utchours(datum.value) == 0 && utcminutes(datum.value) == 0 ? '%m-%d' : '%H:%M')"
)


def _x(field: str, title: str) -> alt.X:
    return alt.X(
        f"{field}:T", title=title, scale=alt.Scale(type="utc"), axis=alt.Axis(labelExpr=_TICK, labelAngle=0)
    )


def _marker_layers(markers: pl.DataFrame, tz: str, height: float | None = None) -> list[alt.Chart]:
    if markers.is_empty():
        return []
    # a label within 1/100 of the span of the one before it is drawn 11 px to the right (else they overprint;
    # the text is turned 270°, so its dy is the screen x)
    span = (markers["ts"].max() - markers["ts"].min()).total_seconds() or 1.0  # type: ignore[operator,union-attr]
    close = (pl.col("ts").diff().dt.total_seconds() < span / 100).fill_null(False)
    m = (
        markers.sort("ts")
        .with_columns(nudge=pl.when(close).then(11).otherwise(0))
        .pipe(wall, ["ts"], tz)
        .with_columns(pl.col("ts").str.slice(11, 8).alias("time"))
    )
    base = alt.Chart(m)
    rule = base.mark_rule(strokeDash=[4, 3], color="#333").encode(
        x=alt.X("ts:T", scale=alt.Scale(type="utc")), tooltip=["label:N", "time:N"]
    )
    texts = [
        base.transform_filter(f"datum.nudge == {n}")
        .mark_text(angle=270, align="left", baseline="bottom", dx=4, dy=-2 + n, fontSize=10, y=2)
        .encode(x=alt.X("ts:T", scale=alt.Scale(type="utc")), text="label:N")
        for n in (0, 11)
    ]
    return [rule, *texts]


def swimlanes(lanes: pl.DataFrame, markers: pl.DataFrame, tz: str, labels: Labels) -> alt.LayerChart:
    """One lane per capability: grey = drill window (unknown unless observed), green = observed up,
    red = down (outages); dashed rules at injection, detection, cck, recovery."""
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
        .mark_bar(height=14)
        .encode(
            x=_x("started_at", labels["time"]),
            x2="ended_at:T",
            y=alt.Y("capability:N", title=labels["capability"]),
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
    return alt.layer(bars, *_marker_layers(markers, tz)).properties(width=WIDTH, title=labels["swimlanes"])


def event_timeline(events: pl.DataFrame, tz: str, labels: Labels) -> alt.Chart:
    """One lane per source type; a point per event, tooltip with local time, message and file:line."""
    df = wall(events, ["ts"], tz).with_columns(
        (pl.col("source_file") + ":" + pl.col("source_line").cast(pl.Utf8)).alias("where"),
        pl.col("message").str.slice(0, 300),
        pl.col("ts").str.slice(11, 8).alias("time"),
    )
    return (
        alt.Chart(df)
        .mark_point(filled=True, size=40, opacity=0.7)
        .encode(
            x=_x("ts", labels["time"]),
            y=alt.Y("source_type:N", title=labels["source"]),
            color=alt.Color("severity:N", title=labels["severity"]),
            tooltip=[
                alt.Tooltip("time:N", title=labels["time"]),
                "kind:N",
                alt.Tooltip("message:N", title=labels["message"]),
                alt.Tooltip("where:N", title=labels["evidence"]),
            ],
        )
        .properties(width=WIDTH, title=labels["events"])
    )


def task_gantt(tasks: pl.DataFrame, tz: str, labels: Labels) -> alt.Chart:
    """BOSH tasks as bars from start to end."""
    df = wall(tasks, ["started_at", "ended_at"], tz).with_columns(
        (pl.col("task_id").cast(pl.Utf8) + " " + pl.col("description")).alias("task"),
        pl.col("started_at").str.slice(11, 8).alias("from"),
        pl.col("ended_at").str.slice(11, 8).alias("to"),
    )
    return (
        alt.Chart(df)
        .mark_bar(height=12)
        .encode(
            x=_x("started_at", labels["time"]),
            x2="ended_at:T",
            y=alt.Y("task:N", title=labels["task"], sort=alt.EncodingSortField("started_at")),
            color=alt.Color("state:N", title=labels["state"]),
            tooltip=[
                "task:N",
                "state:N",
                alt.Tooltip("from:N", title=labels["from"]),
                alt.Tooltip("to:N", title=labels["to"]),
            ],
        )
        .properties(width=WIDTH, title=labels["tasks"])
    )


def vm_heatmap(vms: pl.DataFrame, tz: str, labels: Labels) -> alt.Chart:
    """VM process state per instance (rows, grouped by AZ) and snapshot time (columns)."""
    df = wall(vms, ["ts"], tz).with_columns(pl.col("ts").str.slice(11, 8).alias("snapshot"))
    return (
        alt.Chart(df)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("snapshot:O", title=labels["snapshot"]),
            y=alt.Y("instance:N", title=None, axis=alt.Axis(labelLimit=260, labelFontSize=8)),
            color=alt.Color(
                "process_state:N",
                title=labels["state"],
                scale=alt.Scale(
                    domain=["running", "failing", "unresponsive agent", "stopped", "starting", "unknown"],
                    range=["#4caf50", "#ff9800", "#e53935", "#9e9e9e", "#03a9f4", "#795548"],
                ),
            ),
            row=alt.Row("az:N", title="AZ"),
            tooltip=["instance:N", "az:N", "snapshot:O", "process_state:N"],
        )
        .resolve_scale(y="independent")
        .properties(width=240, title=labels["vms"])
    )


def metric_panels(metrics: pl.DataFrame, window: tuple | None, tz: str, labels: Labels) -> alt.FacetChart:
    """Small multiples per metric; a sample missing for more than 1.5 intervals breaks the line (a gap,
    not a zero); the drill window is shaded."""
    m = metrics.sort("metric", "ts")
    gap = (pl.col("ts").diff().over("metric").dt.total_seconds() > 1.5 * pl.col("interval_s")).fill_null(
        False
    )
    breaks = m.filter(gap).with_columns(
        (pl.col("ts") - pl.duration(seconds=1)).alias("ts"), pl.lit(None, pl.Float64).alias("value")
    )
    df = wall(pl.concat([m, breaks]).sort("metric", "ts"), ["ts"], tz).with_columns(
        pl.col("ts").str.slice(11, 8).alias("time")
    )
    line = (
        alt.Chart()
        .mark_line(point=alt.OverlayMarkDef(size=12), invalid="break-paths-show-domains")
        .encode(
            x=_x("ts", labels["time"]),
            y=alt.Y("value:Q", title=None),
            tooltip=["metric:N", alt.Tooltip("time:N", title=labels["time"]), "value:Q"],
        )
    )
    layers: list = [line]
    if window and window[0] is not None and window[1] is not None:
        w = wall(pl.DataFrame({"a": [window[0]], "b": [window[1]]}), ["a", "b"], tz)
        shade = (
            alt.Chart(w)
            .mark_rect(opacity=0.15, color="#e53935")
            .encode(x=alt.X("a:T", scale=alt.Scale(type="utc")), x2="b:T")
        )
        layers.insert(0, shade)
    return (
        alt.layer(*layers, data=df)
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
