"""Secret redaction: one list of patterns, applied to every text column before anything is written.

Each pattern keeps its non-secret prefix (group 1) and replaces the secret with `[REDACTED]`, so a
line still reads `Authorization: bearer [REDACTED]`. Patterns use the Rust regex syntax shared by
polars (vectorized path) and Python's `re` (row path): no look-around, no backreferences.
"""

from __future__ import annotations

import re

import polars as pl
import pyarrow as pa

MARK = "[REDACTED]"

# (prefix-group, secret) pairs. Keep them cheap: they run on every text cell of every file.
PATTERNS: list[str] = [
    # PEM private keys (possibly flattened into one line or JSON-escaped \n)
    r"(-*BEGIN [A-Z ]*PRIVATE KEY-*)[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
    # HTTP authorization headers and bearer tokens (CF_TRACE, curl)
    r"(?i)((?:authorization|proxy-authorization)[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|bosh)?\s*)[A-Za-z0-9\-_.~+/=]{6,}",
    r"(?i)(\bbearer\s+)[A-Za-z0-9\-_.~+/=]{8,}",
    # key: value / key=value / "key":"value" secrets (BOSH manifests, JSON bodies, form posts)
    r"(?i)((?:[\"']?(?:[a-z0-9_.-]*(?:password|passwd|secret|access_?token|refresh_?token|id_?token|token|api_?key|private_?key|client_?secret|credentials?)[a-z0-9_.-]*)[\"']?\s*(?:=>|[:=])\s*[\"']?))[^\s\"',&}\[\]]{3,}",
    # tokens in URLs and query strings
    r"(?i)([?&](?:access_token|refresh_token|token|code|password|client_secret|sig|signature)=)[^&\s\"'\[]+",
    # user:password@host in URLs
    r"([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/\[]+(@)",
    # AWS access key ids and secret keys
    r"()\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    r"(?i)(aws_secret_access_key\s*[:=]\s*)[A-Za-z0-9/+=]{40}",
    # JWTs anywhere (UAA access/refresh tokens)
    r"()\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
]

_COMPILED = [re.compile(p) for p in PATTERNS]


def _replacement(pattern: str) -> str:
    # user:password@host keeps its trailing '@'
    return "${1}" + MARK + ("${2}" if pattern.endswith("(@)") else "")


def redact_text(text: str) -> tuple[str, int]:
    """Redact one string; returns the new text and how many secrets were replaced."""
    before = text.count(MARK)
    for pat, rx in zip(PATTERNS, _COMPILED, strict=True):
        text = rx.sub(r"\g<1>" + MARK + (r"\g<2>" if pat.endswith("(@)") else ""), text)
    return text, text.count(MARK) - before


# A cheap superset of every pattern's trigger: cells that do not match it cannot hold a secret, so only
# the few that do pay for the full pattern list (most log lines never get that far).
PREFILTER = (
    r"(?i)(private[ _]key|authoriz|bearer|passw|secret|token|api_?key|credential|[?&](?:code|sig|signature)="
    r"|://[^/\s:@]+:[^@\s/]+@|AKIA|ASIA|eyJ)"
)

# Columns that hold fixed vocabularies or our own provenance, never free text from a log.
SKIP = frozenset(
    {
        "drill",
        "source_file",
        "source_type",
        "sha256",
        "kind",
        "ts_role",
        "severity",
        "capability",
        "status",
        "state",
        "problem_type",
        "resolution",
        "ts_basis",
        "az",
        "level",
    }
)


def _redact_series(s: pl.Series) -> tuple[pl.Series, int]:
    mask = s.str.contains(PREFILTER).fill_null(False)
    if not mask.any():
        return s, 0
    idx = mask.arg_true()
    sub = s.gather(idx)
    red = sub.to_frame("v").select(_chain(pl.col("v"))).to_series()
    n = int(red.str.count_matches(re.escape(MARK)).sum() - sub.str.count_matches(re.escape(MARK)).sum())
    return s.scatter(idx, red), n


def _chain(e: pl.Expr) -> pl.Expr:
    for p in PATTERNS:
        e = e.str.replace_all(p, _replacement(p))
    return e


def redact_table(table: pa.Table, clean: frozenset[str] | set[str] = frozenset()) -> tuple[pa.Table, int]:
    """Redact every free-text string column of an Arrow table (vectorized with polars); returns (table, count).

    The count is the number of `[REDACTED]` marks added, so overlapping patterns count one secret once.
    `clean`: columns the caller built from values it already passed through `redact_values` (a few distinct
    values repeated on millions of rows: redacting them once is the same and costs nothing)."""
    total = 0
    for i, f in enumerate(table.schema):
        if (
            f.name in SKIP
            or f.name in clean
            or not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
        ):
            continue
        s = pl.from_arrow(table.column(i))
        assert isinstance(s, pl.Series)
        red, n = _redact_series(s)
        if n:
            total += n
            table = table.set_column(i, f, red.to_arrow().cast(f.type))
    return table, total


def redact_values(values: list[str]) -> tuple[list[str], list[int]]:
    """Redact distinct values (e.g. one per series); returns them and the marks added to each, so a caller
    repeating value k on n rows counts n * marks[k], as redacting every row would."""
    out = [redact_text(v) for v in values]
    return [v for v, _ in out], [n for _, n in out]
