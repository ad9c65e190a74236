"""One module per source format; see ingest/registry.py for the interface."""
