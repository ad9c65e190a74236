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
from drillscope.reports.html import ChartOut, chart_out, e, fmt_dur, fmt_short, html_page, write_images
from drillscope.reports.i18n import Labels, labels

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


def terminal_table(table: pl.DataFrame) -> pl.DataFrame:
    """The quarterly table as people read it: availability and budget in %, durations like 1h30m, a quarter
    that is mostly unobserved marked, narrow enough for an 80-column terminal."""
    return table.select(
        "foundation",
        "capability",
        _pct(pl.col("availability_pct"), 4).alias("avail."),
        _pct(pl.col("availability_min_pct"), 4).alias("lower"),
        _pct(pl.col("slo_pct"), 3).alias("SLO"),
        pl.col("downtime_s").map_elements(fmt_short, return_dtype=pl.Utf8).alias("down"),
        pl.col("unknown_s").map_elements(fmt_short, return_dtype=pl.Utf8).alias("unknown"),
        _pct(pl.col("budget_used") * 100, 1).alias("budget"),
        pl.when(pl.col("mostly_unknown"))
        .then(pl.lit("unknown"))
        .when(pl.col("meets_slo"))
        .then(pl.lit("yes"))
        .otherwise(pl.lit("no"))
        .alias("SLO met"),
    )


def _pct(x: pl.Expr, digits: int) -> pl.Expr:
    return pl.format("{}%", x.round(digits).cast(pl.Utf8).str.replace(r"\.0$", ""))


def write_quarterly(
    out: Path, quarter: str, slo: float | None = None, foundation: str | None = None, lang: str = "en"
) -> Path:
    """Write `out/report/quarterly/<quarter>.html` (+ PNG/SVG of its charts); returns its path."""
    quarter = parse_quarter(quarter)
    folder = out / "report" / "quarterly"
    folder.mkdir(parents=True, exist_ok=True)
    with open_db(out) as con:
        return quarterly_page(con, folder, quarter, parse_slo(slo), foundation, lang)


def quarterly_page(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    quarter: str,
    slo: float | None = None,
    foundation: str | None = None,
    lang: str = "en",
) -> Path:
    """The quarter's page in `folder` (also written by the drill report for every quarter it links to)."""
    lab = labels(lang)
    params = {"quarter": quarter, "slo": slo, "foundation": foundation}
    table = _q(con, "quarterly", params)
    if table.is_empty():
        raise DrillscopeError(
            f"no availability data for {quarter}" + (f" and foundation {foundation}" if foundation else "")
        )
    burn = _q(con, "quarterly_burn", params)
    drills = _q(con, "quarterly_drills", params)
    trend = _q(con, "quarterly_trend", params)
    outs = [
        chart_out("availability", lab["q_availability_chart"], availability_chart(table, lab)),
        chart_out("burn", lab["q_burn_chart"], burn_chart(burn, lab)),
        chart_out("trend", lab["q_trend_chart"], trend_chart(trend, lab)),
    ]
    if not drills.is_empty():
        outs.append(
            chart_out("drills", lab["q_drills_chart"].format(n=drills.height), drills_chart(drills, lab))
        )
    for c in outs:
        c.name = f"{quarter}-{c.name}"
    write_images(outs, folder)

    def verdict(r: dict) -> str:
        if r["mostly_unknown"]:
            return f'<span class="sev sev-warning">{e(lab["q_mostly_unknown"])}</span>'
        return "✔" if r["meets_slo"] else "✘"

    rows = "".join(
        f'<tr class="{"mostly-unknown" if r["mostly_unknown"] else ""}"><td>{e(r["foundation"])}</td>'
        f"<td>{e(r['capability'])}</td><td class=num>{r['availability_pct']:.4f} %</td>"
        f"<td class=num>{r['availability_min_pct']:.4f} %</td><td class=num>{r['availability_unplanned_pct']:.4f} %</td>"
        f"<td class=num>{r['slo_pct']:.3f} %</td><td class=num>{e(fmt_dur(r['downtime_s']))}</td>"
        f"<td class=num>{e(fmt_dur(r['planned_downtime_s']))}</td><td class=num>{e(fmt_dur(r['unknown_s']))} "
        f"({(r['unknown_share'] or 0) * 100:.1f} %)</td>"
        f"<td class=num>{r['budget_used'] * 100:.1f} %</td><td>{verdict(r)}</td></tr>"
        for r in table.iter_rows(named=True)
    )
    drill_rows = "".join(
        f"<tr><td>{e(r['drill'])}</td><td>{e(r['foundation'])}</td><td class=num>{e(fmt_dur(r['ttd_s']))}</td>"
        f"<td class=num>{e(fmt_dur(r['ttr_s']))}</td></tr>"
        for r in drills.iter_rows(named=True)
    )
    flagged = table.filter(pl.col("mostly_unknown")).height
    note = f'<p class="empty" id="mostly-unknown">{e(lab["q_flag_note"])}</p>' if flagged else ""
    head = [
        lab["foundation"], lab["capability"], lab["availability"], lab["q_lower"], lab["q_unplanned"], "SLO",
        lab["downtime"], lab["q_in_drills"], lab["unknown_time"], lab["q_budget_used"], lab["q_slo_met"],
    ]  # fmt: skip
    body = f"""<p><a href="../index.html">← {e(lab["back"])}</a></p>
<h1>{e(lab["q_title"].format(quarter=quarter))}</h1>
{note}
<table id=quarterly><tr>{"".join(f"<th>{e(h)}</th>" for h in head)}</tr>{rows}</table>
<h2>{e(lab["drills"])} ({drills.height})</h2>
<table id=drills><tr><th>{e(lab["drill"])}</th><th>{e(lab["foundation"])}</th><th>TTD</th><th>TTR</th></tr>{drill_rows}</table>
""" + "".join(f'<h2>{e(c.title)}</h2><div class="chart" id="chart-{c.name}"></div>' for c in outs)
    path = folder / f"{quarter}.html"
    tmp = folder / f".{quarter}.html.tmp-{os.getpid()}"
    tmp.write_text(html_page(lab["q_title"].format(quarter=quarter), body, outs, lang), encoding="utf-8")
    os.replace(tmp, path)
    return path


# Availability on a nines scale: 90 % → 1, 99 % → 2, 99.9 % → 3 ..., so 99.93 % and 100 % do not look the same.
# 100 % (no downtime) sits at 6 nines, the top of the axis.
NINES_TOP = 6


def nines(col: str) -> pl.Expr:
    return -(1 - pl.col(col).cast(pl.Float64)).clip(10.0**-NINES_TOP, 1.0).log10()


_NINES_AXIS = alt.Axis(
    values=[0, 1, 2, 3, 4, 5, 6],
    labelExpr="datum.value >= 6 ? '100 %' : (100 - pow(10, 2 - datum.value)) + ' %'",
    grid=True,
)


def _legend_labels() -> alt.Legend:
    return alt.Legend(labelLimit=0, symbolLimit=0)


def availability_chart(table: pl.DataFrame, lab: Labels) -> alt.LayerChart:
    """One bar per foundation and capability on the nines scale, coloured by foundation; the range down to the
    lower bound (unknown time counted as down) as a line, the SLO as a black tick; a quarter mostly unobserved is
    drawn faded and says so."""
    df = table.with_columns(
        (pl.col("foundation") + " · " + pl.col("capability")).alias("series"),
        (pl.col("availability_pct") / 100).alias("a"),
        (pl.col("availability_min_pct") / 100).alias("a_min"),
        (pl.col("slo_pct") / 100).alias("s"),
    ).with_columns(
        nines("a").alias("n"),
        nines("a_min").alias("n_min"),
        nines("s").alias("n_slo"),
        pl.when(pl.col("mostly_unknown"))
        .then(pl.lit(lab["q_mostly_unknown"]))
        .otherwise(pl.format("{} %", pl.col("availability_pct").round(4)))
        .alias("shown"),
    )
    y = alt.Y("series:N", title=None, axis=alt.Axis(labelLimit=0))
    x_title = lab["q_nines_axis"]
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("n:Q", title=x_title, scale=alt.Scale(domain=[0, NINES_TOP]), axis=_NINES_AXIS),
            y=y,
            color=alt.Color("foundation:N", title=lab["foundation"], legend=_legend_labels()),
            opacity=alt.condition("datum.mostly_unknown", alt.value(0.3), alt.value(0.9)),
            tooltip=[
                "series:N",
                alt.Tooltip("availability_pct:Q", format=".4f"),
                alt.Tooltip("availability_min_pct:Q", format=".4f"),
                alt.Tooltip("unknown_share:Q", format=".1%"),
                "slo_pct:Q",
                "budget_used:Q",
            ],
        )
    )
    low = alt.Chart(df).mark_rule(color="#555", strokeWidth=2).encode(x="n_min:Q", x2="n:Q", y=y)
    slo = alt.Chart(df).mark_tick(color="black", thickness=2, size=18).encode(x="n_slo:Q", y=y)
    text = alt.Chart(df).mark_text(align="left", dx=4, fontSize=11).encode(x="n:Q", y=y, text="shown:N")
    return alt.layer(bars, low, slo, text).properties(width=charts.WIDTH - 250)


def burn_chart(burn: pl.DataFrame, lab: Labels) -> alt.Chart:
    df = burn.with_columns(
        (pl.col("budget_left_s") / 60).alias("budget_left_min"),
        pl.col("day_end").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return (
        alt.Chart(df)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("day_end:T", title=lab["q_day"], scale=alt.Scale(type="utc")),
            y=alt.Y("budget_left_min:Q", title=lab["q_budget_left"]),
            color=alt.Color("foundation:N", title=lab["foundation"], legend=_legend_labels()),
            strokeDash=alt.StrokeDash("capability:N", title=lab["capability"], legend=_legend_labels()),
            tooltip=[
                "foundation:N",
                "capability:N",
                "day_end:T",
                alt.Tooltip("budget_left_min:Q", format=".1f"),
            ],
        )
        .properties(width=charts.WIDTH - 250)
    )


def trend_chart(trend: pl.DataFrame, lab: Labels) -> alt.LayerChart:
    """Availability per quarter on the nines scale, one colour per foundation and one dash per capability; a
    quarter mostly unobserved is left out of the line and marked with a hollow point at its lower bound."""
    df = trend.with_columns(
        nines("availability").alias("n"),
        nines("availability_min").alias("n_min"),
        (pl.col("availability") * 100).alias("pct"),
        (pl.col("availability_min") * 100).alias("pct_min"),
    ).with_columns(pl.when(pl.col("mostly_unknown")).then(None).otherwise(pl.col("n")).alias("n_line"))
    x = alt.X("quarter:O", title=lab["q_quarter"], axis=alt.Axis(labelAngle=0))
    scale = alt.Scale(domain=[0, NINES_TOP])
    line = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("n_line:Q", title=lab["q_nines_axis"], scale=scale, axis=_NINES_AXIS),
            color=alt.Color("foundation:N", title=lab["foundation"], legend=_legend_labels()),
            strokeDash=alt.StrokeDash("capability:N", title=lab["capability"], legend=_legend_labels()),
            tooltip=["foundation:N", "capability:N", "quarter:O", alt.Tooltip("pct:Q", format=".4f")],
        )
    )
    unknown = (
        alt.Chart(df)
        .transform_filter("datum.mostly_unknown")
        .mark_point(shape="triangle-down", filled=False, size=80, strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("n_min:Q", scale=scale),
            color=alt.Color("foundation:N", legend=None),
            tooltip=[
                "foundation:N",
                "capability:N",
                "quarter:O",
                alt.Tooltip("pct_min:Q", format=".4f", title=lab["q_lower"]),
                alt.Tooltip("unknown_share:Q", format=".1%", title=lab["unknown_time"]),
            ],
        )
    )
    return alt.layer(line, unknown).properties(width=charts.WIDTH - 250)


def drills_chart(drills: pl.DataFrame, lab: Labels) -> alt.Chart:
    long = drills.select(
        "drill", (pl.col("ttd_s") / 60).alias("TTD"), (pl.col("ttr_s") / 60).alias("TTR")
    ).unpivot(index="drill", variable_name="metric", value_name="minutes")
    return (
        alt.Chart(long)
        .mark_tick(thickness=3, size=24)
        .encode(
            x=alt.X("minutes:Q", title=lab["minutes"]),
            y=alt.Y("metric:N", title=None),
            color=alt.Color("metric:N", legend=None),
            tooltip=["drill:N", "metric:N", alt.Tooltip("minutes:Q", format=".1f")],
        )
        .properties(width=charts.WIDTH - 250)
    )


__all__ = ["ChartOut", "quarterly", "write_quarterly"]
