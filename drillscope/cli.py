"""The `drillscope` command line: a thin typer layer over the library.

Heavy modules (polars, duckdb, altair, vl-convert) are imported inside the commands so that
`drillscope --help` stays fast; help is click's plain text (rich's markdown rendering alone took longer
than the rest of `--help`), and a `\\b` line keeps an example as written instead of rewrapped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperOption

from drillscope import __version__
from drillscope.output import Format

_option_type = TyperOption.display_type_rich


def _no_flag_type(self: TyperOption, ctx: typer.Context) -> str | None:
    # typer prints a `<bool>` type hint after every flag (--help, --debug, --align): a flag takes no value
    return None if self.is_flag else _option_type(self, ctx)


TyperOption.display_type_rich = _no_flag_type  # type: ignore[method-assign]

app = typer.Typer(
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
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
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="duckdb (one machine) or spark: `ingest` parses the drills in Spark tasks, `build` runs the SQL "
        "on Spark and writes OUT/warehouse/; `report`, `quarterly` read that warehouse (no Spark needed); "
        "`sql` runs the query on Spark.",
    ),
]
MasterOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        help="Spark master URL for --engine spark (default: $DRILLSCOPE_SPARK_MASTER, else local[*]).",
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"drillscope {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
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
    except OSError as e:  # the system said no (full disk, read-only --out, a file where a folder goes)
        if _state["debug"]:
            raise
        from drillscope.errors import system_error

        typer.secho(f"error: {system_error(e)}", fg="red", err=True)
        raise typer.Exit(1) from None
    except Exception as e:  # a bug: still one line, the traceback only with --debug
        if _state["debug"]:
            raise
        typer.secho(
            f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)",
            fg="red",
            err=True,
        )
        raise typer.Exit(1) from None


def _progress() -> Any:
    """A rich progress bar on a terminal (transient), nothing otherwise."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


@contextmanager
def _bar(inputs: list[Path], follow_links: bool = False) -> Iterator[Any]:
    """The progress callback for `api.ingest`/`api.run`, drawn as a bar over the inputs' bytes."""
    from drillscope import api

    with _progress() as bar:
        task = bar.add_task("", total=api.input_bytes(inputs, follow_links) or 1)
        yield lambda name, size: bar.update(task, advance=size, description=name)


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


def _print_audits(res: Any, quiet: bool = False) -> None:
    from rich.console import Console

    con = Console(stderr=True)
    for a in res.audits:
        if a.rows:
            con.print(f"[red]audit {a.name}[/]: {len(a.rows)} row(s) break the rule: {a.description}")
            for r in a.rows[:5]:
                con.print("  ", r)
    if not quiet:
        con.print(f"built {res.db} ({sum(res.tables.values())} lake rows, {res.violations} audit violations)")


StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Exit 1 when a file is unrecognized or a line is quarantined.")
]


def _coverage(results: list, strict: bool) -> bool:
    """Print the coverage line (and, with --strict, what it refuses); True when --strict refuses."""
    from drillscope.ingest.coverage import coverage_line, strict_failures

    typer.echo(coverage_line(results))
    if not strict:
        return False
    fails = strict_failures(results)
    for f in fails:
        typer.secho(f"strict: {f}", fg="red", err=True)
    return bool(fails)


@app.command()
def ingest(
    inputs: Annotated[
        list[Path], typer.Argument(help="Drill folders, collections of drill folders, or files.")
    ],
    out: OutOpt = DEFAULT_OUT,
    follow_links: FollowOpt = False,
    strict: StrictOpt = False,
    engine: EngineOpt = "duckdb",
    spark_master: MasterOpt = None,
) -> None:
    """Parse captures into the Parquet lake (`OUT/lake`) and refresh the database.

    Files are recognized by content (.gz too); re-ingesting a file replaces its rows.

    Examples:

    \b
        drillscope ingest data/samples

    \b
        drillscope ingest ~/drills/2019-01-03-az1 --out /tmp/ds
    """
    from drillscope import api

    if engine == "spark":  # no progress bar: the files are read on the executors
        with _errors():
            results = api.ingest(
                inputs, out, follow_links=follow_links, engine=engine, spark_master=spark_master
            )
    else:
        with _errors(), _bar(inputs, follow_links) as progress:
            results = api.ingest(inputs, out, progress=progress, follow_links=follow_links, engine=engine)
    _print_files(results)
    refused = _coverage(results, strict)
    if refused or any(r.status == "error" for r in results):
        raise typer.Exit(1)


def _log_to_stderr(name: str) -> None:
    import logging

    log = logging.getLogger(name)
    log.setLevel(logging.INFO)
    log.addHandler(logging.StreamHandler(sys.stderr))


@app.command("build")
def build_cmd(
    out: OutOpt = DEFAULT_OUT,
    align: AlignOpt = False,
    engine: EngineOpt = "duckdb",
    spark_master: MasterOpt = None,
) -> None:
    """(Re)build `OUT/drillscope.duckdb` from the lake and run the audits (exit 1 on violations).

    Example: `drillscope build --out drillscope-out`
    """
    from drillscope import api

    if engine == "spark":  # a line per SQL file and its seconds: a Spark build takes minutes
        _log_to_stderr("drillscope.spark")
    with _errors():
        res = api.build(out, align=align, engine=engine, spark_master=spark_master)
    _print_audits(res)
    if res.violations:
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
    strict: StrictOpt = False,
) -> None:
    """The main job: ingest + build + report, then a summary per drill and the report's path.

    Example: `drillscope run data/samples`
    """
    from drillscope import api
    from drillscope.output import render

    with _errors(), _bar(inputs, follow_links) as progress:
        res = api.run(inputs, out, lang=lang, align=align, progress=progress, follow_links=follow_links)
    _print_files(res.files)
    _print_audits(res.build, quiet=True)
    summary = res.summary
    notes = [
        (d, n) for d, n in zip(summary["drill"].to_pylist(), summary["note"].to_pylist(), strict=True) if n
    ]
    render(summary.drop_columns(["note"]), Format.table, title="drills")
    for drill, note in notes:  # a line of its own: the table is wide already
        typer.echo(f"note: {drill}: {note}")
    typer.echo(f"report: {res.report}")
    refused = _coverage(res.files, strict)
    if refused or not res.ok:
        raise typer.Exit(1)


@app.command()
def explain(file: Annotated[Path, typer.Argument(help="One input file.")]) -> None:
    """Show how a file is read: what was taken off (fences, escapes, prefixes), its segments and their
    kinds, and for a part no parser reads, what each parser looked for.

    Example: `drillscope explain ~/drills/2019-01-03-az1/session.log`
    """
    from drillscope import api
    from drillscope.errors import UsageError

    with _errors():
        if not file.is_file():
            raise UsageError(f"{file}: not a file")
        typer.echo(api.explain(file))


@app.command()
def report(
    drills: Annotated[list[str] | None, typer.Argument(help="Drill ids (default: all).")] = None,
    out: OutOpt = DEFAULT_OUT,
    lang: LangOpt = "en",
    engine: EngineOpt = "duckdb",
) -> None:
    """Write `OUT/report/index.html` and one self-contained page per drill (charts also as PNG/SVG,
    plus `summary.md`). The pages load nothing from the network.

    Examples:

    \b
        drillscope report

    \b
        drillscope report 2019-01-03-az1 --lang ko
    """
    from drillscope import api

    with _errors():
        typer.echo(f"report: {api.report(out, drills, lang, engine=engine)}")


@app.command()
def quarterly(
    quarter: Annotated[str, typer.Argument(metavar="QUARTER", help="A calendar quarter like 2019Q1.")],
    slo: Annotated[
        float | None, typer.Option("--slo", help="SLO in percent (default: 99.9 or the foundation's).")
    ] = None,
    foundation: Annotated[str | None, typer.Option("--foundation", help="Only this foundation.")] = None,
    out: OutOpt = DEFAULT_OUT,
    fmt: FormatOpt = Format.table,
    engine: EngineOpt = "duckdb",
) -> None:
    """Quarterly availability per foundation and capability against the SLO; writes
    `OUT/report/quarterly/QUARTER.html` (burn-down, drills of the quarter, trend).

    Examples:

    \b
        drillscope quarterly 2019Q1

    \b
        drillscope quarterly 2019Q1 --slo 99.95 --foundation cf-54c9c2f906b6aba996cd -f json
    """
    from drillscope import api
    from drillscope.output import render

    with _errors():
        table, path = api.quarterly(quarter, out, slo, foundation, engine=engine)
        if fmt is Format.table:  # one narrow table per foundation: fits an 80-column terminal
            from drillscope.reports.quarterly import terminal_table

            for (name,), part in terminal_table(table).group_by(["foundation"], maintain_order=True):
                title = f"availability {quarter.upper()} · {name}"
                render(part.drop("foundation").to_arrow(), fmt, title=title, compact=True)
        else:
            render(table.to_arrow(), fmt, title=f"availability {quarter.upper()}")
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

    \b
        drillscope export --format timesketch

    \b
        drillscope export 2019-01-03-az1 --format l2tcsv
    """
    from drillscope import api

    with _errors():
        path, n = api.export(out, fmt, drills)
        typer.echo(f"exported {n} rows: {path}")


@app.command()
def sql(
    query_text: Annotated[str, typer.Argument(metavar="QUERY", help="SQL to run (read-only).")],
    out: OutOpt = DEFAULT_OUT,
    fmt: FormatOpt = Format.table,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to this file instead of stdout.")
    ] = None,
    engine: EngineOpt = "duckdb",
    spark_master: MasterOpt = None,
) -> None:
    """Ad hoc read-only SQL over every table (events, probes, bosh_tasks, vm_states, ...).

    Examples:

    \b
        drillscope sql "select task_id, description, started_at, ended_at from bosh_tasks order by started_at" --format json

    \b
        drillscope sql "select source_type, count(*) from events group by 1" -f csv
    """
    from drillscope import api
    from drillscope.output import render

    with _errors():
        render(api.sql(query_text, out, engine=engine, spark_master=spark_master), fmt, output)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
