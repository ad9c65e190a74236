"""Secrets never reach the lake: the patterns, the vectorized path, and a planted-secret ingest."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from drillscope.transforms.redact import redact_table, redact_text
from tests.conftest import Lake

JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS0xIn0.eyJqdGkiOiIxMjMifQ.c2lnbmF0dXJlc2lnbmF0dXJl"
CASES = [
    (f"Authorization: bearer {JWT}", "Authorization: bearer [REDACTED]"),
    ('"refresh_token":"abc123def456-r","x":1', '"refresh_token":"[REDACTED]","x":1'),
    ("password: s3cr3t-pw", "password: [REDACTED]"),
    ("client_secret=hunter22&grant_type=x", "client_secret=[REDACTED]&grant_type=x"),
    (
        "https://admin:pa55word@uaa.sys.example.com/oauth",
        "https://admin:[REDACTED]@uaa.sys.example.com/oauth",
    ),
    ("aws key AKIAIOSFODNN7EXAMPLE here", "aws key [REDACTED] here"),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----[REDACTED]",
    ),
    (
        "grant_type=password&password=admin123&username=admin",
        "grant_type=password&password=[REDACTED]&username=admin",
    ),
    (':password=>"xyz1"', ':password=>"[REDACTED]"'),
    ("GET /v2/info?access_token=abcdef123 HTTP/1.1", "GET /v2/info?access_token=[REDACTED] HTTP/1.1"),
    ("private_key: abc123xyz", "private_key: [REDACTED]"),
    (
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1",
        "aws_secret_access_key = [REDACTED]",
    ),
]
HARMLESS = [
    "Credentials were rejected, please try again.",
    "REQUEST: [2019-01-03T10:36:01+09:00] POST /oauth/token",
    "Task 1234 | 01:51:28 | Applying problem resolutions: VM for 'nats/66c0 (0)' is not responding.",
    "password change requested",
]


@pytest.mark.parametrize(("raw", "want"), CASES)
def test_patterns(raw: str, want: str) -> None:
    assert redact_text(raw) == (want, 1)


@pytest.mark.parametrize("raw", HARMLESS)
def test_no_false_positive(raw: str) -> None:
    assert redact_text(raw) == (raw, 0)


def test_vectorized_equals_row_path() -> None:
    texts = [c[0] for c in CASES] + HARMLESS + [None]
    t = pa.table({"message": pa.array(texts, pa.string()), "source_file": ["x"] * len(texts)})
    out, n = redact_table(t)
    assert n == len(CASES)
    assert out.column("message").to_pylist() == [c[1] for c in CASES] + HARMLESS + [None]
    assert out.column("source_file").to_pylist() == ["x"] * len(texts)


def test_planted_secrets_never_reach_parquet(lake: Lake) -> None:
    line = (
        '{"time":1546480288,"stage":"Updating instance","tags":[],"total":1,"task":"password: hunter2x '
        f'bearer {JWT}","index":1,"state":"started","progress":0}}\n'
    )
    d = lake.drill("d1", **{"a.jsonl": line, "b.jsonl": '{"time":1546480288,"stage" password=hunter2x\n'})
    res = {r.source_file: r for r in lake.ingest(d)}
    # each secret twice: in the parsed row and in the kept source line (source_lines, for evidence snippets)
    assert res["a.jsonl"].redactions == 4
    assert res["b.jsonl"].quarantined == 1 and res["b.jsonl"].redactions == 2
    # read every Parquet file and every database table back as text (the files are compressed)
    for f in lake.out.rglob("*.parquet"):
        text = str(pq.read_table(f).to_pylist())
        assert "hunter2x" not in text and JWT not in text, f
    for table in [r["table_name"] for r in lake.q("select table_name from information_schema.tables")]:
        text = str(lake.q(f'select * from "{table}"'))
        assert "hunter2x" not in text and JWT not in text, table
    assert "[REDACTED]" in str(lake.q("select message from events"))
    assert lake.one("select redactions from ingest_files where source_file = 'a.jsonl'") == 4
