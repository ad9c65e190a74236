"""drillscope: drill forensics for Cloud Foundry.

The library: `drillscope.ingest.pipeline.ingest_inputs` (files -> Parquet lake), `drillscope.build.build`
(lake -> DuckDB with the SQL under sql/), `drillscope.query.query` (read-only SQL). The CLI in
`drillscope.cli` is a thin layer over these.
"""

__version__ = "0.1.0"
