"""Operator timeline notes: Markdown or text bullet lists with a wall-clock time, Korean or English.

Follows what drill operators actually write (the seed write-up `pcf-ha-drill-ko.md`, its "Test결과"
lists): `- 10:25 power off`, `- 10시 25분 전원 off`, `- 3시 41분 az2 shut down`, `- 오후 3시 41분 …`,
`- 3:41 PM …`, `- 10시 29분 부터 : …`, and `(10:50)` stamps inside numbered step lines
(`1.  물리서버 기동 (10:50)`). Times carry no date and no zone: the date is the drill's
(the drill's wall clock, `ctx.clock`, or a `YYYY-MM-DD` written on the line) and the zone the drill's
`timezone`.

12-hour clock. Korean operators write `3시 41분` for 15:41. A time with hour 1–12 and no AM/PM marker
(오전/오후, AM/PM) has two readings 12 h apart; the parser picks:
- with `injected_at` in drill.toml: the reading inside the drill window
  [injected_at − 6 h, injected_at + 12 h) (on the day, ±1, that puts it there); when both readings
  fall inside, the one that keeps the notes running forward (the earliest not more than 2 h before
  the previous note; for the first note the reading nearer injected_at); when neither does, the
  reading nearest injected_at. Injected 15:41 → `3시 41분` is 15:41, `(10:50)` is 10:50; injected
  10:25 → `11시 17분` is 11:17, and `4시 35분` after `4시 09분` (16:09) is 16:35;
- without it: for the first note the reading nearest the drill's span (its dated evidence, or the day of
  drill.toml's `date`), the earlier of equals (as written, AM); then each later time the earliest reading
  not more than 2 h before the previous note (notes run forward; small back-steps such as
  `10:29` then `10:28` stay), rolling over midnight.
Hours 0 and 13–23 are 24-hour times (placed on the day nearest the window / after the previous note).

Each timed line becomes an `events` row: kind `note`, ts_role `noted`, severity `info`, message = the
text without the time (leading `:`/`-` separators dropped). Attached lines, counted parsed:
- a bullet nested under a timed note (deeper indent, no time of its own, e.g. the seed's
  `\\t- 잠시 순단현상이 …`) becomes its own note at the parent's time (its own source_line);
- an indented non-bullet line right under a timed item continues its message;
- a timed bullet with no text (`- 4시 09분`) takes the text of the bullet right after it.
Everything else (headings, prose, bullets without a time) is ignorable. A timed-looking line with an
impossible time (`- 25:70`) is quarantined.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from drillscope.ingest.context import FileContext
from drillscope.ingest.parsers.email import looks_like_mail

NAME = "notes"
LOOKS_FOR = "two or more timed note lines (`- 10:25 power off`, `- 10시 25분 …`)"

SAMPLE = """\
#### 1.3.3. Test결과
- 1차 Test 결과
- 10시 25분 전원 off
- 10시 28분 email 알림
- 11시 17분 정상복구완료
"""

_BULLET = r"(?P<indent>[ \t]*)(?P<mark>[-*+•·]|\d{1,2}[.)])[ \t]+"
_AMPM_PRE = r"(?:(?P<pre>오전|오후|AM|PM|a\.m\.|p\.m\.)\s*)?"
_DATE = r"(?:(?P<date>\d{4}[-./]\d{1,2}[-./]\d{1,2})\.?\s+)?"
_CLOCK = (
    r"(?P<h>\d{1,2})(?:"
    r":(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"|\s*시(?!간)\s*(?:(?P<km>\d{1,2})\s*분|(?P<half>반))?(?:\s*(?P<ks>\d{1,2})\s*초)?"
    r")"
)
_AMPM_POST = r"(?:\s*(?P<post>AM|PM|am|pm|a\.m\.|p\.m\.)(?![A-Za-z]))?"
# a bullet whose text starts with the time, optionally in brackets: `- 10:25 …`, `- [10시 25분] …`
_TIMED = re.compile(
    rf"^{_BULLET}[\[(]?{_DATE}{_AMPM_PRE}{_CLOCK}{_AMPM_POST}[\])]?(?=$|[\s:：,\-–—>|)\]])(?P<rest>.*)$"
)
# a `(10:50)` stamp inside a list line
_STAMP = re.compile(r"\((?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\)")
_LIST = re.compile(r"^" + _BULLET + r"(?P<text>\S.*)$")
_SEP = re.compile(r"^[\s:：\-–—>|,]+")
_PM = {"오후", "PM", "pm", "p.m."}
_AM = {"오전", "AM", "am", "a.m."}

WINDOW_BEFORE = timedelta(hours=6)
WINDOW_AFTER = timedelta(hours=12)
BACKSTEP = timedelta(hours=2)


def _timed_lines(lines: list[str]) -> int:
    return sum(1 for ln in lines if _TIMED.match(ln))


def probe(head: str) -> bool:
    if looks_like_mail(head) or head.lstrip().startswith(("{", "[")):
        return False
    lines = head.split("\n")
    if len(head) >= 16384 and lines:
        lines = lines[:-1]  # the cut last line may be partial
    return _timed_lines([ln.rstrip("\r") for ln in lines]) >= 2


def _indent(s: str) -> int:
    return len(s.expandtabs(4))


class _Clock:
    """Resolves date-less, possibly 12-hour wall-clock times into instants (see the module doc)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.tz = ctx.drill.timezone
        self.inj = ctx.drill.injected_at
        self.prev: datetime | None = None
        self._day: date | None = None

    @property
    def day(self) -> date:
        if self._day is None:
            self._day = self.ctx.clock.reference_date()
        return self._day

    def resolve(self, h: int, m: int, s: int, ampm: str | None, on: date | None) -> datetime:
        if ampm in _PM:
            hours = [h % 12 + 12]
        elif ampm in _AM:
            hours = [h % 12]
        elif 1 <= h <= 12:
            hours = [h % 12, h % 12 + 12]  # 12:xx is noon or just after midnight
        else:
            hours = [h]
        if on is not None:  # a date written on the line: no day to choose
            cands = [datetime.combine(on, time(hh, m, s), self.tz) for hh in hours]
            pick = self._choose(cands, on)
        else:
            base = self.day
            cands = [
                datetime.combine(base + timedelta(days=k), time(hh, m, s), self.tz)
                for k in (-1, 0, 1)
                for hh in hours
            ]
            pick = self._choose(cands, base)
        self.prev = pick
        return pick.astimezone(UTC)

    def _choose(self, cands: list[datetime], base: date) -> datetime:
        cands.sort()
        if self.inj is not None:
            inj = self.inj
            inside = [c for c in cands if inj - WINDOW_BEFORE <= c < inj + WINDOW_AFTER]
            if not inside:
                return min(cands, key=lambda c: abs(c - inj))
            if len(inside) == 1:
                return inside[0]
            if self.prev is None:
                return min(inside, key=lambda c: abs(c - inj))
            later = [c for c in inside if c >= self.prev - BACKSTEP]
            return later[0] if later else inside[-1]
        if self.prev is None:  # the first note: the earliest reading nearest the drill's span
            lo, hi = self.ctx.clock.span()
            return min(cands, key=lambda c: (max(lo - c, c - hi, timedelta(0)), c))
        later = [c for c in cands if c >= self.prev - BACKSTEP]
        return later[0] if later else cands[-1]


def _time_parts(m: re.Match) -> tuple[int, int, int] | None:
    h = int(m.group("h"))
    gd = m.groupdict()
    if gd.get("m") is not None:
        mi, s = int(gd["m"]), int(gd.get("s") or 0)
    else:
        mi = 30 if gd.get("half") else int(gd.get("km") or 0)
        s = int(gd.get("ks") or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return h, mi, s


def _line_date(text: str | None) -> date | None:
    if not text:
        return None
    y, mo, d = (int(x) for x in re.split(r"[-./]", text))
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def parse(ctx: FileContext) -> None:
    lines = ctx.lines
    clock = _Clock(ctx)
    events: list[dict[str, Any]] = []
    parent: dict[str, Any] | None = None  # the last timed note, while lines can still attach to it
    parent_indent = 0
    need_text: dict[str, Any] | None = None  # a timed bullet without text, waiting for the next bullet
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            ctx.count(ignorable=1)
            need_text = None
            continue
        m = _TIMED.match(raw)
        stamp = None if m else (_STAMP.search(raw) if _LIST.match(raw) else None)
        if m or stamp:
            mt = m or stamp
            assert mt is not None
            parts = _time_parts(mt)
            if parts is None:
                ctx.quarantine(n, "note time out of range", raw)
                parent = need_text = None
                continue
            gd = mt.groupdict()
            ampm = gd.get("pre") or gd.get("post")
            if m:
                text = _SEP.sub("", m.group("rest")).strip()
                indent = _indent(m.group("indent"))
            else:
                lm = _LIST.match(raw)
                assert lm is not None
                text = re.sub(r"\s+", " ", _STAMP.sub(" ", lm.group("text"))).strip()
                indent = _indent(lm.group("indent"))
            ts = clock.resolve(*parts, ampm, _line_date(gd.get("date")))
            row = {
                "ts": ts,
                "ts_role": "noted",
                "kind": "note",
                "severity": "info",
                "message": text,
                "source_line": n,
            }
            events.append(row)
            ctx.count(parsed=1)
            parent, parent_indent = row, indent
            need_text = row if not text else None
            continue
        lm = _LIST.match(raw)
        ind = _indent(raw[: len(raw) - len(raw.lstrip())])
        if need_text is not None and lm and ind >= parent_indent:
            need_text["message"] = lm.group("text").strip()  # `- 4시 09분` then `- bosh cck …`
            need_text = None
            ctx.count(parsed=1)
            continue
        need_text = None
        if parent is not None and ind > parent_indent:
            if lm:  # a nested bullet under a timed note: a note of its own at the parent's time
                events.append({**parent, "message": lm.group("text").strip(), "source_line": n})
            else:  # an indented continuation of the timed item
                parent["message"] = f"{parent['message']} {raw.strip()}".strip()
            ctx.count(parsed=1)
            continue
        parent = None
        ctx.count(ignorable=1)
    ctx.emit("events", events)
