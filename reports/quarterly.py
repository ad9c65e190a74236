"""The quarterly availability report: `report/quarterly/<QUARTER>.html`, offline and self-contained like the
drill pages: availability per capability against the SLO, the error-budget burn-down, the quarter's drills
(TTD/TTR as a distribution with n) and the trend over the quarters in the lake."""

from __future__ import annotations

import os
import re
from pathlib import Path

import altair as alt
import duckdb
import polars as pl

from drillscope.db import open_db, run_named
from drillscope.errors import DrillscopeError, UsageError
from drillscope.reports import charts
from drillscope.reports.html import ChartOut, chart_out, e, fmt_dur, html_page, write_images

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(q: str) -> str:
    q = q.strip().upper()
    if not QUARTER.match(q):
        raise UsageError(f"quarter {q!r}: use QUARTER like 2019Q1")
    return q


def parse_slo(slo: float | None) -> float | None:
    """`--slo 99.9` (percent) or `0.999` (fraction) → 0.999."""
    if slo is None:
        return None
    frac = slo / 100 if slo > 1 else slo
    if not 0 < frac < 1:
        raise UsageError(f"--slo {slo}: give a percentage below 100, e.g. 99.9")
    return frac


def _q(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pl.DataFrame:
    return run_named(con, f"report/{name}", params)


def quarterly(
    out: Path, quarter: str, slo: float | None = None, foundation: str | None = None
) -> pl.DataFrame:
    """The quarter's availability per foundation and capability (the terminal table)."""
    params = {"quarter": parse_quarter(quarter), "slo": parse_slo(slo), "foundation": foundation}
    with open_db(out) as con:
        return _q(con, "quarterly", params)


def write_quarterly(out: Path, quarter: str, slo: float | None = None, foundation: str | None = None) -> Path:
    """Write `out/report/quarterly/<quarter>.html` (+ PNG/SVG of its charts); returns its path."""
    quarter = parse_quarter(quarter)
    params = {"quarter": quarter, "slo": parse_slo(slo), "foundation": foundation}
    with open_db(out) as con:
        table = _q(con, "quarterly", params)
        if table.is_empty():
            raise DrillscopeError(
                f"no availability data for {quarter}"
                + (f" and foundation {foundation}" if foundation else "")
            )
        burn = _q(con, "quarterly_burn", params)
        drills = _q(con, "quarterly_drills", params)
        trend = _q(con, "quarterly_trend", params)
    folder = out / "report" / "quarterly"
    folder.mkdir(parents=True, exist_ok=True)
    outs = [
        chart_out("availability", "Availability against the SLO", availability_chart(table)),
        chart_out("burn", "Error budget left (burn-down)", burn_chart(burn)),
        chart_out("trend", "Availability by quarter", trend_chart(trend)),
    ]
    if not drills.is_empty():
        outs.append(
            chart_out(
                "drills", f"Drills of the quarter: TTD and TTR (n = {drills.height})", drills_chart(drills)
            )
        )
    for c in outs:
        c.name = f"{quarter}-{c.name}"
    write_images(outs, folder)
    rows = "".join(
        f"<tr><td>{e(r['foundation'])}</td><td>{e(r['capability'])}</td><td class=num>{r['availability_pct']:.4f} %</td>"
        f"<td class=num>{r['availability_min_pct']:.4f} %</td><td class=num>{r['availability_unplanned_pct']:.4f} %</td>"
        f"<td class=num>{r['slo_pct']:.3f} %</td><td class=num>{e(fmt_dur(r['downtime_s']))}</td>"
        f"<td class=num>{e(fmt_dur(r['planned_downtime_s']))}</td><td class=num>{e(fmt_dur(r['unknown_s']))}</td>"
        f"<td class=num>{r['budget_used'] * 100:.1f} %</td><td>{'✔' if r['meets_slo'] else '✘'}</td></tr>"
        for r in table.iter_rows(named=True)
    )
    drill_rows = "".join(
        f"<tr><td>{e(r['drill'])}</td><td>{e(r['foundation'])}</td><td class=num>{e(fmt_dur(r['ttd_s']))}</td>"
        f"<td class=num>{e(fmt_dur(r['ttr_s']))}</td></tr>"
        for r in drills.iter_rows(named=True)
    )
    body = f"""<p><a href="../index.html">← drills</a></p>
<h1>Availability {e(quarter)}</h1>
<table id=quarterly><tr><th>Foundation</th><th>Capability</th><th>Availability</th><th>Lower bound (unknown as down)</th>
<th>Without drills</th><th>SLO</th><th>Downtime</th><th>of it in drills</th><th>Unknown</th><th>Budget used</th><th>SLO met</th></tr>{rows}</table>
<h2>Drills ({drills.height})</h2>
<table id=drills><tr><th>Drill</th><th>Foundation</th><th>TTD</th><th>TTR</th></tr>{drill_rows}</table>
""" + "".join(f'<h2>{e(c.title)}</h2><div class="chart" id="chart-{c.name}"></div>' for c in outs)
    path = folder / f"{quarter}.html"
    tmp = folder / f".{quarter}.html.tmp-{os.getpid()}"
    tmp.write_text(html_page(f"Availability {quarter}", body, outs, "en"), encoding="utf-8")
    os.replace(tmp, path)
    return path


def availability_chart(table: pl.DataFrame) -> alt.LayerChart:
    df = table.with_columns((pl.col("foundation") + " · " + pl.col("capability")).alias("series"))
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("availability_pct:Q", title="availability %", scale=alt.Scale(zero=False)),
            y=alt.Y("series:N", title=None),
            color=alt.Color(
                "meets_slo:N",
                title="SLO met",
                scale=alt.Scale(domain=[True, False], range=["#4caf50", "#e53935"]),
            ),
            tooltip=[
                "series:N",
                "availability_pct:Q",
                "availability_min_pct:Q",
                "slo_pct:Q",
                "budget_used:Q",
            ],
        )
    )
    slo = alt.Chart(df).mark_tick(color="black", thickness=2, size=18).encode(x="slo_pct:Q", y="series:N")
    return alt.layer(bars, slo).properties(width=charts.WIDTH - 250)


def burn_chart(burn: pl.DataFrame) -> alt.Chart:
    df = burn.with_columns(
        (pl.col("foundation") + " · " + pl.col("capability")).alias("series"),
        (pl.col("budget_left_s") / 60).alias("budget_left_min"),
        pl.col("day_end").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return (
        alt.Chart(df)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("day_end:T", title="day", scale=alt.Scale(type="utc")),
            y=alt.Y("budget_left_min:Q", title="budget left (min)"),
            color=alt.Color("series:N", title=None),
            tooltip=["series:N", "day_end:T", alt.Tooltip("budget_left_min:Q", format=".1f")],
        )
        .properties(width=charts.WIDTH - 250)
    )


def trend_chart(trend: pl.DataFrame) -> alt.Chart:
    df = trend.with_columns(
        (pl.col("foundation") + " · " + pl.col("capability")).alias("series"),
        (pl.col("availability") * 100).alias("pct"),
    )
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:O", title="quarter"),
            y=alt.Y("pct:Q", title="availability %", scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", title=None),
            tooltip=["series:N", "quarter:O", alt.Tooltip("pct:Q", format=".4f")],
        )
        .properties(width=charts.WIDTH - 250)
    )


def drills_chart(drills: pl.DataFrame) -> alt.Chart:
    long = drills.select(
        "drill", (pl.col("ttd_s") / 60).alias("TTD"), (pl.col("ttr_s") / 60).alias("TTR")
    ).unpivot(index="drill", variable_name="metric", value_name="minutes")
    return (
        alt.Chart(long)
        .mark_tick(thickness=3, size=24)
        .encode(
            x=alt.X("minutes:Q", title="minutes"),
            y=alt.Y("metric:N", title=None),
            color=alt.Color("metric:N", legend=None),
            tooltip=["drill:N", "metric:N", alt.Tooltip("minutes:Q", format=".1f")],
        )
        .properties(width=charts.WIDTH - 250)
    )


__all__ = ["ChartOut", "quarterly", "write_quarterly"]
