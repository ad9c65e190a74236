"""The cf CLI's error messages: where an error block starts, and its one-line summary (`502 Bad
Gateway`, `i/o timeout`, `Credentials were rejected`).

Templates follow docs/formats/cf.md §1.3 and §2 (cli@v6.41.0 command/translatableerror, cf/terminal).
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus

# error templates (FORMATS §1.3, §2); `kind` decides how the block continues
ERROR_STARTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Unexpected Response$"), "http"),
    (re.compile(r"^Error unmarshalling the following into a cloud controller error: "), "http"),
    (re.compile(r"^Error Code: \d{3}$"), "http"),
    (re.compile(r"^(?:Request error|Error performing request): "), "net"),
    (re.compile(r"^Error creating request:"), "net"),
    (re.compile(r"^Server error, status code: \d{3}, error code: "), "line"),
    (re.compile(r"^Credentials were rejected, please try again\.?$"), "line"),
    (re.compile(r"^The targeted API endpoint could not be reached\.?$"), "line"),
    (re.compile(r"^Unable to authenticate\.?$"), "line"),
    (re.compile(r"^The origin provided is invalid\.?$"), "line"),
    (re.compile(r"^No API endpoint set\. "), "line"),
    (re.compile(r"^(?:Error staging application|Staging error|Error restarting application)"), "line"),
    (re.compile(r"^Start unsuccessful$"), "line"),
    (re.compile(r"^Start app timeout$"), "line"),
    (re.compile(r"^Uploading files have failed after a number of retriest? due to: "), "line"),
    (re.compile(r"^Job \(\S+\) (?:failed|polling timeout)"), "line"),
    (re.compile(r"^The token expired, was revoked, or the token ID is incorrect\."), "line"),
    (re.compile(r"^Authentication has expired\."), "line"),
    (re.compile(r"^Invalid SSL Cert for "), "line"),
    (re.compile(r"^Error: timed out waiting for async job "), "line"),
    (re.compile(r"^Timed out waiting for connection to Loggregator"), "line"),
    (re.compile(r"^Failed to retrieve logs from Log Cache: "), "line"),
    (re.compile(r"^The requested URL returned error: \d{3}$"), "line"),
    (re.compile(r"^Error starting instances: "), "line"),
    (re.compile(r"^Not logged in\. Use 'cf login'"), "line"),
]
WARNINGS = re.compile(
    r"^(?:timeout connecting to log server, no log will be shown|Retrying upload due to an error\.\.\.)$"
)
GENERIC = re.compile(r"^(?:Unable to authenticate|Not logged in|FAILED)")

RESP_CODE = re.compile(r"^Response [Cc]ode: (?P<code>\d{3})$")
UAA_RAW = re.compile(r"^Error Code: (?P<code>\d{3})$")
V3_DETAIL = re.compile(r"^Code: (?P<cc>\d+), Title: (?P<title>[^,]*), Detail: (?P<detail>.*)$")
DESCRIPTION = re.compile(r"^(?:Description|Raw Response):\s+(?P<body>.*)$")
UNMARSHAL = re.compile(r"^Error unmarshalling the following into a cloud controller error: (?P<body>.*)$")
LEGACY_HTTP = re.compile(
    r"^Server error, status code: (?P<code>\d{3}), error code: (?P<ec>[^,]*), message:\s?(?P<msg>.*)$"
)
NET_ERR = re.compile(
    r'^(?:Request error|Error performing request): (?P<method>[A-Z][a-z]+) "?(?P<url>[a-z]+://[^\s"]+)"?: (?P<cause>.+)$'
)
CURL_FAIL = re.compile(r"^The requested URL returned error: (?P<code>\d{3})$")
ROUTER_BODY = re.compile(r"^(?P<code>\d{3}) (?P<reason>[A-Z][A-Za-z' ]*?)(?::|$)")
HTML_H1 = re.compile(r"<h1>\s*(?P<code>\d{3})\s+(?P<reason>[^<]+?)\s*</h1>", re.I)


def first_match(table: list[tuple[re.Pattern[str], str]], s: str) -> str | None:
    """The value of the first pattern of `table` that matches the start of `s`."""
    return next((value for rx, value in table if rx.match(s)), None)


def error_kind(s: str) -> str | None:
    return first_match(ERROR_STARTS, s)


def _phrase(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def body_summary(code: int | None, body: str) -> str:
    """`502 Bad Gateway` from a gorouter text body, HAProxy HTML or CC JSON (FORMATS §1.3)."""
    b = body.strip()
    if m := ROUTER_BODY.match(b):
        return f"{m.group('code')} {m.group('reason').strip()}"
    if m := HTML_H1.search(b):
        return f"{m.group('code')} {m.group('reason')}"
    if b.startswith("{"):
        try:
            j = json.loads(b)
        except ValueError:
            j = None
        if isinstance(j, dict):
            desc = j.get("description")
            if (
                not desc
                and isinstance(j.get("errors"), list)
                and j["errors"]
                and isinstance(j["errors"][0], dict)
            ):
                desc = j["errors"][0].get("detail") or j["errors"][0].get("title")
            if not desc:
                desc = j.get("error_description") or j.get("error")
            if desc:
                return f"{code} {desc}" if code else str(desc)
    if code:
        return _phrase(code)
    return _first_sentence(b)


def _first_sentence(s: str) -> str:
    s = s.strip()
    s = re.sub(r", please try again\.?$", "", s)
    if ". " in s and not s.startswith(("Error staging", "Job (")):
        s = s.split(". ", 1)[0]
    return s.rstrip(".")[:200]


def summarize(kind: str, lines: list[str]) -> str:
    """One-line summary of an error block: `502 Bad Gateway`, `i/o timeout`, `Credentials were rejected`."""
    code: int | None = None
    body: list[str] = []
    in_body = False
    for ln in lines:
        if m := NET_ERR.match(ln):
            cause = m.group("cause").strip()
            return cause.rsplit(": ", 1)[-1]
        if m := LEGACY_HTTP.match(ln):
            c = int(m.group("code"))
            msg = m.group("msg").strip()
            return f"{c} {msg}" if msg else _phrase(c)
        if m := CURL_FAIL.match(ln):
            return _phrase(int(m.group("code")))
        if (m := RESP_CODE.match(ln)) or (m := UAA_RAW.match(ln)):
            code = int(m.group("code"))
            continue
        if m := V3_DETAIL.match(ln):
            body, in_body = [m.group("detail")], True
            continue
        if (m := DESCRIPTION.match(ln)) or (m := UNMARSHAL.match(ln)):
            body, in_body = [m.group("body")], True
            continue
        if in_body:
            body.append(ln)
    if kind == "http" or body:
        return body_summary(code, "\n".join(body))
    if kind == "body":
        return body_summary(None, "\n".join(lines))
    first = next((ln for ln in lines if ln.strip() and not ln.startswith("TIP:")), "")
    return _first_sentence(first)
