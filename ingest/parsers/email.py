"""Alert e-mails: single `.eml` files (RFC 5322 / MIME) and mbox files (RFC 4155 mboxo, `From ` lines).

Follows the Python standard library's reading of RFC 5322/2045/2047 (`email`, `policy.default`) on the
file's bytes, with the fixes the format reference (docs/formats/healthwatch-email.md §3–4) calls for:
RFC 2047 words and bodies labelled `euc-kr` / `ks_c_5601-1987` are decoded as CP949 (a superset of
EUC-KR; the stdlib's `euc_kr` codec turns CP949-only syllables such as 똠 into U+FFFD), `Date` headers
with `-0000` or zone names (`KST`) are read explicitly, and subjects are classified by sender:
PCF Event Alerts (`CRITICAL Threshold Event: …`), Alertmanager (`[FIRING:n] …`, `[RESOLVED] …`),
Healthwatch 2's template (`[1 ALERT FIRING] …`), Grafana unified (`[FIRING:n, RESOLVED:m] …`) and legacy
(`[Alerting] …`, `[OK] …`), Korean relays (`[PCF 경보][CRITICAL] …`), and forwards/replies
(`FW:`, `RE:`, `전달:`, `회신:` …) which are kind `notification`, not new alerts.

Times: `ts` is when the alert fired: the firing time stated in the body when the format carries one
(Healthwatch 2 template: the midpoint of the Grafana link's from/to; relays: `발생 시각:`/`StartsAt:`),
else the `Date` header. `sent_at` is `Date`, `received_at` the first (bottom-most) `Received:` hop.

Line accounting: every line of a message (headers, body, the trailing blank line) and every mbox `From `
separator counts as parsed; blank lines before the first message are ignorable. A message that cannot
be read (no header block, no Subject/Date/From, no usable time) has its first line quarantined with the
reason and its other lines counted ignorable. A Message-ID seen again in the same file is skipped (its
lines count as parsed); across files the SQL layer deduplicates on `message_id`. A message without a
Message-ID gets `synthetic:<hash of Date, From, Subject>` so the same mail saved twice still matches.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.policy
import hashlib
import html
import re
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from drillscope.ingest.context import FileContext
from drillscope.ingest.wallclock import read_rfc2822, zone_for

NAME = "email"
LOOKS_FOR = "mail headers (`From:`, `Subject:`, `Date:`, `Received:`) or an mbox `From ` line"

SAMPLE = """\
Return-Path: <pcf-event-alerts@example.co.kr>
Received: from mx01.example.co.kr (mx01.example.co.kr [10.10.1.25])
\tby mail.example.co.kr (Postfix) with ESMTP id 4Q2aA1
\tfor <pcf-ops@example.co.kr>; Thu, 3 Jan 2019 10:28:06 +0900 (KST)
From: pcf-event-alerts@example.co.kr
To: pcf-ops@example.co.kr
Subject: CRITICAL Threshold Event: Canary App Availability: canary-health-check; pcf-prod
Date: Thu, 03 Jan 2019 01:28:05 +0000
Message-ID: <1546478885000000000.2a@event-alerts.sys.pcf.example.co.kr>
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

<html><body><p><b>level: CRITICAL</b></p></body></html>
"""

# -- recognising the format -------------------------------------------------------------------------
_FIELD = re.compile(r"^([!-9;-~]+)[ \t]*:")  # RFC 5322 field name: printable ASCII except ':'
_MAIL_FIELDS = {
    "return-path",
    "received",
    "from",
    "to",
    "cc",
    "date",
    "subject",
    "message-id",
    "mime-version",
    "reply-to",
    "sender",
    "delivered-to",
    "in-reply-to",
    "references",
    "x-mailer",
    "thread-topic",
    "envelope-to",
    "x-original-to",
}
# a header that only mail has (HTTP traces also print Date: and Content-Type:)
_MAIL_ONLY = {"return-path", "received", "from", "subject", "message-id", "mime-version", "delivered-to"}
_MBOX_FROM = re.compile(r"^From \S+")
# what an author puts in place of the headers they left out of a pasted mail
_ELISION = re.compile(r"^\s*(?:\[\.{3}\]|\.{3}|\[snip\]|<snip>|\[…\]|…)\s*$")


def _header_block_ok(lines: list[str]) -> bool:
    """The first lines form an RFC 5322 header block with at least two mail fields, one mail-only."""
    names: list[str] = []
    for ln in lines[:60]:
        if not ln.strip():
            break
        if ln[0] in " \t":
            if not names:
                return False
            continue
        if names and _ELISION.match(ln):
            continue
        m = _FIELD.match(ln)
        if not m:
            return False
        names.append(m.group(1).lower())
    known = [n for n in names if n in _MAIL_FIELDS]
    return len(known) >= 2 and any(n in _MAIL_ONLY for n in known)


def looks_like_mail(head: str) -> bool:
    """Shared with the notes probe: does this text start with a mail header block or an mbox line?"""
    lines = [ln.rstrip("\r") for ln in head.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return False
    if _MBOX_FROM.match(lines[0]) and not lines[0].startswith("From:"):
        lines = lines[1:]
    return _header_block_ok(lines)


# the plain-text body of a Grafana-managed alert mail (its default template), pasted without headers
_BODY_ONLY = re.compile(r"^You have \d+ firing alert\(s\), and \d+ resolved alert\(s\)(?: for .*)?$")
_BODY_SECTION = re.compile(r"^\(\d+\) (?P<state>FIRING|RESOLVED)$")
_BODY_ALERTNAME = re.compile(r"^ - alertname = (?P<name>.+?)\s*$")


def _body_only(head: str) -> bool:
    first = next((ln for ln in head.split("\n") if ln.strip()), "")
    return bool(_BODY_ONLY.match(first.rstrip("\r")))


def probe(head: str) -> bool:
    return looks_like_mail(head) or _body_only(head)


# -- charsets and RFC 2047 ------------------------------------------------------------------------
_KOREAN = {
    "euc-kr",
    "euc_kr",
    "euckr",
    "ks_c_5601-1987",
    "ks_c_5601",
    "ks_c_5601-1989",
    "ksc5601",
    "ksc_5601",
    "korean",
    "uhc",
    "cp949",
    "ms949",
    "windows-949",
    "x-windows-949",
}


def codec_for(charset: str | None) -> str:
    """The Python codec for a MIME charset label; the Korean labels all read as CP949."""
    cs = (charset or "utf-8").strip().strip('"').lower().split("*", 1)[0]
    if cs in _KOREAN:
        return "cp949"
    if cs in ("us-ascii", "ascii", "unknown-8bit", "x-unknown", ""):
        return "utf-8"  # 7-bit labels often carry 8-bit text; utf-8 first, then cp949 (see _decode)
    try:
        return codecs.lookup(cs).name
    except LookupError:
        return "utf-8"


def _decode(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        pass
    for alt in ("utf-8", "cp949"):
        try:
            return data.decode(alt)
        except UnicodeDecodeError:
            continue
    return data.decode(codec if codec else "utf-8", errors="replace")


_EW = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")


def _raw_bytes(text: str) -> bytes:
    # header text from a bytes parse keeps 8-bit bytes as surrogate escapes
    return text.encode("utf-8", "surrogateescape")


def decode_header(raw: str) -> str:
    """An RFC 2047 header value as text: adjacent encoded words of one charset are joined as bytes
    before decoding (a word may end inside a multibyte character), Korean labels decode as CP949,
    raw 8-bit header bytes as UTF-8 else CP949."""
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", raw).replace("\r", "").replace("\n", "")
    tokens: list[tuple[str, Any, Any]] = []  # ("ew", codec, bytes) | ("text", text, None)
    pos = 0
    for m in _EW.finditer(unfolded):
        if m.start() > pos:
            tokens.append(("text", unfolded[pos : m.start()], None))
        cs, enc, data = m.group(1), m.group(2).upper(), m.group(3)
        try:
            if enc == "B":
                b = base64.b64decode(data + "=" * (-len(data) % 4))
            else:
                b = binascii.a2b_qp(_raw_bytes(data), header=True)
        except (binascii.Error, ValueError):
            tokens.append(("text", m.group(0), None))
        else:
            tokens.append(("ew", codec_for(cs), b))
        pos = m.end()
    if pos < len(unfolded):
        tokens.append(("text", unfolded[pos:], None))
    out: list[str] = []
    i = 0
    while i < len(tokens):
        kind, a, b = tokens[i]
        if kind == "text":
            # linear white space between two encoded words is not part of the text (RFC 2047 §6.2)
            between = 0 < i < len(tokens) - 1 and tokens[i - 1][0] == "ew" and tokens[i + 1][0] == "ew"
            if not (between and not a.strip()):
                out.append(_decode(_raw_bytes(a), "utf-8"))
            i += 1
            continue
        buf = bytearray(b)
        j = i + 1
        while j < len(tokens):
            if tokens[j][0] == "text" and not tokens[j][1].strip() and j + 1 < len(tokens):
                nxt = tokens[j + 1]
                if nxt[0] == "ew" and nxt[1] == a:
                    buf += nxt[2]
                    j += 2
                    continue
            if tokens[j][0] == "ew" and tokens[j][1] == a:
                buf += tokens[j][2]
                j += 1
                continue
            break
        out.append(_decode(bytes(buf), a))
        i = j
    return re.sub(r"\s+", " ", "".join(out)).strip()


# -- dates ----------------------------------------------------------------------------------------


def parse_date(value: str | None, fallback_tz: Any = None) -> datetime | None:
    """An RFC 5322 date as a UTC instant, by the drill's one wall clock (`wallclock.read_rfc2822`):
    numeric offsets (`-0000` = UTC), zone names (KST, UTC/GMT/UT/Z, EST..PDT), no zone → `fallback_tz`."""
    return read_rfc2822(value, fallback_tz or UTC)


# -- subjects -------------------------------------------------------------------------------------
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|tr|sv|vs|회신|전달|답장|답변)\s*(?:\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE
)
_EVENT_ALERTS = re.compile(
    r"^(?:CF Notification: )?(?P<level>CRITICAL|WARNING|HEALTHY) Threshold Event: "
    r"(?P<name>[^:;]+?)(?:: (?P<job>[^;]+?)(?:; (?P<foundation>.+))?)?\s*$",
    re.IGNORECASE,
)
_HW2 = re.compile(r"^\[(?P<n>\d+) ALERTS? (?P<status>FIRING|RESOLVED)\] (?P<name>\S+)", re.IGNORECASE)
_ALERTMANAGER = re.compile(
    r"^\[(?P<status>FIRING|RESOLVED)(?::(?P<n>\d+))?(?:, ?RESOLVED:(?P<r>\d+))?\] (?P<groupvals>.+?)"
    r"(?: \((?P<common>.*)\))?\s*$",
    re.IGNORECASE,
)
_GRAFANA_LEGACY = re.compile(r"^\[(?P<status>Alerting|OK|No Data|Unknown|Pending)\] (?P<name>.+)$")
_TAGS = re.compile(r"^\s*((?:\[[^\]]*\]\s*)+)")
_SEVERITY_WORD = re.compile(r"\b(CRITICAL|WARNING|WARN|ERROR|MAJOR|MINOR|INFO|HIGH|LOW)\b", re.IGNORECASE)
_FIRING_WORDS = re.compile(r"FIRING|ALERTING|CRITICAL|경보|장애|발생|실패|중단|저하|불가|down", re.IGNORECASE)
_RESOLVED_WORDS = re.compile(r"RESOLVED|HEALTHY|\bOK\b|복구|해제|정상|회복|recovered", re.IGNORECASE)
_ALERT_WORDS = re.compile(r"FIRING|RESOLVED|ALERT|CRITICAL|WARNING|경보|알람|알림", re.IGNORECASE)
_SEV_MAP = {"warn": "warning", "high": "critical", "major": "critical", "minor": "warning", "low": "info"}


def _severity(word: str | None) -> str | None:
    if not word:
        return None
    w = word.lower()
    return _SEV_MAP.get(w, w)


def classify(subject: str) -> dict[str, Any] | None:
    """The alert a subject announces (state, alert, severity, format), or None for free text."""
    s = subject.strip()
    if m := _EVENT_ALERTS.match(s):
        level = m.group("level").lower()
        firing = level != "healthy"
        return {
            "format": "event_alerts",
            "state": "firing" if firing else "resolved",
            "alert": m.group("name").strip(),
            "severity": level if firing else None,
        }
    if m := _HW2.match(s):
        return {
            "format": "healthwatch2",
            "state": m.group("status").lower(),
            "alert": m.group("name"),
            "severity": None,
        }
    if m := _ALERTMANAGER.match(s):
        vals = m.group("groupvals").split()
        return {
            "format": "alertmanager",
            "state": m.group("status").lower(),
            "alert": vals[0] if vals else None,
            "severity": None,
        }
    if m := _GRAFANA_LEGACY.match(s):
        st = m.group("status")
        return {
            "format": "grafana_legacy",
            "state": "resolved" if st == "OK" else "firing",
            "alert": m.group("name").strip(),
            "severity": None,
        }
    return None


def _free_text(subject: str) -> tuple[str, str | None, str | None]:
    """Free-text subject (relays, people): name without [tags] / trailing ` - foundation`, severity
    from a tag, state from keywords (resolved words win: `복구` mails also mention the fault)."""
    tags = ""
    if m := _TAGS.match(subject):
        tags = m.group(1)
    name = subject[len(tags) :].strip() if tags else subject.strip()
    sev = _SEVERITY_WORD.search(tags)
    state = None
    if _RESOLVED_WORDS.search(subject):
        state = "resolved"
    elif _FIRING_WORDS.search(subject):
        state = "firing"
    return name or subject, _severity(sev.group(1)) if sev else None, state


# -- bodies ---------------------------------------------------------------------------------------
_TAG = re.compile(r"<[^>]+>")
_QUOTE = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|원본 메시지|Forwarded message)\s*-{2,}|From: .*\n\s*Sent: )",
    re.IGNORECASE | re.MULTILINE,
)
_FIRED_AT = re.compile(
    r"(?:발생\s*시각|발생\s*시간|발생\s*일시|starts?\s*at|fired\s*at|firing\s*since)\s*[:=]\s*"
    r"(?P<d>\d{4}-\d{2}-\d{2})[ T](?P<t>\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?"
    r"\s*\(?\s*(?P<z>Z\b|[+-]\d{2}:?\d{2}|[A-Z]{2,5}\b)?",
    re.IGNORECASE,
)
_GRAFANA_RANGE = re.compile(
    r"left=(?:%5b|\[)(?:%22|\")(?P<f>\d{13})(?:%22|\"),\s*(?:%22|\")(?P<t>\d{13})"
    r"|[?&;]from=(?P<f2>\d{13})&(?:amp;)?to=(?P<t2>\d{13})",
    re.IGNORECASE,
)
_LABEL_SEVERITY = re.compile(r"\bseverity\s*(?:=|:)\s*([A-Za-z]+)", re.IGNORECASE)
_LEVEL = re.compile(r"(?:\blevel|등급)\s*:\s*([A-Za-z]+)", re.IGNORECASE)
_ORIGINAL_SUBJECT = re.compile(r"(?:원본\s*제목|Original subject)\s*:\s*(.+)", re.IGNORECASE)


def _bodies(msg: Message) -> tuple[str, str]:
    """(raw text of every text part, readable text: plain parts, else HTML with tags removed)."""
    raw: list[str] = []
    plain: list[str] = []
    htmls: list[str] = []
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.get_content_disposition() == "attachment":
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:  # a broken transfer encoding: keep what the part says literally
            payload = _raw_bytes(str(part.get_payload()))
        text = _decode(payload, codec_for(part.get_content_charset()))
        raw.append(text)
        if part.get_content_subtype() == "html":
            htmls.append(html.unescape(_TAG.sub(" ", re.sub(r"(?i)<br\s*/?>|</p>|</li>", "\n", text))))
        else:
            plain.append(text)
    return "\n".join(raw), "\n".join(plain or htmls)


def _own(body: str) -> str:
    """The body without a quoted original (its `Sent:` time and level belong to another mail)."""
    cut = _QUOTE.search(body)
    return body[: cut.start()] if cut else body


def _fired_at(body: str, fallback_tz: Any) -> datetime | None:
    m = _FIRED_AT.search(_own(body))
    if not m:
        return None
    try:
        naive = datetime.fromisoformat(f"{m.group('d')}T{m.group('t')}")
    except ValueError:
        return None
    tz, _ = zone_for((m.group("z") or "").upper() or None, naive, fallback_tz or UTC)
    return naive.replace(tzinfo=tz).astimezone(UTC)


_SECTION = re.compile(r"(?:\[\d+\]\s*|\*\*)(Firing|Resolved)\b", re.IGNORECASE)
_ALERTNAME = re.compile(r"\balertname\s*(?:=|:)\s*([A-Za-z_:][\w:.-]*)")


def _grouped(body: str, state: str | None) -> list[tuple[str, str | None, str | None]]:
    """The alerts of a grouped Alertmanager/Grafana mail (`[FIRING:3] …` grouped by job, say): the
    body lists each alert's labels, alertname first (SortedPairs), under `[n] Firing` / `[n] Resolved`
    (Alertmanager) or `**Firing**` / `**Resolved**` (Grafana). One entry per distinct
    (alertname, state); empty when the body names at most one alert (the subject says it all)."""
    marks = [(m.start(), m.group(1).lower()) for m in _SECTION.finditer(body)]
    names = list(_ALERTNAME.finditer(body))
    out: list[tuple[str, str | None, str | None]] = []
    for k, m in enumerate(names):
        st = state
        for pos, sect in marks:
            if pos < m.start():
                st = "firing" if sect == "firing" else "resolved"
        block = body[m.end() : names[k + 1].start() if k + 1 < len(names) else len(body)]
        sev = _LABEL_SEVERITY.search(block)
        entry = (m.group(1), st, _severity(sev.group(1)) if sev else None)  # its own labels only
        if all(e[:2] != entry[:2] for e in out):
            out.append(entry)
    return out if len({e[0] for e in out}) > 1 or len(out) > 1 else []


# -- the parse ------------------------------------------------------------------------------------
def _byte_lines(data: bytes) -> list[bytes]:
    """Physical lines with their terminators, split on LF exactly as the pipeline counts them."""
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _is_blank(b: bytes) -> bool:
    return not b.strip()


def _split(lines: list[bytes]) -> tuple[int, list[tuple[int, int, bool]]]:
    """(leading blank lines, messages as (first index, end index, starts with an mbox From_ line))."""
    i = 0
    while i < len(lines) and _is_blank(lines[i]):
        i += 1
    if i == len(lines):
        return i, []
    first = lines[i].decode("latin-1")
    if not (_MBOX_FROM.match(first) and not first.startswith("From:")):
        return i, [(i, len(lines), False)]
    starts = []
    for j in range(i, len(lines)):
        ln = lines[j]
        if not ln.startswith(b"From ") or (j > i and not _is_blank(lines[j - 1])):
            continue
        nxt = lines[j + 1].decode("latin-1") if j + 1 < len(lines) else ""
        if j == i or _FIELD.match(nxt):
            starts.append(j)
    bounds = starts + [len(lines)]
    return i, [(bounds[k], bounds[k + 1], True) for k in range(len(starts))]


class _Bad(Exception):
    pass


def _read(
    ctx: FileContext, lines: list[bytes], start: int, end: int, mbox: bool
) -> tuple[str, list[dict], list[dict]]:
    body_start = start + 1 if mbox else start
    head_end = next((k for k in range(body_start, end) if _is_blank(lines[k])), end)
    data = b"".join(
        ln
        for k, ln in enumerate(lines[body_start:end], body_start)
        if k >= head_end or not _ELISION.match(ln.decode("latin-1"))  # `[...]` among the headers
    )
    try:
        # compat32: the headers are read raw below and decoded here; the default policy's header
        # objects cost about half the parse time on an mbox (bench/run.py) and are never used
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        raw = {}
        for k, v in msg.raw_items():
            raw.setdefault(k.lower(), []).append(str(v))
    except Exception as e:
        raise _Bad(f"e-mail message cannot be parsed: {type(e).__name__}: {e}") from None
    if not raw:
        raise _Bad("e-mail message without a header block")
    if not any(k in raw for k in ("subject", "date", "from")):
        raise _Bad("e-mail message without Subject, Date or From")
    tz = ctx.drill.timezone
    subject = decode_header(raw["subject"][0]) if "subject" in raw else ""
    sender = decode_header(raw["from"][0]) if "from" in raw else None
    date_raw = raw.get("date", [None])[0]
    sent_at = parse_date(date_raw, tz)
    received_at = None
    if "received" in raw:
        hop = re.sub(r"\s+", " ", raw["received"][-1])  # bottom-most = the first hop
        if ";" in hop:
            received_at = parse_date(hop.rsplit(";", 1)[1], tz)
    mid = _decode(_raw_bytes((raw.get("message-id") or [""])[0]), "utf-8").strip()
    if not mid:
        key = f"{date_raw}|{raw.get('from', [''])[0]}|{raw.get('subject', [''])[0]}"
        mid = "synthetic:" + hashlib.sha256(_raw_bytes(key)).hexdigest()[:24]
    try:
        body_raw, body = _bodies(msg)
    except Exception:  # a malformed MIME structure: the headers still tell the alert
        body_raw, body = "", ""

    stripped = _PREFIX.sub("", subject)
    forwarded = stripped != subject
    inner = re.sub(r"^CF Notification:\s*", "", stripped)
    info = classify(inner)
    fired: datetime | None = None
    if info is None:
        # a relay quoting the original subject in its body names the alert the same way
        if (m := _ORIGINAL_SUBJECT.search(body)) and (orig := classify(m.group(1).strip())):
            name, sev, state = orig["alert"], orig["severity"], orig["state"]
        else:
            name, sev, state = _free_text(inner)
        status_hdr = (raw.get("x-alert-status") or [""])[0].strip().lower()
        if status_hdr in ("firing", "resolved"):
            state = status_hdr
        elif status_hdr in ("ok", "healthy", "recovered"):
            state = "resolved"
        tags = _TAGS.match(inner)
        is_alert = bool(status_hdr) or bool(tags and _ALERT_WORDS.search(tags.group(1)))
        kind = "alert" if is_alert and not forwarded and state else "notification"
        if kind == "notification":
            state = None  # a person's mail: keywords would guess (a reply about a fix says 실패 too)
        elif sev is None and (lv := _LEVEL.search(_own(body))):
            sev = _severity(lv.group(1))
        info = {"format": "free_text", "state": state, "alert": name, "severity": sev}
    else:
        kind = "notification" if forwarded else "alert"
    if (
        kind == "alert"
        and info["severity"] is None
        and info["state"] == "firing"
        and (m := _LABEL_SEVERITY.search(_own(body)))
    ):
        info["severity"] = _severity(m.group(1))
    if kind == "alert" and info["state"] == "firing":
        if info["format"] == "healthwatch2" and (g := _GRAFANA_RANGE.search(body_raw)):
            lo, hi = int(g.group("f") or g.group("f2")), int(g.group("t") or g.group("t2"))
            fired = datetime.fromtimestamp((lo + hi) / 2000, UTC)  # link = StartsAt ± 30 min
        else:
            fired = _fired_at(body, tz)
    ts = fired or sent_at or received_at
    if ts is None:
        raise _Bad(f"e-mail without a usable time (Date: {date_raw!r})")
    members = [(info["alert"], info["state"], info["severity"])]
    if kind == "alert" and info["format"] == "alertmanager":
        members = _grouped(body, info["state"]) or members
    rows, events = [], []
    for alert, state, severity in members:
        rows.append(
            {
                "ts": ts,
                "alert": alert,
                "state": state,
                "severity": severity,
                "subject": subject,
                "kind": kind,
                "message_id": mid,
                "sent_at": sent_at,
                "received_at": received_at,
                "sender": sender,
                "source_line": start + 1,
            }
        )
        if kind == "alert":
            ev_sev = severity or ("warning" if state == "firing" else "info")
            ev_kind = "alert_email"
        else:
            ev_sev, ev_kind = "info", "email_notification"
        events.append(
            {
                "ts": ts,
                "ts_role": "fired" if fired else ("sent" if sent_at else "received"),
                "kind": ev_kind,
                "severity": ev_sev,
                "message": subject if len(members) == 1 else f"{subject} [{state}: {alert}]",
                "source_line": start + 1,
            }
        )
    return mid, rows, events


def _parse_body_only(ctx: FileContext) -> None:
    """A notification body without its headers: its alerts, with no time (no Date, no Received)."""
    text = ctx.text
    lines = ctx.lines
    blank = 0
    while blank < len(lines) and not lines[blank].strip():
        blank += 1
    ctx.count(ignorable=blank, parsed=len(lines) - blank)
    mid = "synthetic:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    rows: list[dict] = []
    state: str | None = None
    for n, ln in enumerate(lines, 1):
        if m := _BODY_SECTION.match(ln.strip()):
            state = m.group("state").lower()
        elif (m := _BODY_ALERTNAME.match(ln)) and state:
            rows.append({"ts": None, "alert": m.group("name"), "state": state, "kind": "alert",
                         "message_id": mid, "source_line": n})  # fmt: skip
    ctx.notes.append("a mail body without its headers: its alerts have no time")
    ctx.emit("alerts", rows)


def parse(ctx: FileContext) -> None:
    if not looks_like_mail(ctx.text[:16384]) and _body_only(ctx.text[:16384]):
        _parse_body_only(ctx)
        return
    lines = _byte_lines(ctx.data)
    leading, messages = _split(lines)
    ctx.count(ignorable=leading)
    alerts: list[dict] = []
    events: list[dict] = []
    seen: set[str] = set()
    for start, end, mbox in messages:
        try:
            got = _read(ctx, lines, start, end, mbox)
        except Exception as e:  # _Bad, or a MIME corner the stdlib trips on: never lose the file
            reason = (
                str(e) if isinstance(e, _Bad) else f"e-mail message cannot be read: {type(e).__name__}: {e}"
            )
            first = lines[start].decode("utf-8", errors="replace").rstrip("\r\n")
            ctx.quarantine(start + 1, reason, first)
            ctx.count(ignorable=end - start - 1)
            continue
        ctx.count(parsed=end - start)
        mid, rows, evs = got
        if mid in seen:  # the same mail twice in one mailbox: once
            continue
        seen.add(mid)
        alerts.extend(rows)
        events.extend(evs)
    ctx.emit("alerts", alerts)
    ctx.emit("events", events)
