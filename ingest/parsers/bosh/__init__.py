"""Helpers shared by the BOSH parsers (bosh_task, bosh_table, bosh_debug, bosh_event_log)."""
