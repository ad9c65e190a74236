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
_KEYS = (
    r"password|passwd|passphrase|passcode|secret|access_?token|refresh_?token|id_?token|token|api_?key"
    r"|private_?key|client_?secret|credentials?"
)
_KEY = r"(?:[a-z0-9_.-]*(?:" + _KEYS + r")[a-z0-9_.-]*)"  # a key naming a secret: `cf_admin_password`
# a value as a shell or a config file quotes it, or one word
_VALUE = r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"',&}\[\]]{3,})"
PATTERNS: list[str] = [
    # PEM private keys (possibly flattened into one line or JSON-escaped \n); body lines on their own are
    # redacted as blocks (`secret_lines`)
    r"(-*BEGIN [A-Z ]*PRIVATE KEY-*)[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
    # HTTP authorization headers and bearer tokens (CF_TRACE, curl)
    r"(?i)((?:authorization|proxy-authorization)[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|bosh)?\s*)[A-Za-z0-9\-_.~+/=]{6,}",
    r"(?i)(\bbearer\s+)[A-Za-z0-9\-_.~+/=]{8,}",
    # quoted secrets keep nothing of their value, spaces included (`password: "a b c"`); the quotes stay, so
    # JSON stays JSON
    r"(?i)((?:[\"']?" + _KEY + r"[\"']?\s*(?:=>|[:=])\s*\"))[^\"\n]+",
    r"(?i)((?:[\"']?" + _KEY + r"[\"']?\s*(?:=>|[:=])\s*'))[^'\n]+",
    # the same inside a JSON string (`"password: \\"a b\\""`)
    r"(?i)(" + _KEY + r"\\?[\"']?\s*(?:=>|[:=])\s*\\\")(?:[^\"\\\n]|\\[^\"\n])+",
    # key: value / key=value / "key":"value" secrets (BOSH manifests, JSON bodies, form posts)
    r"(?i)((?:[\"']?" + _KEY + r"[\"']?\s*(?:=>|[:=])\s*[\"']?))[^\s\"',&}\[\]]{3,}",
    # short keys only as whole words (`pass=`, `pwd:`), so `passed: 12` stays
    r"(?i)(\b(?:pass|pwd|pw)[\"']?\s*(?:=>|[:=])\s*[\"']?)[^\s\"',&}\[\]]{3,}",
    # Korean: 비밀번호 / 패스워드, with or without `:` or a particle
    r"((?:비밀\s?번호|패스워드)\s*(?:[:=]|은|는|:)?\s*)" + _VALUE,
    # command-line flags: `--password PW`, `--client-secret PW`, `--passphrase=PW`
    r"(?i)((?:^|\s)--?(?:password|passwd|pass|pwd|passphrase|secret|client-secret|client_secret|token|access-token"
    r"|refresh-token|api-key|sso-passcode)(?:\s+|=))" + _VALUE,
    # CLIs whose secret flag is short: `cf login -p PW`, `credhub login -p PW`, `om -p PW` / `om -s SECRET`,
    # `uaac token client get admin -s SECRET` (credhub's `-s` is its server, so not that one)
    r"(?i)(\b(?:cf\s+(?:login|l)|credhub\s+(?:login|l)|om)\b[^\n]*?\s-p\s+)" + _VALUE,
    r"(?i)(\b(?:om|uaac)\b[^\n]*?\s-s\s+)" + _VALUE,
    # `cf auth USER PW` (also `cf auth CLIENT SECRET --client-credentials`)
    r"(?i)(\bcf\s+auth\s+(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'-][^\s]*)\s+)" + _VALUE,
    # mysql -pPW (the password glued to the flag)
    r"(?i)(\bmysql(?:dump|admin)?\b[^\n]*?\s-p)[^\s-]\S*",
    # curl -u user:PW / --user user:PW
    r"(?i)((?:^|\s)(?:-u|--user)\s+[\"']?[^\s:\"']+:)[^\s\"']+",
    # tokens in URLs and query strings
    r"(?i)([?&](?:access_token|refresh_token|token|code|password|client_secret|sig|signature)=)[^&\s\"'\[]+",
    # user:password@host in URLs; the password may hold `/` or `@` (the last `@` of the word ends it)
    r"([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^\s\[]*(@)",
    # CredHub `type: password` then `value: PW` inside one text (a multi-line record, a JSON string)
    r"(?i)(type\\?\"?\s*:\s*\\?\"?(?:password|value)\\?\"?\s*,?(?:\s|\\[nr])*\\?\"?value\\?\"?\s*:\s*\\?\"?)"
    r"(?:[^\s\"\\,}]|\\[^\"nr])+",
    # AWS access key ids and secret keys
    r"()\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    r"(?i)(aws_secret_access_key\s*[:=]\s*)[A-Za-z0-9/+=]{40}",
    # JWTs anywhere (UAA access/refresh tokens)
    r"()\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    # Slack and GitHub tokens
    r"()\bxox[abposr]-[A-Za-z0-9-]{10,}",
    r"()\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
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
# the few that do pay for the full pattern list (most log lines never get that far). `mysql` only with a
# `-p` after it: a director log names the mysql job on every few hundred lines.
PREFILTER = (
    r"(?i)(private[ _]key|authoriz|bearer|pass|pwd|pw\b|secret|token|api_?key|credential|[?&](?:code|sig|signature)="
    r"|://[^/\s:@]+:\S*@|AKIA|ASIA|eyJ|xox[abposr]-|gh[pousr]_|github_pat_|비밀\s?번호|패스워드|\bcf\s+auth\b|\s-[ups]\s|mysql[^\n]*\s-p"
    r'|type\\?"?\s*:\s*\\?"?(?:password|value))'
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


def redact_series(s: pl.Series) -> tuple[pl.Series, int]:
    """Redact a string column (vectorized); returns it and the marks added."""
    mask = s.str.contains(PREFILTER).fill_null(False)
    if not mask.any():
        return s, 0
    idx = mask.arg_true()
    sub = s.gather(idx)
    uniq = sub.unique()
    if len(uniq) * 2 <= len(sub):  # a column of few values (thread names, hosts): each redacted once
        red = sub.replace_strict(uniq, uniq.to_frame("v").select(_chain(pl.col("v"))).to_series())
    else:
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
        red, n = redact_series(s)
        if n:
            total += n
            table = table.set_column(i, f, red.to_arrow().cast(f.type))
    return table, total


def redact_values(values: list[str]) -> tuple[list[str], list[int]]:
    """Redact distinct values (e.g. one per series); returns them and the marks added to each, so a caller
    repeating value k on n rows counts n * marks[k], as redacting every row would."""
    out = [redact_text(v) for v in values]
    return [v for v, _ in out], [n for _, n in out]


# Multi-line secrets, found in the raw input so that lines parsed (or quarantined) one by one are redacted as
# a block: a PEM private key from its BEGIN line to its END line, and the `value:` line that follows a
# CredHub `type: password` / `type: value` line (`credhub get` prints id, name, type, value).
_PEM_BEGIN = re.compile(rb"BEGIN [A-Z ]*PRIVATE KEY")
_PEM_END = re.compile(rb"END [A-Z ]*PRIVATE KEY")
# starts with a literal, so the engine skips ahead at memory speed; the line's start is checked in `_scan`
_CREDHUB_TYPE = re.compile(rb"type\"?[ \t]*:[ \t]*\"?(?:password|value)\"?[ \t]*,?[ \t]*\r?$", re.M)
_CREDHUB_VALUE = re.compile(rb"(?m)^[ \t]*\"?value\"?[ \t]*:")


class SecretLines:
    """Line ranges (1-based, inclusive) of multi-line secrets in an input fed chunk by chunk.

    Cheap on inputs without any: a chunk is searched only when it holds `PRIVATE KEY`, or `type` with
    `password`/`value` (substring tests run at memory speed); otherwise only its line count is kept."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []
        self._lines = 0  # newlines before the current chunk
        self._tail = b""  # the previous chunk's last, unfinished line (a needle may straddle the seam)
        self._pem: int | None = None  # the BEGIN line of a key still open
        self._want_value = 0  # lines at the start of the next chunk that may hold a `type:` line's value

    def feed(self, chunk: bytes, newlines: int | None = None) -> None:
        n = chunk.count(b"\n") if newlines is None else newlines
        tail = self._tail
        j = chunk.find(b"\n") + 1  # the end of the line that straddles the seam (0: no line end here)
        if j == 0:
            seam, rest = tail + chunk, len(chunk)
        else:
            seam, rest = tail + chunk[:j], j
        # the line across the seam is searched on its own, the rest of the chunk in place (a copy of an
        # 8 MiB chunk with its tail cost more than the search)
        if self._pem is not None or self._want_value or _hot(seam):
            self._scan(seam, self._lines)
        if rest < len(chunk) and (self._pem is not None or self._want_value or _maybe_secret(chunk)):
            self._scan(chunk, self._lines + 1, rest)
        cut = chunk.rfind(b"\n")
        self._tail = (tail + chunk if cut < 0 else chunk[cut + 1 :])[-4096:]
        self._lines += n

    def finish(self) -> list[tuple[int, int]]:
        if self._pem is not None:  # a key cut off: everything after its BEGIN line
            self.ranges.append((self._pem, max(self._pem, self._lines + (1 if self._tail else 0))))
            self._pem = None
        return sorted(set(self.ranges))

    def _value_within(self, buf: bytes, at: int, lines: int, base: int, start: int = 0) -> int:
        """Look for a `value:` line among `lines` lines from `at`; returns how many were not in `buf`."""
        stop, seen = at, 0
        while seen < lines and stop < len(buf):
            j = buf.find(b"\n", stop)
            stop = len(buf) if j < 0 else j + 1
            seen += 1
        m = _CREDHUB_VALUE.search(buf, at, stop)
        if m:
            line = base + buf.count(b"\n", start, m.start()) + 1
            self.ranges.append((line, line))
            return 0
        return lines - seen

    def _scan(self, buf: bytes, base: int, start: int = 0) -> None:
        """Find the secrets of `buf[start:]`, whose first line is line `base + 1`."""
        if self._want_value:
            self._want_value = self._value_within(buf, start, self._want_value, base, start)
        pem = self._pem is not None or buf.find(b"PRIVATE KEY", start) >= 0
        credhub = buf.find(b"type", start) >= 0 and (
            buf.find(b"password", start) >= 0 or buf.find(b"value", start) >= 0
        )
        if pem or credhub:
            events: list[tuple[int, str, int]] = []
            if pem:
                events += [(m.start(), "begin", m.end()) for m in _PEM_BEGIN.finditer(buf, start)]
                events += [(m.start(), "end", m.end()) for m in _PEM_END.finditer(buf, start)]
            if credhub:
                for m in _CREDHUB_TYPE.finditer(buf, start):
                    k = buf.rfind(b"\n", start, m.start())
                    lead = buf[k + 1 if k >= 0 else start : m.start()]
                    if not lead.strip(b' \t{"'):  # `type:` opens its line
                        events.append((m.start(), "type", m.end()))
            for at, kind, end in sorted(events):
                line = base + buf.count(b"\n", start, at) + 1
                if kind == "begin" and self._pem is None:
                    self._pem = line
                elif kind == "end" and self._pem is not None:
                    self.ranges.append((self._pem, line))
                    self._pem = None
                elif kind == "type" and self._pem is None:
                    nxt = buf.find(b"\n", end) + 1  # its value within the next three lines
                    self._want_value = self._value_within(buf, nxt or len(buf), 3, base, start)


# What `_scan` looks for, in one pass of polars' regex engine, which releases the GIL: a chunk where it
# finds nothing is not searched by Python's `re`, which holds the GIL while a parser's threads wait for it
# (a director log holds `type` and `value` in every chunk). A superset of `_scan`'s finds: it only decides
# whether to look.
_ANY_SECRET = r"(?m)PRIVATE KEY|type\"?[ \t]*:[ \t]*\"?(?:password|value)\"?[ \t]*,?[ \t]*\r?$"


def _maybe_secret(chunk: bytes) -> bool:
    return bool(pl.Series([chunk.decode("utf-8", "replace")]).str.contains(_ANY_SECRET)[0])


def _hot(b: bytes) -> bool:
    return b"PRIVATE KEY" in b or (b"type" in b and (b"password" in b or b"value" in b))


def redact_lines(table: pa.Table, ranges: list[tuple[int, int]]) -> tuple[pa.Table, int]:
    """Replace every free-text cell of the rows whose `source_line` lies in `ranges` by `[REDACTED]`;
    returns (table, marks added). Rows without a `source_line` are left to `redact_table`."""
    if not ranges or "source_line" not in table.column_names or table.num_rows == 0:
        return table, 0
    line = pl.from_arrow(table.column("source_line"))
    assert isinstance(line, pl.Series)
    hit = pl.Series([False] * table.num_rows)
    for a, b in ranges:
        hit = hit | line.is_between(a, b).fill_null(False)
    if not hit.any():
        return table, 0
    total = 0
    for i, f in enumerate(table.schema):
        if f.name in SKIP or not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)):
            continue
        s = pl.from_arrow(table.column(i))
        assert isinstance(s, pl.Series)
        change = hit & s.is_not_null() & (s != MARK)
        n = int(change.sum())
        if n:
            total += n
            s = pl.select(pl.when(change).then(pl.lit(MARK)).otherwise(s)).to_series()
            table = table.set_column(i, f, s.to_arrow().cast(f.type))
    return table, total
