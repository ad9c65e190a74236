"""The drill report: `report/index.html` (all drills) and `report/<drill>/index.html`, self-contained and
offline (the Vega JavaScript inlined once per page from vl-convert), every chart also as PNG and SVG, and
`report/<drill>/summary.md` for a wiki.

Every text that comes from a log is escaped (`html.escape`, and `<`, `>`, `&` escaped inside the JSON of the
chart specs), so a message like `<img src=x onerror=alert(1)>` shows as text. The report is written into a
temp folder and swapped into place, so a failure never leaves a half-written report.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote

import duckdb
import polars as pl

from drillscope import ids
from drillscope.db import open_db, run_named
from drillscope.errors import UsageError
from drillscope.reports import charts
from drillscope.reports.html import (
    ChartOut,
    chart_out,
    e,
    fmt_dur,
    fmt_pct,
    fmt_ts,
    html_page,
    md_code,
    md_text,
    slug,
    write_images,
)
from drillscope.reports.i18n import Labels, labels
from drillscope.reports.quarterly import quarterly_page
from drillscope.reports.skew import skew_section


def report_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pl.DataFrame:
    """Run `sql/report/<name>.sql` with the `$params` it uses."""
    return run_named(con, f"report/{name}", params)


def _q(con: duckdb.DuckDBPyConnection, name: str, drill: str | None = None) -> pl.DataFrame:
    return report_sql(con, name, {"drill": drill} if drill is not None else None)


def _drill_page(
    con: duckdb.DuckDBPyConnection, d: dict, lab: Labels, lang: str, folder: Path
) -> tuple[str, str]:
    drill, tz = d["drill"], d["timezone"]
    caps = _q(con, "capabilities", drill)
    outages = _q(con, "outages", drill)
    lanes = _q(con, "lanes", drill)
    raw_markers = _q(con, "markers", drill)
    events = _q(con, "events", drill)
    tasks = _q(con, "tasks", drill)
    vms = _q(con, "vm_states", drill)
    metrics = _q(con, "metrics", drill)
    timeline = _q(con, "timeline", drill)
    evidence = _q(con, "evidence", drill)

    # one time axis and one set of markers for every time chart of the page
    instants = [
        *lanes["started_at"], *lanes["ended_at"], *events["ts"], *tasks["started_at"], *tasks["ended_at"],
        *vms["ts"], *metrics["ts"], *raw_markers["ts"],
    ]  # fmt: skip
    domain = charts.time_domain(instants, tz)
    markers = charts.marker_frame(raw_markers, tz, lab)
    outs: list[ChartOut] = []
    if not lanes.is_empty():
        outs.append(
            chart_out("swimlanes", lab["swimlanes"], charts.swimlanes(lanes, markers, tz, lab, domain))
        )
    if not events.is_empty():
        outs.append(
            chart_out("events", lab["events"], charts.event_timeline(events, markers, tz, lab, domain))
        )
    if not tasks.is_empty():
        outs.append(chart_out("tasks", lab["tasks"], charts.task_gantt(tasks, markers, tz, lab, domain)))
    if not vms.is_empty():
        outs.append(chart_out("vms", lab["vms"], charts.vm_heatmap(vms, markers, tz, lab, domain)))
    if not metrics.is_empty():
        window = (d["injected_at"], d["recovered_at"])
        outs.append(
            chart_out(
                "metrics", lab["metrics"], charts.metric_panels(metrics, window, markers, tz, lab, domain)
            )
        )
    write_images(outs, folder)

    inferred_from_alert = d["injected_by"] == "inferred" and d["ttd_s"] == 0
    note_html = (
        f'<p class=note id="inferred-injection">{e(lab["inferred_from_alert"])}</p>'
        if inferred_from_alert
        else ""
    )
    note_md = f"> {md_text(lab['inferred_from_alert'])}\n" if inferred_from_alert else ""
    signals_html, signals_md = _signals_section(con, drill, lab)

    milestones = [
        (
            "injected",
            d["injected_at"],
            f"{lab['by']} {lab.get('by_' + (d['injected_by'] or ''), d['injected_by'] or '—')}",
            d["injected_evidence"],
        ),
        ("detected", d["detected_at"], f"{lab['ttd']} {fmt_dur(d['ttd_s'])}", d["detected_evidence"]),
    ]
    milestones.append(
        ("notified", d["notified_at"], f"{lab['ttn']} {fmt_dur(d['ttn_s'])}", d["notified_evidence"])
    )
    milestones.append(
        ("recovered", d["recovered_at"], f"{lab['ttr']} {fmt_dur(d['ttr_s'])}", d["recovered_evidence"])
    )
    summary = (
        f'<table id="summary"><tr><th></th><th>{e(lab["time"])} ({e(tz)})</th><th></th>'
        f"<th>{e(lab['evidence'])}</th></tr>"
        + "".join(
            f"<tr><th>{e(lab[k])}</th><td>{e(fmt_ts(ts, tz))}</td><td>{e(how)}</td><td>{_ev_ref(ref)}</td></tr>"
            for k, ts, how, ref in milestones
        )
        + f"</table>{note_html}"
    )
    out_html, out_md = _outage_section(outages, tz, lab)
    cap_rows = "".join(
        f"<tr><td>{e(r['capability'])}</td><td>{e(fmt_ts(r['first_failure_at'], tz))}</td>"
        f"<td>{e(fmt_ts(r['restored_at'], tz))}</td><td class=num>{e(fmt_dur(r['downtime_s']))}</td>"
        f"<td class=num>{e(fmt_pct(r['availability']))}</td><td class=num>{e(fmt_dur(r['unknown_s']))}</td>"
        f"<td class=num>{e(fmt_pct(r['availability_min']))} … {e(fmt_pct(r['availability_max']))}</td></tr>"
        for r in caps.iter_rows(named=True)
    )
    window_note = lab["window_note"].format(
        start=fmt_ts(d["injected_at"], tz), end=fmt_ts(d["recovered_at"], tz), length=fmt_dur(d["ttr_s"])
    )
    cap_table = (
        f"<table id=capabilities><tr><th>{e(lab['capability'])}</th><th>{e(lab['first_failure'])}</th>"
        f"<th>{e(lab['restored'])}</th><th>{e(lab['downtime'])}</th><th>{e(lab['availability'])}</th>"
        f"<th>{e(lab['unknown_time'])}</th><th>{e(lab['bounds'])}</th></tr>{cap_rows}</table>"
        f'<p class="sub" id="window-note">{e(window_note)}</p>'
    )
    tl_table = _timeline_section(timeline, tz, lab)
    ev_table = _evidence_section(con, drill, evidence, tz, lab)
    chart_divs = "".join(f'<h2>{e(c.title)}</h2><div class="chart" id="chart-{c.name}"></div>' for c in outs)
    findings_html, findings_md = _findings_section(con, drill, tz, lab)
    plan_html, plan_md = _plan_section(con, drill, tz, lab)
    skew_html = skew_section(con, drill, tz, lab)
    coverage_html = _coverage_section(con, drill, lab)
    observed = bool(outs) or not timeline.is_empty() or not caps.is_empty()
    nothing = "" if observed else f'<p id="no-observation" class="empty">{e(lab["no_observation"])}</p>'
    body = f"""<p><a href="../index.html">← {e(lab["back"])}</a></p>
<h1>{e(d["name"])}</h1>
<p class=sub>{e(lab["foundation"])}: {e(d["foundation"] or "—")} · {e(d["fault"] or "")} · {e(lab["zone"])} {e(tz)}</p>
{nothing}
{findings_html}
<h2>{e(lab["summary"])}</h2>{summary}
{out_html}
<h2>{e(lab["capabilities"])}</h2>{cap_table}
{signals_html}
{plan_html}
{chart_divs}
{tl_table}
{ev_table}
{skew_html}
{coverage_html}
<p class=sub>{e(lab["generated"])}</p>"""
    page = html_page(f"{d['name']} — {lab['title']}", body, outs, lang)

    md_caps = "\n".join(
        f"| {md_text(r['capability'])} | {fmt_ts(r['first_failure_at'], tz)} | {fmt_ts(r['restored_at'], tz)} | "
        f"{fmt_dur(r['downtime_s'])} | {fmt_pct(r['availability'])} |"
        for r in caps.iter_rows(named=True)
    )
    key_md = "\n".join(
        f"| {md_text(lab[k])} | {fmt_ts(t, tz)} | {md_text(x)} | {md_code(ev or '—')} |"
        for k, t, x, ev in milestones
    )
    md = f"""# {md_text(d["name"])}

{md_text(lab["foundation"])}: {md_code(d["foundation"] or "—")} — {md_text(lab["zone"])} {md_text(tz)}

{"" if observed else md_text(lab["no_observation"]) + chr(10)}
{findings_md}

| | {md_text(lab["time"])} | | {md_text(lab["evidence"])} |
|---|---|---|---|
{key_md}

{out_md}
{_markers_md(raw_markers, tz, lab)}
| {md_text(lab["capability"])} | {md_text(lab["first_failure"])} | {md_text(lab["restored"])} | {md_text(lab["downtime"])} | {md_text(lab["availability"])} |
|---|---|---|---|---|
{md_caps}

{note_md}
{signals_md}

{md_text(window_note)}

{plan_md}
""" + "\n".join(f"## {md_text(c.title)}\n\n![{md_text(c.title)}]({c.name}.png)\n" for c in outs)
    return page, md


def _outage_section(outages: pl.DataFrame, tz: str, lab: Labels) -> tuple[str, str]:
    """Every outage: capability, down from, up at, duration, start and end evidence (HTML and Markdown)."""
    if outages.is_empty():
        return (
            f'<section id="outages"><h2>{e(lab["outages"])}</h2><p>{e(lab["no_outages"])}</p></section>',
            f"## {md_text(lab['outages'])}\n\n{md_text(lab['no_outages'])}\n",
        )
    trs, md_rows = [], []
    for r in outages.iter_rows(named=True):
        if r["n_left_out"] is not None:
            line = lab["outages_left_out"].format(n=r["n_left_out"])
            trs.append(f'<tr class="left-out"><td colspan=6>{e(line)}</td></tr>')
            md_rows.append(f"| {md_text(line)} | | | | | |")
            continue
        up = lab["still_down"] if r["open"] else fmt_ts(r["ended_at"], tz)
        trs.append(
            f"<tr><td>{e(r['capability'])}</td><td>{e(fmt_ts(r['started_at'], tz))}</td><td>{e(up)}</td>"
            f"<td class=num>{e(fmt_dur(r['duration_s']))}</td><td>{_ev_ref(r['start_evidence'])}</td>"
            f"<td>{_ev_ref(r['end_evidence'])}</td></tr>"
        )
        md_rows.append(
            f"| {md_text(r['capability'])} | {fmt_ts(r['started_at'], tz)} | {md_text(up)} | {fmt_dur(r['duration_s'])} | "
            f"{md_code(r['start_evidence'] or '—')} | {md_code(r['end_evidence'] or '—')} |"
        )
    head = [
        lab["capability"],
        lab["down_from"],
        lab["up_at"],
        lab["duration"],
        lab["start_ev"],
        lab["end_ev"],
    ]
    html_ = (
        f'<section id="outages"><h2>{e(lab["outages"])}</h2><table id="outage-table"><tr>'
        + "".join(f"<th>{e(h)}</th>" for h in head)
        + f"</tr>{''.join(trs)}</table></section>"
    )
    md = (
        f"## {md_text(lab['outages'])}\n\n| "
        + " | ".join(md_text(h) for h in head)
        + " |\n|---|---|---|---|---|---|\n"
        + "\n".join(md_rows)
        + "\n"
    )
    return html_, md


def _markers_md(markers: pl.DataFrame, tz: str, lab: Labels) -> str:
    """The operators' own drill.toml `[[markers]]` for summary.md (nothing when there are none)."""
    ops = markers.filter(pl.col("key") == "operator")
    if ops.is_empty():
        return ""
    rows = "\n".join(f"| {fmt_ts(r['ts'], tz)} | {md_text(r['label'])} |" for r in ops.iter_rows(named=True))
    return (
        f"## {md_text(lab['operator_markers'])}\n\n| {md_text(lab['time'])} | {md_text(lab['marker'])} |\n"
        f"|---|---|\n{rows}\n"
    )


def _timeline_section(timeline: pl.DataFrame, tz: str, lab: Labels) -> str:
    """The long timeline with a filter by source, capability and phase (the page's inline script hides rows)."""

    def shown(col: str, v: str) -> str:  # a phase in the page's language; the filter matches the value
        return lab.get("ph_" + v, v) if col == "phase" else v

    def options(col: str, name: str) -> str:
        vals = sorted({v for v in timeline[col].to_list() if v})
        opts = "".join(f'<option value="{e(v)}">{e(shown(col, v))}</option>' for v in vals)
        return f'<label>{e(lab[name])} <select name="{col}"><option value="">{e(lab["all"])}</option>{opts}</select></label>'

    rows = "".join(
        f'<tr data-source="{e(r["source_type"] or "")}" data-capability="{e(r["capability"] or "")}" '
        f'data-phase="{e(r["phase"])}"><td>{e(fmt_ts(r["ts"], tz))}</td><td class=phase>{e(shown("phase", r["phase"]))}</td>'
        f"<td class=msg>{e(r['what'])}</td><td>{e(r['source_type'] or '')}</td>"
        f"<td><code>{e(_where(r['source_file'], r['source_line']))}</code></td></tr>"
        for r in timeline.iter_rows(named=True)
    )
    form = (
        f'<form id="timeline-filter" class="filter">{options("source_type", "source")} '
        f"{options('capability', 'capability')} {options('phase', 'phase')} "
        f"<span>{e(lab['shown'])}: <output>{timeline.height}</output> / {timeline.height}</span></form>"
    ).replace('name="source_type"', 'name="source"')
    return (
        f"<h2>{e(lab['timeline'])}</h2>{form}"
        f"<table id=timeline><tr><th>{e(lab['time'])}</th><th>{e(lab['phase'])}</th><th>{e(lab['what'])}</th>"
        f"<th>{e(lab['source'])}</th><th>{e(lab['evidence'])}</th></tr>{rows}</table>"
    )


def _evidence_section(
    con: duckdb.DuckDBPyConnection, drill: str, evidence: pl.DataFrame, tz: str, lab: Labels
) -> str:
    """One row per cited `file:line`; a link to it opens the lines around it (from the database: the redacted
    text kept at ingest, else the parsed rows of that file), so the page stays readable offline."""
    # one row per (what, reference): a reference standing for two instants (a `bosh tasks` row's start for a plan
    # step, its end for the recovery) shows each; links go to its first row, which holds the snippet
    shown = evidence.with_row_index("i")
    first = set(shown.group_by("ref").agg(pl.col("i").min())["i"].to_list())
    refs = sorted({r for r in shown["ref"].to_list() if r})
    ctx = report_sql(con, "evidence_context", {"drill": drill, "refs": refs}) if refs else None
    by_ref: dict[str, list[dict]] = {}
    if ctx is not None:
        for r in ctx.iter_rows(named=True):
            by_ref.setdefault(r["ref"], []).append(r)

    def snippet(ref: str, text: str | None) -> str:
        lines = by_ref.get(ref)
        summary = f"<summary>{e(text or '')}</summary>"
        if not lines:
            return f"<details>{summary}<p class=sub>{e(lab['no_context'])}</p></details>"
        body = "".join(
            f'<span class="{"cited" if r["cited"] else "ctx"}"><span class=ln>{r["source_line"]}</span>'
            f"{e(r['text'])}</span>\n"
            for r in lines
        )
        note = "" if lines[0]["verbatim"] else f"<p class=sub>{e(lab['context_rebuilt'])}</p>"
        return f"<details>{summary}<pre class=snippet>{body}</pre>{note}</details>"

    def row(r: dict) -> str:
        head = r["i"] in first
        anchor = f' id="{slug(r["ref"])}"' if head and r["ref"] else ""
        text = snippet(r["ref"], r["text"]) if head else e(r["text"])
        return (
            f"<tr{anchor}><td>{e(r['what'])}</td><td><code>{e(r['ref'])}</code></td>"
            f"<td>{e(fmt_ts(r['ts'], tz))}</td><td class=msg>{text}</td></tr>"
        )

    rows = "".join(row(r) for r in shown.iter_rows(named=True))
    return (
        f"<h2>{e(lab['evidence'])}</h2><p class=sub>{e(lab['evidence_help'])}</p>"
        f"<table id=evidence><tr><th>{e(lab['what'])}</th><th>{e(lab['evidence'])}</th><th>{e(lab['time'])}</th>"
        f"<th>{e(lab['message'])}</th></tr>{rows}</table>"
    )


def write_report(out: Path, drills: list[str] | None = None, lang: str = "en") -> Path:
    """Write `out/report/` for the given drills (default all); returns the path of index.html."""
    if lang not in ("en", "ko"):
        raise UsageError(f"--lang {lang!r}: use en or ko")
    lab = labels(lang)
    with open_db(out) as con:
        all_drills = _q(con, "drills")
        known = all_drills["drill"].to_list()
        if drills:
            missing = [x for x in drills if x not in known]
            if missing:
                raise UsageError(
                    f"unknown drill(s): {', '.join(missing)}; known: {', '.join(known) or 'none'}"
                )
        all_drills = all_drills.with_columns(  # drill.toml's name_ko, fault_ko under --lang ko
            *(
                pl.coalesce(f"{c}_{lang}", c).alias(c)
                for c in ("name", "fault")
                if f"{c}_{lang}" in all_drills.columns
            )
        )
        chosen = all_drills.filter(pl.col("drill").is_in(drills)) if drills else all_drills
        final = out / "report"
        _remove_stale(out)
        tmp = out / f"report.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            for d in chosen.iter_rows(named=True):
                folder = tmp / ids.folder(d["drill"])
                folder.mkdir()
                page_text, md = _drill_page(con, d, lab, lang, folder)
                (folder / "index.html").write_text(page_text, encoding="utf-8")
                (folder / "summary.md").write_text(md, encoding="utf-8")
            quarters = _q(con, "quarters")
            for q in quarters["quarter"].to_list():
                (tmp / "quarterly").mkdir(exist_ok=True)
                quarterly_page(con, tmp / "quarterly", q, lang=lang)
            _index(con, chosen, quarters, lab, lang, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    old = out / f"report.old-{os.getpid()}"
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)
    return final / "index.html"


def _remove_stale(out: Path) -> None:
    """Remove the temp folders of a report run that was killed (its pid is gone)."""
    for d in [*out.glob("report.tmp-*"), *out.glob("report.old-*")]:
        pid = d.name.rpartition("-")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _index(
    con: duckdb.DuckDBPyConnection,
    drills: pl.DataFrame,
    quarters: pl.DataFrame,
    lab: Labels,
    lang: str,
    folder: Path,
) -> None:
    rows = "".join(
        f'<tr><td><a href="{e(quote(ids.folder(r["drill"])))}/index.html">{e(r["name"])}</a></td><td>{e(r["foundation"])}</td>'
        f"<td>{e(fmt_ts(r['injected_at'], r['timezone']))}</td><td>{e(fmt_ts(r['detected_at'], r['timezone']))}</td>"
        f"<td class=num>{e(fmt_dur(r['ttd_s']))}</td><td class=num>{e(fmt_dur(r['ttn_s']))}</td>"
        f"<td>{e(fmt_ts(r['recovered_at'], r['timezone']))}</td><td class=num>{e(fmt_dur(r['ttr_s']))}</td></tr>"
        for r in drills.iter_rows(named=True)
    )
    ttrs = [x for x in drills["ttr_s"].to_list() if x is not None]
    mttr = fmt_dur(sum(ttrs) / len(ttrs)) if ttrs else "—"
    comparison_html = _comparison_section(con, drills, lab)
    outs = []
    # a chart with no TTD or TTR at all has no bars and no size: vl-convert cannot draw it
    timed = drills.filter(pl.col("ttd_s").is_not_null() | pl.col("ttr_s").is_not_null())
    if timed.height:
        outs.append(chart_out("comparison", lab["comparison"], charts.drill_comparison(timed, lab)))
        write_images(outs, folder)
    body = f"""<h1>{e(lab["title"])}</h1>
<h2>{e(lab["drills"])}</h2>
<table id=drills><tr><th>{e(lab["drill"])}</th><th>{e(lab["foundation"])}</th><th>{e(lab["injected"])}</th>
<th>{e(lab["detected"])}</th><th>{e(lab["ttd"])}</th><th>{e(lab["ttn"])}</th><th>{e(lab["recovered"])}</th><th>{e(lab["ttr"])}</th></tr>{rows}</table>
<p>{e(lab["mttr"])} = {e(mttr)} (n = {len(ttrs)})</p>
{comparison_html}
{_quarter_links(quarters, lab)}
""" + "".join(f'<h2>{e(c.title)}</h2><div class="chart" id="chart-{c.name}"></div>' for c in outs)
    (folder / "index.html").write_text(html_page(lab["title"], body, outs, lang), encoding="utf-8")


def _quarter_links(quarters: pl.DataFrame, lab: Labels) -> str:
    if quarters.is_empty():
        return ""
    items = "".join(
        f'<li><a href="quarterly/{e(r["quarter"])}.html">{e(lab["q_title"].format(quarter=r["quarter"]))}</a>'
        + (
            f' <span class="sev sev-warning">{e(lab["q_mostly_unknown"])}</span>'
            if r["any_mostly_unknown"]
            else ""
        )
        + "</li>"
        for r in quarters.iter_rows(named=True)
    )
    return f'<h2>{e(lab["quarterly"])}</h2><ul id="quarters">{items}</ul>'


# --- findings, plan vs actual, drill vs drill --------------------------------------------------------------


def _where(source_file: str | None, source_line: int | None) -> str:
    """`file:line`, the file alone when it has no line (drill.toml), nothing for a summary row."""
    return f"{source_file}:{source_line}" if source_line is not None else (source_file or "")


def _ev_ref(ref: str | None) -> str:
    """A link to the evidence table row of `ref` (file:line), or a dash."""
    return f'<a href="#{slug(ref)}"><code>{e(ref)}</code></a>' if ref else "—"


def _signals_section(con: duckdb.DuckDBPyConnection, drill: str, lab: Labels) -> tuple[str, str]:
    """Which metric series fed which capability, by which rule (empty when no series did)."""
    sig = _q(con, "signals", drill)
    if sig.is_empty():
        return "", ""
    rows = "".join(
        f"<tr><td>{e(r['capability'])}</td><td><code>{e(r['series'])}</code></td><td>{e(r['mapped_by'])}</td>"
        f"<td><code>{e(r['source_file'])}</code></td><td class=num>{r['samples']}</td><td class=num>{r['failed']}</td></tr>"
        for r in sig.iter_rows(named=True)
    )
    html = (
        f"<h2>{e(lab['signals'])}</h2><table id=signals><tr><th>{e(lab['capability'])}</th><th>{e(lab['series'])}</th>"
        f"<th>{e(lab['mapped_by'])}</th><th>{e(lab['source'])}</th><th>{e(lab['samples'])}</th>"
        f"<th>{e(lab['failed'])}</th></tr>{rows}</table>"
    )
    md_rows = "\n".join(
        f"| {md_text(r['capability'])} | {md_code(r['series'])} | {md_text(r['mapped_by'])} | "
        f"{md_code(r['source_file'])} | {r['samples']} | {r['failed']} |"
        for r in sig.iter_rows(named=True)
    )
    md = (
        f"## {md_text(lab['signals'])}\n\n| {md_text(lab['capability'])} | {md_text(lab['series'])} | "
        f"{md_text(lab['mapped_by'])} | {md_text(lab['source'])} | {md_text(lab['samples'])} | "
        f"{md_text(lab['failed'])} |\n|---|---|---|---|---|---|\n{md_rows}\n"
    )
    return html, md


def _coverage_section(con: duckdb.DuckDBPyConnection, drill: str, lab: Labels) -> str:
    """Per file of the drill: its kind, lines read, quarantined, unrecognized, and why."""
    rows = list(_q(con, "coverage", drill).iter_rows(named=True))
    heads = ("cov_file", "cov_kind", "cov_read", "cov_quarantined", "cov_unrecognized", "cov_why")
    trs = "".join(
        f'<tr class="cov-{e(r["status"])}"><td>{e(r["source_file"])}</td><td>{e(r["kind"])} ({e(r["status"])})</td>'
        f"<td>{r['lines_read']}</td><td>{r['quarantined']}</td><td>{r['unrecognized']}</td><td>{e(r['why'])}</td></tr>"
        for r in rows
    )
    ths = "".join(f"<th>{e(lab.get(h, h))}</th>" for h in heads)
    return f'<section id="coverage"><h2>{e(lab["coverage"])}</h2><table id="coverage-table"><tr>{ths}</tr>{trs}</table></section>'


def _findings_section(con: duckdb.DuckDBPyConnection, drill: str, tz: str, lab: Labels) -> tuple[str, str]:
    """The first-screen findings (sql/findings rules, worst first): HTML section and Markdown."""
    rows = list(_q(con, "findings", drill).iter_rows(named=True))
    for r in rows:  # the rule's own wording in the page's language (sql/findings: finding_ko), else English
        r["finding"] = r.get(f"finding_{lab['lang']}") or r["finding"]
    if not rows:
        return (
            f'<section id="findings"><h2>{e(lab["findings"])}</h2><p>{e(lab["no_findings"])}</p></section>',
            f"## {lab['findings']}\n\n{lab['no_findings']}\n",
        )
    trs = "".join(
        f'<tr class="finding-row sev-row-{e(r["severity"])}" data-rule="{e(r["rule"])}">'
        f'<td><span class="sev sev-{e(r["severity"])}">{e(lab.get("sev_" + r["severity"], r["severity"]))}</span></td>'
        f"<td class=finding>{e(r['finding'])} <span class=sub>({e(r['rule'])})</span></td>"
        f"<td>{e(fmt_ts(r['ts'], tz))}</td><td>{_ev_ref(r['evidence'])}</td></tr>"
        for r in rows
    )
    html_ = (
        f'<section id="findings"><h2>{e(lab["findings"])}</h2>'
        f'<table id="findings-table"><tr><th>{e(lab["severity"])}</th><th>{e(lab["finding"])}</th>'
        f"<th>{e(lab['time'])} ({e(tz)})</th><th>{e(lab['evidence'])}</th></tr>{trs}</table></section>"
    )
    md = f"## {md_text(lab['findings'])}\n\n" + "\n".join(
        f"- **{md_text(lab.get('sev_' + r['severity'], r['severity']))}** {md_text(r['finding'])} ({md_code(r['evidence'] or '—')})"
        for r in rows
    )
    return html_, md + "\n"


def _plan_section(con: duckdb.DuckDBPyConnection, drill: str, tz: str, lab: Labels) -> tuple[str, str]:
    """Planned vs observed steps and TTR against the RTO (drill.toml `[[plan]]`, `rto`); empty without a plan."""
    steps = list(_q(con, "plan", drill).iter_rows(named=True))
    for r in steps:  # drill.toml `step_ko` under --lang ko
        r["step"] = r.get(f"step_{lab['lang']}") or r["step"]
    rto = list(_q(con, "rto", drill).iter_rows(named=True))
    if not steps and not rto:
        return "", ""

    def status(st: str) -> str:
        return lab.get("st_" + st, st)

    def delta(s: float | None) -> str:
        return "—" if s is None else ("+" if s >= 0 else "") + fmt_dur(s)

    trs = "".join(
        f"<tr><td class=num>{r['step_no']}</td><td>{e(r['step'])}</td><td>{e(fmt_ts(r['planned_at'], tz))}</td>"
        f"<td>{e(fmt_ts(r['observed_at'], tz))}</td><td class=num>{e(delta(r['delta_s']))}</td>"
        f'<td class="st-{e(r["status"].replace(" ", "-"))}">{e(status(r["status"]))}</td>'
        f"<td class=msg>{e(r['observed_what'] or '')}</td><td>{_ev_ref(r['evidence'])}</td></tr>"
        for r in steps
    )
    table = (
        f'<table id="plan"><tr><th>#</th><th>{e(lab["step"])}</th><th>{e(lab["planned"])}</th>'
        f"<th>{e(lab['observed'])}</th><th>{e(lab['delta'])}</th><th>{e(lab['status'])}</th>"
        f"<th>{e(lab['what'])}</th><th>{e(lab['evidence'])}</th></tr>{trs}</table>"
        if steps
        else ""
    )
    rto_html = rto_md = ""
    if rto:
        r = rto[0]
        res = r["rto_result"] or "unknown"
        verdict = lab.get("rto_" + res, res)
        rto_html = (
            f'<p id="rto">{e(lab["rto"])} {e(r["rto"])} ({e(fmt_dur(r["rto_s"]))}) · {e(lab["ttr"])} '
            f'{e(fmt_dur(r["ttr_s"]))} · <span class="rto-{e(res)}">{e(verdict)}</span> '
            f"{_ev_ref(r['recovered_evidence'])}</p>"
        )
        rto_md = f"{md_text(lab['rto'])} {md_text(r['rto'])}: {md_text(lab['ttr'])} {fmt_dur(r['ttr_s'])} — **{md_text(verdict)}**\n"
    md_rows = "\n".join(
        f"| {r['step_no']} | {md_text(r['step'])} | {fmt_ts(r['planned_at'], tz)} | {fmt_ts(r['observed_at'], tz)} | "
        f"{delta(r['delta_s'])} | {md_text(status(r['status']))} | {md_code(r['evidence'] or '—')} |"
        for r in steps
    )
    md = f"## {md_text(lab['plan'])}\n\n{rto_md}\n"
    if steps:
        md += (
            f"| # | {md_text(lab['step'])} | {md_text(lab['planned'])} | {md_text(lab['observed'])} | {md_text(lab['delta'])} | "
            f"{md_text(lab['status'])} | {md_text(lab['evidence'])} |\n|---|---|---|---|---|---|---|\n{md_rows}\n"
        )
    return f'<section id="plan-vs-actual"><h2>{e(lab["plan"])}</h2>{rto_html}{table}</section>', md


def _measure_label(measure: str, lab: Labels) -> str:
    if measure.startswith("downtime:"):
        return f"{lab['m_downtime']}: {measure.split(':', 1)[1]}"
    return lab.get("m_" + measure, measure)


def _comparison_section(con: duckdb.DuckDBPyConnection, drills: pl.DataFrame, lab: Labels) -> str:
    """Drills of the same foundation side by side (phase durations, downtime per capability), each against the
    drill before it, with what improved and what regressed."""
    rows = _q(con, "comparison").filter(pl.col("drill").is_in(drills["drill"].to_list()))
    if rows.is_empty():
        return ""
    parts = [f'<section id="drill-vs-drill"><h2>{e(lab["drill_vs_drill"])}</h2>']
    for (foundation,), fr in rows.group_by(["foundation"], maintain_order=True):
        # the order of drill_comparison: by injected_at, then drill
        order = (
            fr.select("drill", "name", "injected_at")
            .unique("drill")
            .sort(["injected_at", "drill"], nulls_last=True)
        )
        shown = dict(zip(drills["drill"], drills["name"], strict=True))
        ids = order["drill"].to_list()
        names = [shown.get(d, n) for d, n in zip(ids, order["name"], strict=True)]
        measures = fr.select("measure", "sort").unique().sort(["sort", "measure"])["measure"].to_list()
        cell = {(r["drill"], r["measure"]): r for r in fr.iter_rows(named=True)}
        head = "".join(f"<th>{e(n)}</th>" for n in names)
        trs = []
        for m in measures:
            tds = []
            for i, d in enumerate(ids):
                r = cell.get((d, m))
                val = fmt_dur(r["value_s"]) if r and r["value_s"] is not None else "—"
                verdict = r["verdict"] if r and i > 0 else None
                tag = (
                    f' <span class="v-{e(verdict.replace(" ", "-"))}">{e(lab.get("v_" + verdict, verdict))}</span>'
                    if verdict
                    else ""
                )
                tds.append(f"<td class=num>{e(val)}{tag}</td>")
            trs.append(f'<tr data-measure="{e(m)}"><td>{e(_measure_label(m, lab))}</td>{"".join(tds)}</tr>')
        parts.append(
            f"<h3>{e(lab['foundation'])}: {e(foundation)}</h3>"
            f'<table class="drill-vs-drill"><tr><th>{e(lab["measure"])}</th>{head}</tr>{"".join(trs)}</table>'
        )
        for i, d in enumerate(ids[1:], 1):
            said = []
            for kind in ("improved", "regressed"):
                items = [
                    f"{_measure_label(r['measure'], lab)} ({fmt_dur(r['previous_s'])} → {fmt_dur(r['value_s'])})"
                    for r in fr.filter((pl.col("drill") == d) & (pl.col("verdict") == kind))
                    .sort(["sort", "measure"])
                    .iter_rows(named=True)
                ]
                if items:
                    said.append(
                        f'<li><span class="v-{kind}">{e(lab[kind + "_list"])}</span>: {e("; ".join(items))}</li>'
                    )
            if said:
                parts.append(
                    f"<p>{e(names[i])} {e(lab['vs_previous'])} ({e(names[i - 1])}):</p><ul>{''.join(said)}</ul>"
                )
    parts.append("</section>")
    return "".join(parts)
