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
    r"(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
    # HTTP authorization headers and bearer tokens (CF_TRACE, curl)
    r"(?i)((?:authorization|proxy-authorization)[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|bosh)?\s*)[A-Za-z0-9\-_.~+/=]{6,}",
    r"(?i)(\bbearer\s+)[A-Za-z0-9\-_.~+/=]{8,}",
    # key: value / key=value / "key":"value" secrets (BOSH manifests, JSON bodies, form posts)
    r"(?i)((?:[\"']?(?:[a-z0-9_.-]*(?:password|passwd|secret|access_token|refresh_token|id_token|api_key|apikey|private_key|client_secret|credentials?))[\"']?\s*(?:=>|[:=])\s*[\"']?))[^\s\"',&}\[\]]{3,}",
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


def redact_table(table: pa.Table) -> tuple[pa.Table, int]:
    """Redact every string column of an Arrow table (vectorized with polars); returns (table, count).

    The count is the number of `[REDACTED]` marks added, so overlapping patterns count one secret once."""
    str_cols = [
        f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    str_cols = [c for c in str_cols if c not in ("drill", "source_file", "source_type", "sha256")]
    if not str_cols or table.num_rows == 0:
        return table, 0
    df = pl.from_arrow(table.select(str_cols))
    assert isinstance(df, pl.DataFrame)
    exprs = []
    for c in str_cols:
        e = pl.col(c)
        for p in PATTERNS:
            e = e.str.replace_all(p, _replacement(p))
        exprs.append(e.alias(c))
    red = df.select(exprs)
    def marks(d: pl.DataFrame) -> int:
        cnt = [pl.col(c).str.count_matches(re.escape(MARK)).fill_null(0) for c in str_cols]
        return int(d.select(pl.sum_horizontal(cnt)).to_series().sum())

    n = int(marks(red) - marks(df))
    if n == 0:
        return table, 0
    out = red.to_arrow()
    for c in str_cols:
        idx = table.schema.get_field_index(c)
        table = table.set_column(idx, table.schema.field(c), out.column(c).cast(table.schema.field(c).type))
    return table, n
