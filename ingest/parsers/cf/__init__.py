"""The cf CLI capture engine shared by the cf_cli, cf_events and cf_logs parsers (see capture.py)."""
