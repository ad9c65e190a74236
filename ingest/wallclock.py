"""One wall clock for every parser: how the times operators' tools print become UTC instants.

Readers (pure functions, no drill needed): `read_date` for what `date` prints (C/en_US, en_GB,
`date -R`, ISO/`date -Iseconds`/`date '+%F %T'`, the ko_KR locales, a bare `HH:MM:SS`), `read_ts_prefix`
for moreutils `ts` (`Jan 03 10:29:18 `), `read_iso` (ISO-8601 with an offset), `read_rfc2822` (mail
`Date`), `epoch` (s, ms, µs or ns by magnitude).

Zones (`zone_for`): an explicit offset first (`+0900`, `+09:00`, `Z`, `UTC+9`), then the drill zone's own
abbreviation (it knows DST: `EDT` in America/New_York), then the table `ZONE_OFFSETS`, then the drill
zone (an unknown name is reported, never guessed).

Times without a date (`WallClock.place`): a time goes on the date that puts it nearest the drill's dated
evidence (the span from its earliest to its latest dated row, from any source), so it lands within 12 h
of it; `date` in drill.toml overrides (the span is then that local day). Until the evidence is known
(the ingest reads the dated files first) a parser that needs it gets `NeedDate` and is read again
later. Inside one capture the clock still rolls forward past midnight (`roll_days`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from email.utils import parsedate_tz
from zoneinfo import ZoneInfo

from drillscope.errors import NeedDate

MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
MONTH_RE = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
WEEKDAY_RE = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# abbreviations `date`, mailers and relays print, in minutes east of UTC; checked after the drill's own
# zone, so `IST` or `CST` in a drill that uses them reads as the drill's. CST is RFC 822's North American
# one (China Standard Time shares the name).
ZONE_OFFSETS = {
    "UTC": 0, "UT": 0, "GMT": 0, "UCT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60,
    "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "IST": 330, "ICT": 420, "WIB": 420,
    "HKT": 480, "SGT": 480, "AWST": 480, "PHT": 480, "KST": 540, "JST": 540, "ACST": 570, "ACDT": 630,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780, "HST": -600, "AKST": -540, "AKDT": -480,
    "PST": -480, "PDT": -420, "MST": -420, "MDT": -360, "CST": -360, "CDT": -300, "EST": -300,
    "EDT": -240, "AST": -240, "ADT": -180, "BRT": -180,
}  # fmt: skip

# what may name a zone after a time: an offset, `UTC+9`/`GMT-05:00`, an abbreviation, `+09` (glibc prints
# the bare offset for zones without an abbreviation)
ZONE_RE = r"(?P<zone>Z|[+-]\d\d(?::?\d\d)?|(?:UTC|GMT)[+-]\d\d?(?::?\d\d)?|[A-Z][A-Za-z]{1,5})(?![\w:])"
# after a bare time, only what `date +%Z` prints: capitals or an offset (`10:20:12 KST`)
_BARE_ZONE_RE = r"(?P<zone>Z|[+-]\d\d(?::?\d\d)?|[A-Z]{2,5})(?![\w:])"
_OFFSET = re.compile(r"(?:UTC|GMT)?([+-])(\d\d?)(?::?(\d\d))?")


def fixed_offset(zone: str) -> tzinfo | None:
    """The zone an explicit offset names (`Z`, `+0900`, `+09:00`, `-05`, `UTC+9`), else None."""
    if zone == "Z":
        return UTC
    m = _OFFSET.fullmatch(zone)
    if m is None:
        return None
    off = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
    if off >= timedelta(hours=24):
        return None
    return timezone(-off if m.group(1) == "-" else off)


def zone_for(name: str | None, naive: datetime, drill_tz: tzinfo) -> tuple[tzinfo, bool]:
    """The zone a printed name stands for at the wall-clock time `naive`: (zone, known). No name is the
    drill's zone; an unknown name is read in the drill's zone too, with known = False."""
    if not name:
        return drill_tz, True
    fixed = fixed_offset(name)
    if fixed is not None:
        return fixed, True
    if name in (drill_tz.tzname(naive), drill_tz.tzname(naive.replace(fold=1))):
        return drill_tz, True
    if name.upper() in ZONE_OFFSETS:
        return timezone(timedelta(minutes=ZONE_OFFSETS[name.upper()])), True
    return drill_tz, False


# -- `date` lines -----------------------------------------------------------------------------------
_T = r"(?P<h>\d{1,2}):(?P<mi>\d\d):(?P<s>\d\d)"
_AMPM = r"(?P<ampm>AM|PM|오전|오후)"
_DATE_FORMS = [
    # C / en_US: `Thu Jan  3 10:29:49 KST 2019`, `Thu Jan  3 10:29:49 AM KST 2019`, `Jan 3, 2019`-less
    rf"(?:{WEEKDAY_RE},? +)?(?P<mon>{MONTH_RE}) +(?P<day>\d{{1,2}}),? {_T}(?: {_AMPM})?(?: {ZONE_RE})? (?P<y>\d{{4}})",
    # en_GB and `date -R`: `Thu  3 Jan 10:40:02 KST 2019`, `Thu, 03 Jan 2019 10:25:00 +0900`
    rf"(?:{WEEKDAY_RE},? +)?(?P<day>\d{{1,2}}) (?P<mon>{MONTH_RE}) (?:(?P<y2>\d{{4}}) )?{_T}(?: {_AMPM})?"
    rf"(?: {ZONE_RE})?(?: (?P<y>\d{{4}}))?",
    # ISO, `date -Iseconds`, `date '+%F %T %Z'`: `2019-01-03T10:25:00+09:00`, `2019-01-03 10:25:00`
    rf"(?P<y>\d{{4}})-(?P<mo>\d\d)-(?P<day>\d\d)[T ]{_T}(?:[.,](?P<frac>\d{{1,9}}))?(?: ?{ZONE_RE})?",
    # ko_KR glibc: `2019. 01. 03. (목) 10:24:31 KST`, with 오전/오후 for a 12-hour clock
    rf"(?P<y>\d{{4}})\. ?(?P<mo>\d{{1,2}})\. ?(?P<day>\d{{1,2}})\.? ?(?:\([^)]{{1,3}}\) )?(?:{_AMPM} )?{_T}"
    rf"(?: {ZONE_RE})?",
    # older ko_KR: `2019년 01월 03일 목요일 10:24:31 KST`, `2019년 1월 3일 목요일 오후 3시 41분 05초 KST`
    r"(?P<y>\d{4})년 *(?P<mo>\d{1,2})월 *(?P<day>\d{1,2})일 *(?:\S+요일 +)?(?:(?P<ampm>오전|오후) +)?"
    r"(?:(?P<h>\d{1,2}):(?P<mi>\d\d):(?P<s>\d\d)|(?P<kh>\d{1,2})시 +(?P<kmi>\d{1,2})분 +(?P<ks>\d{1,2})초)"
    rf"(?: +{ZONE_RE})?",
    # time only (`date +%T`, `date '+%T %Z'`): the date comes from the capture or the drill
    rf"(?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)(?: {_BARE_ZONE_RE})?",
]
# a date line may be framed (`===== date =====`, `##### date cf login probe #####`)
_DATE_RES = [re.compile(r"^(?P<deco>[=#*>\-\s]*)" + f + r"(?P<rest>.*)$") for f in _DATE_FORMS]


@dataclass
class Stamp:
    """A time as printed: the date parts it shows (None when absent), the time, and the zone name."""

    year: int | None
    month: int | None
    day: int | None
    time: time
    zone: str | None
    rest: str = ""  # what follows the time on a framed line (`cf login probe #####`)

    @property
    def dated(self) -> bool:
        return self.year is not None and self.month is not None and self.day is not None

    def naive(self, on: date | None = None) -> datetime:
        """The wall-clock time on its own date (or `on` for a time without one)."""
        d = date(self.year, self.month, self.day) if self.dated else on  # type: ignore[arg-type]
        assert d is not None
        return datetime.combine(d, self.time)


def read_date(s: str) -> Stamp | None:
    """A line printed by `date` (optionally framed by `=====`/`#####`), else None. An impossible date or
    time (a cut or garbled line) is no date line."""
    for rx in _DATE_RES:
        m = rx.match(s)
        if not m:
            continue
        g = m.groupdict()
        rest = g["rest"]
        if rest.strip(" =#*-") and not g["deco"].strip():
            continue  # text after the time: only a framed line may carry it
        try:
            if g.get("kh") is not None:
                h, mi, sec = int(g["kh"]), int(g["kmi"]), int(g["ks"])
            else:
                h, mi, sec = int(g["h"]), int(g["mi"]), int(g["s"])
            if g.get("ampm"):
                if h > 12:
                    continue
                h = h % 12 + (12 if g["ampm"] in ("PM", "오후") else 0)
            frac = g.get("frac") or ""
            t = time(h, mi, sec, int(frac[:6].ljust(6, "0")) if frac else 0)
            y = g.get("y") or g.get("y2")
            mon = g.get("mon")
            month = MONTHS[mon] if mon else int(g["mo"]) if g.get("mo") else None
            day = int(g["day"]) if g.get("day") else None
            if (y is None) != (day is None):
                continue  # a day without a year (or the reverse) is not a `date` line
            if y is not None:
                date(int(y), month or 0, day or 0)
        except (ValueError, TypeError):
            continue
        return Stamp(int(y) if y else None, month, day, t, g.get("zone"), rest)
    return None


# moreutils `ts` default prefix `%b %d %H:%M:%S ` (no year, no zone); it prefixes blank lines too
TS_PREFIX = re.compile(rf"^(?P<mon>{MONTH_RE}) (?P<day>[ \d]\d) (?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)(?: |$)")


def read_ts_prefix(line: str) -> tuple[Stamp, int] | None:
    """A `ts` prefix as (stamp without a year, the prefix's length); ValueError for an impossible one
    (`Feb 31 25:61:00`)."""
    m = TS_PREFIX.match(line)
    if m is None:
        return None
    t = time(int(m.group("h")), int(m.group("mi")), int(m.group("s")))
    month, day = MONTHS[m.group("mon")], int(m.group("day"))
    date(2000, month, day)  # a leap year: Feb 29 is possible
    return Stamp(None, month, day, t, None), m.end()


def read_iso(s: str) -> datetime | None:
    """An ISO-8601 time with an offset (`Z`, `+09:00`, `+0900`) as a UTC instant; None without one."""
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    elif re.search(r"[+-]\d{4}$", s):
        s = s[:-2] + ":" + s[-2:]
    try:
        t = datetime.fromisoformat(s)
    except ValueError:
        return None
    return None if t.tzinfo is None else t.astimezone(UTC)


_RFC_TAIL = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?P<zone>[+-]\d{4}|[A-Za-z]{1,5})?\s*$")


def read_rfc2822(value: str | None, drill_tz: tzinfo = UTC) -> datetime | None:
    """An RFC 2822 date (`Thu, 3 Jan 2019 10:28:05 +0900 (KST)`) as a UTC instant: `-0000` is UTC, a
    zone name goes by `zone_for` (an unknown one is UTC, as RFC 5322 reads it), no zone is `drill_tz`."""
    if not value:
        return None
    text = re.sub(r"\([^)]*\)", " ", re.sub(r"\s+", " ", value)).strip()
    parts = parsedate_tz(text)
    if parts is None:
        return None
    try:
        naive = datetime(*parts[:6])  # type: ignore[misc]
    except (ValueError, TypeError):
        return None
    m = _RFC_TAIL.search(text)
    name = m.group("zone") if m else None
    if name is None:
        zone: tzinfo = drill_tz
    elif name[0] in "+-":
        zone = timezone(timedelta(seconds=parts[9] or 0)) if abs(parts[9] or 0) < 86400 else UTC
    else:
        zone, known = zone_for(name.upper(), naive, drill_tz)
        if not known:
            zone = UTC
    try:
        return naive.replace(tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):  # a year-1 date pushed out of range
        return None


def epoch(t: Decimal | int | float | str) -> datetime:
    """A Unix time in s, ms, µs or ns by magnitude (Log Cache examples show both s and ns): > 1e14 is
    ns, > 1e11 ms; rounded half-even to µs."""
    if isinstance(t, str) and t.isdigit():
        t = int(t)
    if isinstance(t, int):  # integer fast path (nozzle ns, Prometheus whole seconds), same rounding
        div = 1000 if t > 10**14 else 1 if t > 10**11 else None
        us = t * 1_000_000 if div is None else _half_even(t, div) if div > 1 else t * 1000
        return EPOCH + timedelta(microseconds=us)
    d = Decimal(str(t)) if not isinstance(t, Decimal) else t
    if not d.is_finite():
        raise ValueError(f"not a time: {t}")
    a = abs(d)
    us = d / 1000 if a > Decimal(10) ** 14 else d * 1000 if a > Decimal(10) ** 11 else d * 1_000_000
    return EPOCH + timedelta(microseconds=int(us.to_integral_value(ROUND_HALF_EVEN)))


def _half_even(n: int, d: int) -> int:
    q, r = divmod(n, d)
    return q + (1 if 2 * r > d or (2 * r == d and q % 2) else 0)


def roll_days(base: date, times: list[time | None], tz: tzinfo) -> list[datetime | None]:
    """Date-less times in file order: each starts on `base` and moves to the next day when the clock
    goes back by more than 12 hours (midnight rollover); small backward steps stay on the same day."""
    out: list[datetime | None] = []
    day = base
    prev: datetime | None = None
    for t in times:
        if t is None:
            out.append(None)
            continue
        cur = datetime.combine(day, t, tz)
        if prev is not None and cur < prev - timedelta(hours=12):
            day += timedelta(days=1)
            cur = datetime.combine(day, t, tz)
        prev = cur
        out.append(cur.astimezone(UTC))
    return out


# -- the drill's clock --------------------------------------------------------------------------------
@dataclass
class WallClock:
    """One file's view of its drill's clock: the zone of wall-clock times, and where date-less times go.

    `date` is drill.toml's (it overrides the evidence), `evidence` the span of the drill's dated rows
    (None until the ingest has read them), `anchor` drill.toml's `injected_at` (breaks ties when
    several days fit a span longer than one)."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    date: date | None = None
    evidence: tuple[datetime, datetime] | None = None
    anchor: datetime | None = None
    unknown_zones: set[str] = field(default_factory=set)

    def local(self, naive: datetime, tz: tzinfo | None = None) -> datetime:
        """A wall-clock time of the drill's zone (or `tz`) as a UTC instant."""
        return naive.replace(tzinfo=tz or self.zone).astimezone(UTC)

    def zone_of(self, name: str | None, naive: datetime) -> tzinfo:
        """`zone_for` with the drill's zone; an unknown name is remembered for the file's message."""
        zone, known = zone_for(name, naive, self.zone)
        if not known and name:
            self.unknown_zones.add(name)
        return zone

    def instant(self, stamp: Stamp, on: date | None = None) -> datetime:
        """A `date` line as a UTC instant; a time without a date goes on `on`, else is placed."""
        if stamp.dated or on is not None:
            naive = stamp.naive(on)
            return naive.replace(tzinfo=self.zone_of(stamp.zone, naive)).astimezone(UTC)
        probe = datetime.combine(self.reference_date(), stamp.time)
        return self.place(stamp.time, self.zone_of(stamp.zone, probe))

    def span(self) -> tuple[datetime, datetime]:
        """Where the drill happened: drill.toml's `date` (that local day), else its dated evidence;
        NeedDate while neither is known."""
        if self.date is not None:
            lo = datetime.combine(self.date, time(), self.zone)
            hi = datetime.combine(self.date + timedelta(days=1), time(), self.zone) - timedelta(
                microseconds=1
            )
            return lo.astimezone(UTC), hi.astimezone(UTC)
        if self.evidence is None:
            raise NeedDate("no dated evidence yet")
        return self.evidence

    def reference_date(self) -> date:
        """The drill's local date (its span's start), for a year or a day to start from."""
        return self.span()[0].astimezone(self.zone).date()

    def place(self, t: time, tz: tzinfo | None = None) -> datetime:
        """A time without a date (in `tz`, default the drill's zone) on the day that puts it nearest the
        drill's span; among days inside a span longer than a day, the one nearest `anchor` (else the
        earliest)."""
        lo, hi = self.span()
        zone = tz or self.zone
        first, last = lo.astimezone(zone).date(), hi.astimezone(zone).date()
        days = min((last - first).days, 400)  # a year of monitoring data at most
        cands = [datetime.combine(first + timedelta(days=k), t, zone) for k in range(-1, days + 2)]
        anchor = self.anchor or lo

        def key(c: datetime) -> tuple[timedelta, timedelta]:
            return max(lo - c, c - hi, timedelta(0)), abs(c - anchor)

        return min(cands, key=key).astimezone(UTC)

    def place_many(self, times: list[time | None], tz: tzinfo | None = None) -> list[datetime | None]:
        """Date-less times of one capture in file order: the first placed, the others rolling forward
        over midnight from it."""
        first = next((t for t in times if t is not None), None)
        if first is None:
            return [None] * len(times)
        zone = tz or self.zone
        start = self.place(first, zone).astimezone(zone).date()
        return roll_days(start, times, zone)

    def place_year(
        self, month: int, day: int, t: time, tz: tzinfo | None = None, ref: date | None = None
    ) -> datetime:
        """A time with a month and day but no year (`ts`): the year that puts it nearest `ref` (a date the
        capture printed), else the drill's date."""
        base = ref or self.reference_date()
        year = base.year
        if month - base.month > 6:  # December lines before a January reference
            year -= 1
        elif base.month - month > 6:
            year += 1
        return datetime(year, month, day, t.hour, t.minute, t.second, tzinfo=tz or self.zone).astimezone(UTC)

    def notes(self) -> list[str]:
        if not self.unknown_zones:
            return []
        return [f"unknown zone abbreviation(s) {sorted(self.unknown_zones)} read in the drill's zone"]


class CaptureClock:
    """The dates a capture prints, carried forward line by line: a `date` line or `ts` prefix without a
    date (or year) takes it from the nearest dated line before it, else from the capture's first dated
    line (`ahead`), else from the drill's clock; a time-only line that goes back more than 12 h has
    passed midnight."""

    def __init__(self, clock: WallClock, ahead: date | None = None) -> None:
        self.clock = clock
        self.ahead = ahead
        self.ref: date | None = None  # local date of the latest dated line
        self.last: datetime | None = None  # the latest wall-clock time, for the midnight rollover

    def date_line(self, stamp: Stamp) -> datetime:
        if stamp.dated:
            naive = stamp.naive()
        elif (base := self.ref or self.ahead) is not None:
            naive = datetime.combine(base, stamp.time)
            if self.last is not None and naive < self.last - timedelta(hours=12):
                naive += timedelta(days=1)  # the clock went back: past midnight
        else:
            zone = self.clock.zone_of(stamp.zone, datetime.combine(self.clock.reference_date(), stamp.time))
            naive = self.clock.place(stamp.time, zone).astimezone(zone).replace(tzinfo=None)
        self.ref, self.last = naive.date(), naive
        return naive.replace(tzinfo=self.clock.zone_of(stamp.zone, naive)).astimezone(UTC)

    def ts_prefix(self, stamp: Stamp) -> datetime:
        assert stamp.month is not None and stamp.day is not None
        at = self.clock.place_year(stamp.month, stamp.day, stamp.time, ref=self.ref or self.ahead)
        naive = at.astimezone(self.clock.zone).replace(tzinfo=None)
        self.ref, self.last = naive.date(), naive
        return at

    def saw(self, at: datetime) -> None:
        """An instant the capture printed with its offset (a CF_TRACE header): dates what follows."""
        if self.ref is None:
            self.ref = at.date()


def first_date(texts: Iterable[str]) -> date | None:
    """The date of the first `date` line that prints one (what time-only lines before it are dated by)."""
    for text in texts:
        stamp = read_date(text.strip())
        if stamp is not None and stamp.dated:
            return stamp.naive().date()
    return None
