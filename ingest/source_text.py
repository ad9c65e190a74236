"""The redacted text of each small input, line by line (lake table `source_lines`), so that a report can show
the lines around a cited `file:line` after the inputs are gone (a report is often written on another machine,
or long after the drill).

Only inputs up to `KEEP_BYTES` are kept: the captures that evidence points at are mostly small (cf CLI loops,
mails, notes, BOSH task consoles and tables), and keeping them costs about their zstd size. A big input (a
director debug log, `cf logs`, a quarter of Healthwatch) would double the lake; its cited records are shown from
the parsed rows instead.
"""

from __future__ import annotations

import re

import pyarrow as pa

from drillscope.ingest.context import FileContext
from drillscope.transforms.redact import MARK

KEEP_BYTES = 1 << 20
TABLE = "source_lines"

# Secrets typed on a command line, which the parsers never emit as text but a kept line would show: `cf login
# -p PW`, `cf auth USER PW`, `uaac token client get ID -s SECRET`, `--password PW`, `--client-secret X`
_CLI_SECRETS = [
    re.compile(r"""(?i)(\bcf\s+(?:login|l)\b.*?\s-p\s+)('[^']*'|"[^"]*"|\S+)"""),
    re.compile(r"""(?i)(\bcf\s+auth\s+(?:'[^']*'|"[^"]*"|\S+)\s+)('[^']*'|"[^"]*"|\S+)"""),
    re.compile(r"""(?i)(\buaac\b.*?\s-s\s+)('[^']*'|"[^"]*"|\S+)"""),
    re.compile(r"""(?i)(\s--(?:password|client-secret|secret)[= ]\s*)('[^']*'|"[^"]*"|\S+)"""),
]


def _cli_redact(line: str) -> tuple[str, int]:
    n = 0
    for rx in _CLI_SECRETS:
        line, k = rx.subn(lambda m: m.group(1) + MARK, line)
        n += k
    return line, n


# A private key spans lines: the BEGIN line is redacted like any line, the lines up to END are blanked here
_PEM_BEGIN = re.compile(r"BEGIN [A-Z ]*PRIVATE KEY")
_PEM_END = re.compile(r"END [A-Z ]*PRIVATE KEY")


def keep_lines(ctx: FileContext) -> None:
    """Write every line of the input to `source_lines` (redacted by the sink like every text column)."""
    texts: list[str] = []
    blanked = 0
    inside = False
    for line in ctx.lines:
        if inside:
            texts.append(MARK)
            blanked += 1
            inside = not _PEM_END.search(line)
        else:
            line, n = _cli_redact(line)
            blanked += n
            texts.append(line)
            inside = bool(_PEM_BEGIN.search(line)) and not _PEM_END.search(line)
    if texts:
        rows = pa.table({"source_line": pa.array(range(1, len(texts) + 1), pa.int64()), "text": texts})
        ctx.emit(TABLE, rows, redactions=blanked)
