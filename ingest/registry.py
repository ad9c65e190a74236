"""The parser registry: a format is one module under `ingest/parsers/`, registered by one line below.

A parser module defines:
  NAME: str                      the source_type it fills (CONTRACT §1)
  probe(head: str) -> bool       a cheap, strict test on the first few KiB of the decoded file
  parse(ctx: FileContext) -> None  emits rows through ctx, and accounts for every line
  SAMPLE: str                    a few real lines of the format; tests probe and parse it

Probes run in this order and the first that accepts wins, so keep probes strict; put the more
specific formats first where two could look alike.
"""

from __future__ import annotations

import importlib
from types import ModuleType

PARSER_MODULES = [
    "drillscope.ingest.parsers.bosh_event_log",
    "drillscope.ingest.parsers.bosh_debug",
    "drillscope.ingest.parsers.bosh_task",
    "drillscope.ingest.parsers.bosh_table",
    "drillscope.ingest.parsers.cf_events",
    "drillscope.ingest.parsers.cf_logs",
    "drillscope.ingest.parsers.cf_cli",
    "drillscope.ingest.parsers.healthwatch",
    "drillscope.ingest.parsers.email",
    "drillscope.ingest.parsers.notes",
]

PROBE_BYTES = 16384

_loaded: list[ModuleType] | None = None


def parsers() -> list[ModuleType]:
    """The registered parser modules, in probe order."""
    global _loaded
    if _loaded is None:
        # a registered module that cannot be imported is a broken install: fail loudly, never skip a format
        _loaded = [importlib.import_module(name) for name in PARSER_MODULES]
    return _loaded


def detect(head: str) -> ModuleType | None:
    """The first parser whose probe accepts `head` (the decoded start of a file), or None."""
    for mod in parsers():
        if mod.probe(head):
            return mod
    return None
