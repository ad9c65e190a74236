"""The `drillscope` command line: a thin typer layer over the library.

Heavy modules (polars, duckdb, altair, vl-convert) are imported inside the commands so that
`drillscope --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from drillscope.output import Format

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    help=(
        "Drill forensics for Cloud Foundry: turn BOSH, cf CLI, Healthwatch and e-mail captures of an "
        "availability-zone drill into a timeline, outages and TTD/TTR.\n\n"
        'Example: `drillscope run data/samples` then `drillscope sql "select * from drill_metrics"`'
    ),
)

_state = {"debug": False}

OutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="Output folder: holds lake/, drillscope.duckdb and report/.")
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DEFAULT_OUT = Path("drillscope-out")
LangOpt = Annotated[str, typer.Option("--lang", help="Report language: en or ko.")]
FollowOpt = Annotated[
    bool,
    typer.Option(
        "--follow-links",
        help="Also read links whose target lies outside the drill folder (listed as skipped).",
    ),
]
AlignOpt = Annotated[
    bool,
    typer.Option(
        "--align",
        help="Correct source clocks by the skew estimates (clock_skew_estimates) that exclude 0; "
        "drill.toml [clock_offsets] apply always.",
    ),
]


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one clear line and the contract's exit status."""
    from drillscope.errors import DrillscopeError

    try:
        yield
    except DrillscopeError as e:
        if _state["debug"]:
            raise
        typer.secho(f"error: {e}", fg="red", err=True)
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        typer.secho("interrupted", fg="red", err=True)
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as e:  # a bug: still one line, the traceback only with --debug
        if _state["debug"]:
            raise
        typer.secho(
            f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)",
            fg="red",
            err=True,
        )
        raise typer.Exit(1) from None


def _ingest(inputs: list[Path], out: Path, follow_links: bool = False) -> list:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from drillscope.ingest.pipeline import discover, ingest_inputs

    total = sum(p.stat().st_size for d in discover(inputs, follow_links) for p, _ in d.files if p.exists())
    with Progress(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task("", total=total or 1)

        def step(name: str, size: int) -> None:
            bar.update(task, advance=size, description=name)

        # the command holds the --out lock
        return ingest_inputs(inputs, out, progress=step, follow_links=follow_links)


def _print_files(results: list) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="ingested files")
    for c in ("drill", "source_file", "source_type", "lines", "rows", "quarantined", "status", "message"):
        t.add_column(c, overflow="fold", justify="right" if c in ("lines", "rows", "quarantined") else "left")
    style = {
        "ok": "green",
        "partial": "yellow",
        "duplicate": "cyan",
        "unrecognized": "magenta",
        "error": "red",
    }
    for r in results:
        t.add_row(
            r.drill,
            r.source_file,
            r.source_type or "-",
            str(r.lines),
            str(r.rows),
            str(r.quarantined),
            f"[{style.get(r.status, 'white')}]{r.status}[/]",
            r.message,
        )
    Console(width=max(Console().width, 160)).print(t)


def _build(out: Path, quiet: bool = False, align: bool = False) -> int:
    """Build the database; print audit violations; returns the number of violations."""
    from rich.console import Console

    from drillscope.build import build
    from drillscope.lock import out_lock

    with out_lock(out):
        res = build(out, align=align)
    con = Console(stderr=True)
    for a in res.audits:
        if a.rows:
            con.print(f"[red]audit {a.name}[/]: {len(a.rows)} row(s) break the rule: {a.description}")
            for r in a.rows[:5]:
                con.print("  ", r)
    if not quiet:
        con.print(f"built {res.db} ({sum(res.tables.values())} lake rows, {res.violations} audit violations)")
    return res.violations


@app.command()
def ingest(
    inputs: Annotated[
        list[Path], typer.Argument(help="Drill folders, collections of drill folders, or files.")
    ],
    out: OutOpt = DEFAULT_OUT,
    follow_links: FollowOpt = False,
) -> None:
    """Parse captures into the Parquet lake (`OUT/lake`) and refresh the database.

    Files are recognized by content (.gz too); re-ingesting a file replaces its rows.

    Examples:

        drillscope ingest data/samples

        drillscope ingest ~/drills/2019-01-03-az1 --out /tmp/ds
    """
    from drillscope.lock import out_lock

    with _errors(), out_lock(out):
        results = _ingest(inputs, out, follow_links)
        _print_files(results)
        _build(out, quiet=True)
        if any(r.status == "error" for r in results):
            raise typer.Exit(1)


@app.command("build")
def build_cmd(out: OutOpt = DEFAULT_OUT, align: AlignOpt = False) -> None:
    """(Re)build `OUT/drillscope.duckdb` from the lake and run the audits (exit 1 on violations).

    Example: `drillscope build --out drillscope-out`
    """
    with _errors():
        if _build(out, align=align):
            raise typer.Exit(1)


@app.command()
def run(
    inputs: Annotated[
        list[Path], typer.Argument(help="Drill folders, collections of drill folders, or files.")
    ],
    out: OutOpt = DEFAULT_OUT,
    lang: LangOpt = "en",
    align: AlignOpt = False,
    follow_links: FollowOpt = False,
) -> None:
    """The main job: ingest + build + report, then a summary per drill and the report's path.

    Example: `drillscope run data/samples`
    """
    from drillscope.lock import out_lock

    with _errors(), out_lock(out):
        results = _ingest(inputs, out, follow_links)
        _print_files(results)
        violations = _build(out, align=align)
        _summary(out)
        from drillscope.reports.render import write_report

        path = write_report(out, lang=lang)
        typer.echo(f"report: {path}")
        if violations or any(r.status == "error" for r in results):
            raise typer.Exit(1)


def _summary(out: Path) -> None:
    from drillscope.build import SQL_DIR
    from drillscope.output import render
    from drillscope.query import query

    view = SQL_DIR / "summary.sql"
    if view.exists():
        render(query(out, view.read_text(encoding="utf-8")), Format.table, title="drills")


@app.command()
def report(
    drills: Annotated[list[str] | None, typer.Argument(help="Drill ids (default: all).")] = None,
    out: OutOpt = DEFAULT_OUT,
    lang: LangOpt = "en",
) -> None:
    """Write `OUT/report/index.html` and one self-contained page per drill (charts also as PNG/SVG,
    plus `summary.md`). The pages load nothing from the network.

    Examples:

        drillscope report

        drillscope report 2019-01-03-az1 --lang ko
    """
    from drillscope.lock import out_lock
    from drillscope.reports.render import write_report

    with _errors(), out_lock(out):
        typer.echo(f"report: {write_report(out, drills or None, lang)}")


@app.command()
def quarterly(
    quarter: Annotated[str, typer.Argument(metavar="QUARTER", help="A calendar quarter like 2019Q1.")],
    slo: Annotated[
        float | None, typer.Option("--slo", help="SLO in percent (default: 99.9 or the foundation's).")
    ] = None,
    foundation: Annotated[str | None, typer.Option("--foundation", help="Only this foundation.")] = None,
    out: OutOpt = DEFAULT_OUT,
    fmt: FormatOpt = Format.table,
) -> None:
    """Quarterly availability per foundation and capability against the SLO; writes
    `OUT/report/quarterly/QUARTER.html` (burn-down, drills of the quarter, trend).

    Examples:

        drillscope quarterly 2019Q1

        drillscope quarterly 2019Q1 --slo 99.95 --foundation cf-54c9c2f906b6aba996cd -f json
    """
    from drillscope.lock import out_lock
    from drillscope.output import render
    from drillscope.reports.quarterly import quarterly as quarterly_table
    from drillscope.reports.quarterly import write_quarterly

    with _errors():
        table = quarterly_table(out, quarter, slo, foundation)
        render(table.to_arrow(), fmt, title=f"availability {quarter.upper()}")
        with out_lock(out):
            path = write_quarterly(out, quarter, slo, foundation)
        typer.echo(f"report: {path}", err=fmt is not Format.table)


@app.command()
def export(
    drills: Annotated[list[str] | None, typer.Argument(help="Drill ids (default: all).")] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="timesketch, l2tcsv, csv or parquet.")
    ] = "timesketch",
    out: OutOpt = DEFAULT_OUT,
) -> None:
    """Export the unified timeline under `OUT/export/` for Timesketch (JSONL with message, datetime,
    timestamp_desc), plaso-style l2tcsv, CSV or Parquet.

    Examples:

        drillscope export --format timesketch

        drillscope export 2019-01-03-az1 --format l2tcsv
    """
    from drillscope.export import export as do_export

    with _errors():
        path, n = do_export(out, fmt, drills or None)
        typer.echo(f"exported {n} rows: {path}")


@app.command()
def sql(
    query_text: Annotated[str, typer.Argument(metavar="QUERY", help="SQL to run (read-only).")],
    out: OutOpt = DEFAULT_OUT,
    fmt: FormatOpt = Format.table,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Ad hoc read-only SQL over every table (events, probes, bosh_tasks, vm_states, ...).

    Examples:

        drillscope sql "select task_id, description, started_at, ended_at from bosh_tasks order by started_at" --format json

        drillscope sql "select source_type, count(*) from events group by 1" -f csv
    """
    from drillscope.output import render
    from drillscope.query import query

    with _errors():
        render(query(out, query_text), fmt, output)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
