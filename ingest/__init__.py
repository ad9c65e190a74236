"""Ingest: captures -> Parquet lake. The parser registry, one module per format under parsers/, the lake writer, the pipeline."""
