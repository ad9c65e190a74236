"""The `notes` parser: operator timeline notes (the seed write-up's Test결과 lists) into `events`."""

from __future__ import annotations

from pathlib import Path

import pytest

from drillscope.ingest.context import decode
from drillscope.ingest.parsers import notes
from drillscope.ingest.registry import PROBE_BYTES, detect
from tests.conftest import FIXTURES, Lake

NOTES = FIXTURES / "notes"
SEED = NOTES / "pcf-ha-drill-ko.md"


def _toml(injected: str | None) -> str:
    t = 'timezone = "Asia/Seoul"\ndate = "2019-01-03"\n'
    return t + (f'injected_at = "{injected}"\n' if injected else "")


def _notes(lake: Lake) -> list[dict]:
    return lake.q("select source_line, ts, ts_role, kind, severity, message from events order by source_line")


def test_first_drill_korean_times_and_inline_stamps(lake: Lake) -> None:
    d = lake.drill("d1", toml=_toml("2019-01-03T10:25:00+09:00"))
    lake.copy(NOTES / "drill1_results.md", "d1")
    (res,) = lake.ingest(d)
    rows = _notes(lake)
    assert {(r["ts_role"], r["kind"], r["severity"]) for r in rows} == {("noted", "note", "info")}
    got = [(r["source_line"], r["ts"], r["message"]) for r in rows]
    assert got == [
        (12, "2019-01-03T01:50:00+00:00", "물리서버 기동"),
        (
            13,
            "2019-01-03T01:51:00+00:00",
            "bosh cck 수행 ==> DiegoCell 정상 구동 확인 bosh cck 수행 (16개 VM) "
            "(bosh cck -d cf-54c9c2f906b6aba996cd --resolution=reboot_vm)",
        ),
        (22, "2019-01-03T01:25:00+00:00", "전원 off"),
        (23, "2019-01-03T01:29:00+00:00", "부터 : 서비스는 정상 / 배포,appsmanager, healthwatch 안됨"),
        (24, "2019-01-03T01:28:00+00:00", "email 알림"),
        (25, "2019-01-03T01:33:00+00:00", "서비스는 정상 Application 배포는 안됨"),
        (26, "2019-01-03T01:36:00+00:00", "cf push 복귀 안됨"),
        (27, "2019-01-03T01:43:00+00:00", "cf push 정상"),
        (28, "2019-01-03T01:47:00+00:00", "az2 네트워크 정상 복구"),
        (29, "2019-01-03T01:50:00+00:00", "서버 정상 기동"),
        (30, "2019-01-03T01:51:00+00:00", "bosh cck 복구 작업"),
        (31, "2019-01-03T02:17:00+00:00", "정상복구완료"),
    ]
    # 31 lines: 12 notes + 1 continuation parsed, the rest (headings, steps, blanks) ignorable
    assert (res.source_type, res.status) == ("notes", "ok")
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined) == (31, 13, 18, 0)


@pytest.mark.parametrize("injected", ["2019-01-03T15:41:00+09:00", None])
def test_second_drill_12_hour_times_are_afternoon(lake: Lake, injected: str | None) -> None:
    # `3시 41분` with no AM/PM: drill.toml says 15:41 (and without it, nothing forces the morning:
    # the first note is read as written, so only the injected_at case asserts PM for the first)
    d = lake.drill("d2", toml=_toml(injected))
    lake.copy(NOTES / "drill2_results.md", "d2")
    (res,) = lake.ingest(d)
    got = [(r["source_line"], r["ts"], r["message"]) for r in _notes(lake)]
    if injected is None:
        assert got[0][1] == "2019-01-02T18:41:00+00:00"  # 03:41 KST: as written, no anchor
        return
    assert got == [
        (3, "2019-01-03T06:41:00+00:00", "az2 shut down"),
        (4, "2019-01-03T06:42:00+00:00", "appsmanager 접속 안됨"),
        (5, "2019-01-03T06:43:00+00:00", "appsmanager 정상"),
        # the nested bullet under 3시 43분 is a note at its parent's time
        (6, "2019-01-03T06:43:00+00:00", "잠시 순단현상이 있고 나머지는 정상/application 배포는 안 됨"),
        (7, "2019-01-03T06:52:00+00:00", "healthwatch 일부 지표 집계가 잘 안됨"),
        (8, "2019-01-03T06:53:00+00:00", "서버 재기동"),
        # `- 4시 09분` has no text: the bullet right after it is what was done at 16:09
        (10, "2019-01-03T07:09:00+00:00", "bosh cck -d cf-54c9c2f906b6aba996cd --resolution=reboot_vm -n"),
        (12, "2019-01-03T07:35:00+00:00", "종료"),
    ]
    assert (res.lines, res.parsed_lines, res.ignorable, res.quarantined) == (13, 9, 4, 0)


@pytest.mark.parametrize(
    "injected", ["2019-01-03T10:25:00+09:00", "2019-01-03T15:41:00+09:00", None], ids=["am", "pm", "none"]
)
def test_whole_seed_resolves_both_lists(lake: Lake, injected: str | None) -> None:
    # the seed holds both drills' lists; ingested in one drill folder, all go to that drill, and each
    # rule (window around injected_at, or notes running forward) puts 3시 41분 at 15:41, 4시 35분 at 16:35
    d = lake.drill("d", toml=_toml(injected))
    lake.copy(SEED, "d")
    (res,) = lake.ingest(d)
    by_line = {r["source_line"]: r["ts"] for r in _notes(lake)}
    assert by_line[49] == "2019-01-03T01:50:00+00:00"  # (10:50)
    assert by_line[59] == "2019-01-03T01:25:00+00:00"  # 10시 25분
    assert by_line[68] == "2019-01-03T02:17:00+00:00"  # 11시 17분
    assert by_line[71] == "2019-01-03T06:41:00+00:00"  # 3시 41분
    assert by_line[80] == "2019-01-03T07:35:00+00:00"  # 4시 35분
    assert len(by_line) == 20
    assert (res.source_type, res.lines, res.parsed_lines + res.ignorable, res.quarantined) == (
        "notes",
        81,
        81,
        0,
    )


def test_english_am_pm_midnight_and_quarantine(lake: Lake) -> None:
    d = lake.drill("d", toml=_toml(None))
    lake.copy(NOTES / "en_night.txt", "d")
    (res,) = lake.ingest(d)
    got = [(r["source_line"], r["ts"], r["message"]) for r in _notes(lake)]
    assert got == [
        (3, "2019-01-03T13:50:00+00:00", "start of window"),  # 22:50 KST
        (4, "2019-01-03T14:55:00+00:00", "power off AZ1"),  # 11:55 PM
        (5, "2019-01-03T15:10:00+00:00", "cf push fails"),  # 00:10 the next day
        (6, "2019-01-03T15:40:00+00:00", "login fails"),  # 12:40 AM
        (7, "2019-01-03T16:05:00+00:00", "recovered continuation of the 1:05 note"),  # 1:05 after 00:40
        (9, "2019-01-03T17:15:00+00:00", "all green"),
    ]
    assert lake.q("select source_line, reason, raw from quarantine") == [
        {"source_line": 10, "reason": "note time out of range", "raw": "- 25:70 typo in the notes"}
    ]
    assert (res.lines, res.parsed_lines, res.quarantined, res.ignorable, res.status) == (
        11,
        7,
        1,
        3,
        "partial",
    )


def test_date_comes_from_other_evidence(lake: Lake) -> None:
    # no drill.toml date: the notes wait for the drill's dated evidence (an alert mail)
    d = lake.drill("d", toml='timezone = "Asia/Seoul"\n')
    lake.copy(NOTES / "drill1_results.md", "d")
    lake.copy(FIXTURES / "email" / "02_event_alerts_critical_canary_20190103_1028.eml", "d")
    res = {r.source_file: r for r in lake.ingest(d)}
    assert res["drill1_results.md"].status == "ok"
    assert lake.one("select min(ts) from events where kind = 'note'") == "2019-01-03T01:25:00+00:00"


def test_no_date_anywhere_is_reported(lake: Lake) -> None:
    d = lake.drill("d")
    lake.copy(NOTES / "drill2_results.md", "d")
    (r,) = lake.ingest(d)
    assert r.status == "error" and "set `date` in drill.toml" in r.message


@pytest.mark.parametrize(
    "path", [SEED, NOTES / "drill1_results.md", NOTES / "drill2_results.md", NOTES / "en_night.txt"]
)
def test_probe_accepts_notes(path: Path) -> None:
    head = decode(path.read_bytes()[:PROBE_BYTES])[0]
    assert notes.probe(head)
    assert detect(head) is notes


def test_probe_rejects_markdown_without_timed_bullets() -> None:
    md = SEED.read_text(encoding="utf-8").split("#### 1.3.3.")[0]  # the seed without its Test결과
    assert not notes.probe(md)
    assert not notes.probe("- 1 timed line only: 10:25 power off\n- 10:25 power off\n- 3시간 동안 점검\n")
    assert not notes.probe("[drill@jumpbox ~]$ date\nThu Jan  3 10:29:31 KST 2019\n- 10:25 x\n")
