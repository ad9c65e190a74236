"""The one wall clock: lines as operators' tools print them, and the instants they must give."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from drillscope.errors import NeedDate
from drillscope.ingest.terminal import prompt_command, strip_ansi
from drillscope.ingest.wallclock import (
    CaptureClock,
    WallClock,
    epoch,
    read_date,
    read_iso,
    read_rfc2822,
    read_ts_prefix,
)

SEOUL, NEW_YORK, UTC_ZONE = ZoneInfo("Asia/Seoul"), ZoneInfo("America/New_York"), ZoneInfo("UTC")


def iso(t: datetime) -> str:
    return (
        t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        + (f".{t.microsecond:06d}" if t.microsecond else "")
        + "Z"
    )


# (line as printed, the drill's zone, the drill's evidence span or None for drill.toml's date 2019-01-03,
#  the instant it must give)
EVIDENCE = (datetime(2019, 1, 3, 1, 0, tzinfo=UTC), datetime(2019, 1, 3, 3, 0, tzinfo=UTC))
DATE_LINES = [
    # a drill folder without drill.toml is UTC: KST still reads as +09:00 (bosh vms and cf push alike)
    ("Thu Jan  3 10:20:12 KST 2019", UTC_ZONE, EVIDENCE, "2019-01-03T01:20:12Z"),
    ("===== Thu Jan  3 10:22:03 KST 2019 =====", UTC_ZONE, EVIDENCE, "2019-01-03T01:22:03Z"),
    ("10:20:12 KST", UTC_ZONE, EVIDENCE, "2019-01-03T01:20:12Z"),  # date '+%T %Z'
    # C locale, two spaces before a one-digit day; `date -u`; a 12-hour clock
    ("Thu Jan  3 10:29:49 KST 2019", SEOUL, None, "2019-01-03T01:29:49Z"),
    ("Thu Jan  3 01:29:49 UTC 2019", SEOUL, None, "2019-01-03T01:29:49Z"),
    ("Thu Jan  3 10:29:49 AM KST 2019", SEOUL, None, "2019-01-03T01:29:49Z"),
    ("Thu Jan  3 03:29:49 PM KST 2019", SEOUL, None, "2019-01-03T06:29:49Z"),
    ("Thu Jan  3 10:29:49 2019", SEOUL, None, "2019-01-03T01:29:49Z"),  # no zone: the drill's
    # the drill zone's own abbreviation first (it knows DST), then the table
    ("Thu Jul  4 10:00:00 EDT 2019", NEW_YORK, None, "2019-07-04T14:00:00Z"),
    ("Thu Jan  3 10:00:00 EST 2019", NEW_YORK, None, "2019-01-03T15:00:00Z"),
    ("Thu Jan  3 10:00:00 EST 2019", SEOUL, None, "2019-01-03T15:00:00Z"),
    ("Thu Jan  3 10:00:00 CET 2019", UTC_ZONE, EVIDENCE, "2019-01-03T09:00:00Z"),
    # an explicit offset before any name; glibc's bare `+09`; `UTC+9`
    ("Thu Jan  3 10:00:00 +0900 2019", NEW_YORK, None, "2019-01-03T01:00:00Z"),
    ("Thu Jan  3 10:00:00 +09 2019", NEW_YORK, None, "2019-01-03T01:00:00Z"),
    ("Thu Jan  3 10:00:00 UTC+9 2019", NEW_YORK, None, "2019-01-03T01:00:00Z"),
    # an unknown name is read in the drill's zone (and reported)
    ("Thu Jan  3 10:00:00 XYZT 2019", SEOUL, None, "2019-01-03T01:00:00Z"),
    # en_GB, date -R
    ("Thu  3 Jan 10:40:02 KST 2019", UTC_ZONE, EVIDENCE, "2019-01-03T01:40:02Z"),
    ("Thu, 03 Jan 2019 10:25:00 +0900", UTC_ZONE, EVIDENCE, "2019-01-03T01:25:00Z"),
    # ISO / date -Iseconds / date '+%F %T'
    ("2019-01-03T10:25:00+09:00", NEW_YORK, None, "2019-01-03T01:25:00Z"),
    ("2019-01-03 10:25:00", SEOUL, None, "2019-01-03T01:25:00Z"),
    ("2019-01-03 10:25:00.250 KST", UTC_ZONE, EVIDENCE, "2019-01-03T01:25:00.250000Z"),
    # ko_KR locales
    ("2019. 01. 03. (목) 10:20:12 KST", UTC_ZONE, EVIDENCE, "2019-01-03T01:20:12Z"),
    ("2019. 01. 03. (목) 오후 03:41:05 KST", SEOUL, None, "2019-01-03T06:41:05Z"),
    ("2019년 01월 03일 목요일 10:24:31 KST", SEOUL, None, "2019-01-03T01:24:31Z"),
    ("2019년 1월 3일 목요일 오후 3시 41분 05초 KST", SEOUL, None, "2019-01-03T06:41:05Z"),
    # a time alone: on the drill's date (drill.toml) or nearest its evidence
    ("10:25:00", SEOUL, None, "2019-01-03T01:25:00Z"),
    ("23:50:00", UTC_ZONE, EVIDENCE, "2019-01-02T23:50:00Z"),  # 1 h 10 min before the evidence
]


@pytest.mark.parametrize(("line", "zone", "evidence", "want"), DATE_LINES)
def test_date_lines_give_their_instants(line: str, zone: ZoneInfo, evidence, want: str) -> None:
    stamp = read_date(line)
    assert stamp is not None, line
    clock = WallClock(zone=zone, date=None if evidence else date(2019, 1, 3), evidence=evidence)
    assert iso(clock.instant(stamp)) == want
    assert clock.unknown_zones == ({"XYZT"} if "XYZT" in line else set())


@pytest.mark.parametrize(
    "line",
    [
        "Feb 30 2019",  # no time
        "Thu Feb 30 10:00:00 KST 2019",  # no such day
        "Thu Jan  3 25:00:00 KST 2019",  # no such hour
        "   2019-01-03T10:25:01.42+0900 [RTR/1] OUT hello",  # a cf log line is no date line
        "2019-01-03T10:27:14.00+0900   app.crash   order-api   index: 1",  # nor a cf events row
        "10:25:00 Push probe",  # a time followed by prose
        "Jan 03 10:29:18",  # a `ts` prefix has no year
    ],
)
def test_not_date_lines(line: str) -> None:
    assert read_date(line) is None


def test_framed_date_line_keeps_its_rest() -> None:
    stamp = read_date("##### Thu Jan  3 10:29:49 KST 2019 cf login probe #####")
    assert stamp is not None and stamp.rest.strip(" #") == "cf login probe"


def test_ts_prefix_takes_its_year_from_the_capture_or_the_drill() -> None:
    got = read_ts_prefix("Jan 03 10:29:18 Pushing app order-api ...")
    assert got is not None
    stamp, end = got
    assert end == len("Jan 03 10:29:18 ")
    seoul = WallClock(zone=SEOUL, date=date(2019, 1, 3))
    assert iso(CaptureClock(seoul).ts_prefix(stamp)) == "2019-01-03T01:29:18Z"
    # a December line in a capture dated January is the year before
    dec, _ = read_ts_prefix("Dec 31 23:59:58 x")  # type: ignore[misc]
    assert iso(CaptureClock(seoul, ahead=date(2019, 1, 1)).ts_prefix(dec)) == "2018-12-31T14:59:58Z"
    with pytest.raises(ValueError):
        read_ts_prefix("Feb 31 10:00:00 x")


def test_iso_rfc2822_and_epoch() -> None:
    assert iso(read_iso("2019-01-03T10:25:01.42+0900")) == "2019-01-03T01:25:01.420000Z"  # type: ignore[arg-type]
    assert iso(read_iso("2019-01-03T01:25:01Z")) == "2019-01-03T01:25:01Z"  # type: ignore[arg-type]
    assert read_iso("2019-01-03T10:25:01") is None  # no offset: not an instant
    assert iso(read_rfc2822("Thu, 3 Jan 2019 10:28:05 +0900 (KST)")) == "2019-01-03T01:28:05Z"  # type: ignore[arg-type]
    assert iso(read_rfc2822("Thu, 3 Jan 2019 10:28:05 KST")) == "2019-01-03T01:28:05Z"  # type: ignore[arg-type]
    assert iso(read_rfc2822("Thu, 3 Jan 2019 10:28:05 -0000")) == "2019-01-03T10:28:05Z"  # type: ignore[arg-type]
    # no zone: the drill's; an unknown name: UTC (RFC 5322)
    assert iso(read_rfc2822("Thu, 3 Jan 2019 10:28:05", SEOUL)) == "2019-01-03T01:28:05Z"  # type: ignore[arg-type]
    assert iso(read_rfc2822("Thu, 3 Jan 2019 10:28:05 QQQ", SEOUL)) == "2019-01-03T10:28:05Z"  # type: ignore[arg-type]
    assert iso(epoch(1546478700)) == "2019-01-03T01:25:00Z"
    assert iso(epoch(1546478700123)) == "2019-01-03T01:25:00.123000Z"
    assert iso(epoch(1546478700123456789)) == "2019-01-03T01:25:00.123457Z"
    assert iso(epoch("1546478700.5")) == "2019-01-03T01:25:00.500000Z"


def test_capture_clock_rolls_past_midnight_and_dates_lines_before_its_first_date() -> None:
    clock = CaptureClock(WallClock(zone=SEOUL), ahead=date(2019, 1, 3))
    got = [clock.date_line(read_date(s)) for s in ("23:59:30", "Thu Jan  3 23:59:50 KST 2019", "00:00:10")]  # type: ignore[arg-type]
    assert [iso(t) for t in got] == ["2019-01-03T14:59:30Z", "2019-01-03T14:59:50Z", "2019-01-03T15:00:10Z"]


def test_no_date_and_no_evidence_asks_to_wait() -> None:
    with pytest.raises(NeedDate):
        WallClock(zone=SEOUL).place(time(10, 25))


def test_place_within_12_hours_of_the_evidence() -> None:
    # evidence 2019-01-03 22:00 .. 23:30 KST; the time goes on the day that puts it nearest
    ev = (datetime(2019, 1, 3, 13, 0, tzinfo=UTC), datetime(2019, 1, 3, 14, 30, tzinfo=UTC))
    clock = WallClock(zone=SEOUL, evidence=ev)
    assert iso(clock.place(time(0, 40))) == "2019-01-03T15:40:00Z"  # 00:40 KST on Jan 4, 70 min after
    assert iso(clock.place(time(12, 0))) == "2019-01-03T03:00:00Z"  # 12:00 KST on Jan 3, 10 h before
    assert iso(clock.place(time(0, 40), UTC)) == "2019-01-04T00:40:00Z"  # a UTC time
    # drill.toml's date overrides the evidence: the time goes on that local day
    assert (
        iso(WallClock(zone=SEOUL, date=date(2019, 1, 3), evidence=ev).place(time(0, 40)))
        == "2019-01-02T15:40:00Z"
    )
    # one capture rolls forward over midnight from its first time
    got = clock.place_many([time(23, 50), time(23, 59), None, time(0, 5)], UTC)
    assert [t and iso(t) for t in got] == [
        "2019-01-03T23:50:00Z",
        "2019-01-03T23:59:00Z",
        None,
        "2019-01-04T00:05:00Z",
    ]


def test_terminal_escapes_and_prompts() -> None:
    assert strip_ansi("\x1b[1;31mFAILED\x1b[0m\x1b]0;title\x07 \x1b(B\x1b[?2004h") == "FAILED "
    assert prompt_command("[drill@jumpbox-01 ~]$ cf apps") == "cf apps"
    assert prompt_command("user@host:~/x$ bosh -d cf vms") == "bosh -d cf vms"
    assert prompt_command("(venv) $ date") == "date"
    assert prompt_command("$") == ""
    assert prompt_command("Getting apps in org o / space s as me...") is None
