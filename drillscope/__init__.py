"""drillscope: drill forensics for Cloud Foundry.

The library (`drillscope.api`, re-exported here) does what each command does and returns data:

    from drillscope import run, sql
    run(["data/samples"], out="ds")
    sql("select drill, ttd_s, ttr_s from drill_metrics", out="ds")

The CLI in `drillscope.cli` is a thin layer over it.
"""

from drillscope.api import build, export, ingest, quarterly, report, run, sql, summary

__version__ = "0.1.0"
__all__ = ["build", "export", "ingest", "quarterly", "report", "run", "sql", "summary", "__version__"]
