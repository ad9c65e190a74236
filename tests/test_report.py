"""The report: chart specs carry the right data, images have the right size, and the pages work offline in
a real headless Chromium with every network request blocked, with log text escaped (no XSS)."""

from __future__ import annotations

import json
import re
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from drillscope.build import build
from drillscope.ingest.lake import write_atomic
from drillscope.reports.html import slug
from drillscope.reports.render import write_report
from tests.browser import check_page, needs_chromium
from tests.conftest import commit_inputs

XSS = "<img src=x onerror=window.__xss=1>"
DRILL = "2019-01-03-az1"


def kst(h: int, m: int, s: int = 0) -> datetime:
    return datetime(2019, 1, 3, h, m, s, tzinfo=UTC) - timedelta(hours=9)


def _lake(out: Path) -> Path:
    lake = out / "lake"
    prov = {"source_type": "cf_cli", "source_file": "cf/push_probe.log"}
    probes = []
    for i, minute in enumerate(range(20, 60)):  # 10:20 .. 10:59, failing 10:29 .. 10:42
        probes.append(
            {
                "drill": DRILL,
                "ts": kst(10, minute),
                "capability": "cf_push",
                "ok": not (29 <= minute <= 42),
                "status": "ok" if not (29 <= minute <= 42) else "failed",
                "detail": None if not (29 <= minute <= 42) else "502 Bad Gateway",
                "interval_s": 60.0,
                "source_line": 1 + 10 * i,
                **prov,
            }
        )
    write_atomic(lake, "probes", DRILL, "p", probes)
    write_atomic(
        lake,
        "drills",
        DRILL,
        "drill",
        [
            {
                "drill": DRILL,
                "name": "AZ1 power-off drill",
                "kind": "drill",
                "foundation": "cf-54c9c2f906b6aba996cd",
                "timezone": "Asia/Seoul",
                "director_timezone": "UTC",
                "injected_at": kst(10, 25),
                "has_toml": True,
                "config": json.dumps(
                    {
                        "markers": [{"at": "10:47", "label": "AZ2 network restored"}],
                        "name_ko": "AZ1 전원 차단 훈련",
                    }
                ),
            }
        ],
    )
    # the redacted text of the probe loop, as ingest keeps it for a small input (line 1 + 10 i is probe i)
    text = []
    for i, minute in enumerate(range(20, 60)):
        failing = 29 <= minute <= 42
        text += [f"2019-01-03 10:{minute:02d}:00 KST", "$ cf push probe-app"]
        text += ["FAILED", "Server error, status code: 502 Bad Gateway"] if failing else ["OK", "app started"]
        text += [f"filler {i}.{k}" for k in range(6)]
    write_atomic(
        lake,
        "source_lines",
        DRILL,
        "p",
        [{"drill": DRILL, "source_line": n, "text": t, **prov} for n, t in enumerate(text, 1)],
    )
    write_atomic(
        lake,
        "alerts",
        DRILL,
        "a",
        [
            {
                "drill": DRILL,
                "ts": kst(10, 28),
                "alert": "cf push health check",
                "state": "firing",
                "severity": "critical",
                "subject": "CRITICAL Threshold Event: cf push",
                "kind": "alert",
                "message_id": "<m1@x>",
                "source_type": "email",
                "source_file": "mail/01.eml",
                "source_line": 1,
            }
        ],
    )
    write_atomic(
        lake,
        "events",
        DRILL,
        "e",
        [
            {
                "drill": DRILL,
                "ts": kst(10, 50),
                "kind": "note",
                "severity": "info",
                "message": f"서버 정상 기동 {XSS}",
                "source_type": "notes",
                "source_file": "notes.md",
                "source_line": 12,
            },
            {
                "drill": DRILL,
                "ts": kst(10, 28),
                "kind": "alert_email",
                "severity": "critical",
                "message": "CRITICAL Threshold Event: cf push",
                "source_type": "email",
                "source_file": "mail/01.eml",
                "source_line": 1,
            },
        ],
    )
    write_atomic(
        lake,
        "bosh_tasks",
        DRILL,
        "t",
        [
            {
                "drill": DRILL,
                "task_id": 1234,
                "description": "apply resolutions",
                "state": "done",
                "started_at": kst(10, 51, 28),
                "ended_at": kst(11, 17, 7),
                "source_type": "bosh_task",
                "source_file": "bosh/cck_console.txt",
                "source_line": 30,
            }
        ],
    )
    vms = []
    for snap, state in (
        (kst(10, 20, 2), "running"),
        (kst(10, 40, 2), "unresponsive agent"),
        (kst(11, 19), "running"),
    ):
        for k in range(3):
            vms.append(
                {
                    "drill": DRILL,
                    "ts": snap,
                    "instance": f"diego_cell/{k}",
                    "az": "az1",
                    "process_state": state,
                    "source_type": "bosh_table",
                    "source_file": "bosh/vms.txt",
                    "source_line": 7 + k,
                }
            )
    write_atomic(lake, "vm_states", DRILL, "v", vms)
    metrics = [
        {
            "drill": DRILL,
            "ts": kst(10, m),
            "metric": "health.check.cliCommand.push",
            "value": 0.0 if 29 <= m <= 42 else 1.0,
            "interval_s": 60.0,
            "source_type": "healthwatch",
            "source_file": "hw/push.json",
            "source_line": 3,
        }
        for m in range(20, 60)
        if not (30 <= m <= 35)  # a gap: no data 10:30 .. 10:35
    ]
    write_atomic(lake, "metrics", DRILL, "m", metrics)
    return lake


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    _lake(out)
    commit_inputs(out / "lake")
    build(out)
    write_report(out)
    return out / "report"


def _specs(page: Path) -> dict[str, dict]:
    text = page.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"vegaEmbed\('#chart-(\w+)', (\{.*?\}), \{renderer", text):
        out[m.group(1)] = json.loads(m.group(2))
    return out


def _values(spec: dict) -> list[dict]:
    vals = []
    for ds in spec.get("datasets", {}).values():
        vals.extend(ds)
    return vals


def test_files_written(report: Path) -> None:
    d = report / DRILL
    names = sorted(p.name for p in d.iterdir())
    for chart in ("swimlanes", "events", "tasks", "vms", "metrics"):
        assert f"{chart}.png" in names and f"{chart}.svg" in names
    assert "index.html" in names and "summary.md" in names
    assert (report / "index.html").exists()
    md = (d / "summary.md").read_text(encoding="utf-8")
    assert "| cf_push | 2019-01-03 10:29:00 KST | 2019-01-03 10:43:00 KST | 14m00s |" in md
    assert "![" in md and "(swimlanes.png)" in md


def test_swimlane_spec_data(report: Path) -> None:
    specs = _specs(report / DRILL / "index.html")
    vals = _values(specs["swimlanes"])
    down = [v for v in vals if v.get("state") == "down"]
    assert [(v["capability"], v["started_at"], v["ended_at"]) for v in down] == [
        ("cf_push", "2019-01-03T10:29:00Z", "2019-01-03T10:43:00Z")
    ]
    observed = [v for v in vals if v.get("state") == "observed"]
    # 40 checks every 60 s, each covering its minute: one island of coverage, not 40 rectangles
    assert [(v["started_at"], v["ended_at"]) for v in observed] == [
        ("2019-01-03T10:20:00Z", "2019-01-03T11:00:00Z")
    ]
    labels = {v["label"]: v["ts"] for v in vals if "label" in v}
    assert labels["injection"] == "2019-01-03T10:25:00Z"
    assert labels["detection"] == "2019-01-03T10:28:00Z"
    assert labels["cck 1234 start"] == "2019-01-03T10:51:28Z"
    assert labels["cck 1234 end"] == "2019-01-03T11:17:07Z"
    assert labels["power on"] == "2019-01-03T10:50:00Z"


def test_metric_gap_is_a_gap(report: Path) -> None:
    vals = [
        v for v in _values(_specs(report / DRILL / "index.html")["metrics"]) if v.get("layer") == "sample"
    ]
    nulls = [v for v in vals if v.get("value") is None]
    assert [v["ts"] for v in nulls] == [
        "2019-01-03T10:35:59Z"
    ]  # one break just before the sample after the gap
    assert len(vals) == 34 + 1


def test_png_has_the_svg_size(report: Path) -> None:
    for chart in ("swimlanes", "vms"):
        png = (report / DRILL / f"{chart}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
        w, h = struct.unpack(">II", png[16:24])
        svg = (report / DRILL / f"{chart}.svg").read_text(encoding="utf-8")
        sw, sh = (float(x) for x in re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg).groups())
        assert abs(w - sw * 1.5) <= 1 and abs(h - sh * 1.5) <= 1  # (vl-convert floors or rounds)


def test_xss_is_escaped_in_html(report: Path) -> None:
    text = (report / DRILL / "index.html").read_text(encoding="utf-8")
    assert XSS not in text
    assert html_escaped(XSS) in text


def html_escaped(s: str) -> str:
    import html

    return html.escape(s)


@needs_chromium
@pytest.mark.parametrize("page", ["index.html", f"{DRILL}/index.html"])
def test_pages_render_offline_in_chromium(report: Path, page: str) -> None:
    selectors = ("body",) if page == "index.html" else ("body", "#findings")
    res = check_page(report / page, f"report-{page.replace('/', '-')}.png", selectors)
    assert res.charts >= 1
    assert res.xss is None
    if page != "index.html":
        assert XSS in res.texts["body"]  # shown as text
        # the findings section is on the drill page, before the summary (the metric gap 10:30 .. 10:35)
        assert res.texts["body"].index("Findings") < res.texts["body"].index("Summary")
        assert "Healthwatch was blind while the platform was down" in res.texts["#findings"]
    assert (res.errors, res.blocked, res.dialogs) == ([], [], [])


def test_hangul_renders_in_png() -> None:
    """With no Korean font every syllable is drawn as the same empty box: two different syllables give
    identical PNGs. With fonts-nanum (installed by .ci/run) they differ."""
    import altair as alt
    import vl_convert as vlc

    from drillscope.reports.charts import FONT

    def png(text: str) -> bytes:
        spec = alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().properties(title=text * 4)
        return vlc.vegalite_to_png(spec.configure(font=FONT).to_dict())

    assert png("가") != png("나")


@pytest.fixture(scope="module")
def report_ko(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-ko")
    _lake(out)
    commit_inputs(out / "lake")
    build(out)
    write_report(out, [DRILL], lang="ko")
    return out / "report"


def test_korean_report(report_ko: Path) -> None:
    """--lang ko: headings, page titles, badges, the findings (each rule's own Korean wording, sql/findings) and the
    chart markers are Korean; the operator's marker keeps its label."""
    text = (report_ko / DRILL / "index.html").read_text(encoding="utf-8")
    assert "<h2>요약</h2>" in text and "기능별 가용 상태" in text
    assert '<html lang="ko">' in text
    assert (
        "<title>AZ1 전원 차단 훈련 — drillscope 보고서</title>" in text
        and "<h1>AZ1 전원 차단 훈련</h1>" in text
    )
    index = (report_ko / "index.html").read_text(encoding="utf-8")
    assert "<title>drillscope 보고서</title>" in index and "<h1>drillscope 보고서</h1>" in index
    assert '/index.html">AZ1 전원 차단 훈련</a>' in index
    # phases in Korean, the filter still matching the contract's values
    assert '<option value="degraded">장애 지속</option>' in text and "<td class=phase>장애 지속</td>" in text
    findings = text.split('<section id="findings">')[1].split("</section>")[0]
    assert "<h2>발견 사항</h2>" in findings
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", findings)]
    assert cells[:2] == [
        "경고",
        "플랫폼이 중단된 동안 Healthwatch가 보지 못했습니다: 지표 계열 1개(health.check.cliCommand.push)에 10:30:00부터 "
        "10:35:00까지 샘플이 없었습니다(가장 긴 공백 6m00s, 누락 샘플 6개). (monitoring_blind)",
    ]
    assert '<span class="sev sev-warning">경고</span>' in findings
    assert "근거: drill.toml" in text  # how the injection time is known
    for name in TIME_CHARTS:
        got = {v["label"] for v in _values(_specs(report_ko / DRILL / "index.html")[name]) if v.get("key")}
        assert got == {
            "장애 주입",
            "탐지",
            "AZ2 network restored",
            "전원 켬",
            "cck 1234 시작",
            "cck 1234 종료",
            "복구",
        }
    md = (report_ko / DRILL / "summary.md").read_text(encoding="utf-8")
    assert "## 발견 사항\n\n- **경고** 플랫폼이 중단된 동안 Healthwatch가 보지 못했습니다" in md
    assert (
        "## 운영자 표시\n\n| 시각 | 표시 |\n|---|---|\n| 2019-01-03 10:47:00 KST | AZ2 network restored |"
        in md
    )


def test_korean_plan_steps(tmp_path: Path) -> None:
    """drill.toml `step_ko`, `name_ko`, `fault_ko` are the plan step's, the drill's and the fault's text under
    --lang ko (English `step`, `name`, `fault` otherwise)."""
    from tests.conftest import Lake

    lake = Lake(tmp_path)
    toml = (
        'name = "AZ1 power-off"\nname_ko = "AZ1 전원 차단"\nfault = "power off AZ1"\nfault_ko = "AZ1 서버 전원 끔"\n'
        'timezone = "Asia/Seoul"\ninjected_at = "2019-01-03T10:25:00+09:00"\n'
        'recovered_at = "2019-01-03T11:00:00+09:00"\n'
        '[[plan]]\nstep = "power on server"\nstep_ko = "서버 전원 켜기"\nat = "10:50"\nmatch = "power on"\n'
        '[[plan]]\nstep = "bosh cck"\nat = "10:51"\nmatch = "cck"\n'
    )
    d = lake.drill("d", toml=toml, **{"notes.md": "- 10:25 power off\n- 10:50 power on\n"})
    lake.ingest(d)
    for lang, first, status, name, fault in (
        ("ko", "서버 전원 켜기", "정시", "AZ1 전원 차단", "AZ1 서버 전원 끔"),
        ("en", "power on server", "on time", "AZ1 power-off", "power off AZ1"),
    ):
        write_report(lake.out, lang=lang)
        page = (lake.out / "report" / "d" / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{name}</h1>" in page and f" · {fault} · " in page
        plan = page.split('<table id="plan">')[1].split("</table>")[0]
        rows = [
            [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", plan)
        ]
        assert [(r[1], r[5]) for r in rows if r] == [(first, status), ("bosh cck", lab_status(lang))]


def lab_status(lang: str) -> str:
    return {"ko": "관측 안 됨", "en": "not observed"}[lang]


@needs_chromium
def test_korean_badges_fit_on_one_line(report_ko: Path) -> None:
    """The `경고` badge (and every other) is one line in the browser, even on a phone-wide page: its box is as high
    as the same badge holding one letter, which cannot wrap."""
    from tests.browser import open_page

    for page in (report_ko / DRILL / "index.html", report_ko / "index.html"):
        with open_page(page) as (pg, res):
            pg.set_viewport_size({"width": 360, "height": 800})  # a phone: the table squeezes its columns
            boxes = pg.evaluate(
                """() => [...document.querySelectorAll('.sev')].map(b => {
                    const c = b.cloneNode(); c.textContent = 'x'; b.after(c);
                    const got = [b.textContent, b.getBoundingClientRect().height, c.getBoundingClientRect().height];
                    c.remove(); return got; })"""
            )
        assert (res.errors, res.blocked, res.dialogs) == ([], [], [])
        if page.parent.name == DRILL:
            assert [b[0] for b in boxes] == ["경고"]
        for text, height, one_line in boxes:
            assert height == one_line, (page, text, height, one_line)


def test_big_drill_charts_are_summarized(tmp_path: Path) -> None:
    """A drill with a day of indicators and a debug log's worth of events: the page still renders, metric panels
    carry <= 400 averaged points per metric (placed at bucket centres) and the event lane one row per bucket
    that says how many events it stands for (vl-convert ran out of memory on 2 M raw points)."""
    lake = tmp_path / "lake"
    write_atomic(
        lake,
        "drills",
        "big",
        "drill",
        [{"drill": "big", "kind": "drill", "timezone": "UTC", "director_timezone": "UTC", "has_toml": True,
          "injected_at": datetime(2019, 1, 3, 10, tzinfo=UTC), "recovered_at": datetime(2019, 1, 3, 11, tzinfo=UTC)}],
    )  # fmt: skip
    t0 = datetime(2019, 1, 3, 9, 30, tzinfo=UTC)
    prov = {"drill": "big", "source_type": "healthwatch", "source_file": "hw.csv"}
    write_atomic(
        lake,
        "metrics",
        "big",
        "m",
        [{"ts": t0 + timedelta(seconds=i), "metric": "cpu", "value": float(i % 2), "interval_s": 1.0,
          "source_line": i + 2, **prov} for i in range(3 * 3600)],
    )  # fmt: skip
    write_atomic(
        lake,
        "events",
        "big",
        "e",
        [{"ts": t0 + timedelta(seconds=i // 2), "kind": "log", "severity": "info", "message": f"line {i}",
          "drill": "big", "source_type": "bosh_debug", "source_file": "debug.log", "source_line": i + 1}
         for i in range(6000)],
    )  # fmt: skip
    write_atomic(  # a flapping check: 600 one-second outages
        lake,
        "probes",
        "big",
        "p",
        [{"ts": datetime(2019, 1, 3, 10, tzinfo=UTC) + timedelta(seconds=i), "capability": "cf_push",
          "ok": i % 2 == 1, "status": "ok" if i % 2 else "failed", "interval_s": 1.0, "drill": "big",
          "source_type": "cf_cli", "source_file": "push.log", "source_line": i + 1} for i in range(1200)],
    )  # fmt: skip
    commit_inputs(lake)
    build(tmp_path)
    write_report(tmp_path, ["big"])
    specs = _specs(tmp_path / "report" / "big" / "index.html")
    metrics = [
        v
        for v in _values(specs["metrics"])
        if v.get("metric") == "cpu" and v.get("layer") == "sample" and v.get("value") is not None
    ]
    assert len(metrics) == 400 and all(0.45 < v["value"] < 0.55 for v in metrics)  # 0/1 alternating, averaged
    # the window [09:00, 12:00] holds 09:30 .. 12:00 of the samples: 9,000 s / 400 buckets
    assert all(v["interval_s"] == 22.5 for v in metrics)
    events = [v for v in _values(specs["events"]) if "message" in v]
    counts = [int(v["message"].split(" events; first: ")[0]) for v in events]
    assert sum(counts) == 6000 and len(events) <= 400
    assert events[0]["message"] == "16 events; first: line 0" and events[0]["where"] == "debug.log:1"
    # 1,199 degraded timeline rows (600 outages: the first start is the injection): first and last 250, one line for
    # the 699 between
    html = (tmp_path / "report" / "big" / "index.html").read_text(encoding="utf-8")
    timeline = html.split("<table id=timeline>")[1].split("</table>")[0]
    assert timeline.count("<td class=phase>degraded</td>") == 501
    assert "… 699 more degraded rows left out of this page (all are in table timeline)" in timeline
    evidence = html.split("<table id=evidence>")[1].split("</table>")[0]
    assert (
        evidence.count("<tr id=") == 1 + 2 * 500
    )  # drill.toml, and down + restored of the 500 outages shown


def test_summary_md_is_escaped(tmp_path: Path) -> None:
    """summary.md goes into a wiki: a drill name, plan step or log line is text there, never markup."""
    from tests.conftest import Lake

    lake = Lake(tmp_path)
    name = "<script>alert(1)</script> [x](javascript:alert(2)) | AZ1"
    step = "<img src=x onerror=alert(3)> power on"
    toml = (
        f'name = "{name}"\ntimezone = "Asia/Seoul"\ninjected_at = "2019-01-03T10:25:00+09:00"\n'
        f'recovered_at = "2019-01-03T11:00:00+09:00"\nrto = "1h"\n'
        f'[[plan]]\nstep = "{step}"\nat = "10:50"\nmatch = "power on"\n'
    )
    d = lake.drill("d", toml=toml, **{"notes.md": "- 10:25 power off\n- 10:50 power on `x` <b>|</b>\n"})
    lake.ingest(d)
    write_report(lake.out)
    md = (lake.out / "report" / "d" / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("# &lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](javascript:alert(2)) \\| AZ1\n"), (
        md[:200]
    )
    assert "| &lt;img src=x onerror=alert(3)&gt; power on |" in md
    for raw in ("<script", "<img", "<b>"):
        assert raw not in md, raw
    assert not re.search(r"(?<!\\)\]\(javascript", md)  # no live link


def test_csp_allows_only_the_pages_own_scripts(report: Path) -> None:
    """No 'unsafe-eval', no 'unsafe-inline' scripts: the CSP names the hash of each inline script of the page
    (the charts render in Chromium under it: test_pages_render_offline_in_chromium sees no CSP error)."""
    import base64
    import hashlib

    for page in (report / "index.html", report / DRILL / "index.html"):
        text = page.read_text(encoding="utf-8")
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text).group(1)
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src "))
        assert "unsafe" not in script_src, script_src
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", text, flags=re.S)
        hashes = {
            f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts
        }
        assert set(script_src.split()[1:]) == hashes and len(hashes) == 3  # the page's own, Vega, the embeds


TIME_CHARTS = ("swimlanes", "events", "tasks", "vms", "metrics")


def test_time_charts_share_one_axis_and_the_markers(report: Path) -> None:
    specs = _specs(report / DRILL / "index.html")
    # every chart carries the same two (invisible) edge points: from the first instant drawn (the 10:20 probe) to
    # the last (the 11:19 VM snapshot), with 1 % of air each side (35.4 s)
    for name in TIME_CHARTS:
        edges = sorted({v["ts"] for v in _values(specs[name]) if "edge" in v or v.get("layer") == "edge"})
        assert edges == ["2019-01-03T10:19:24.600Z", "2019-01-03T11:19:35.400Z"], name
    expected = {
        "injection": "2019-01-03T10:25:00Z",
        "detection": "2019-01-03T10:28:00Z",
        "AZ2 network restored": "2019-01-03T10:47:00Z",
        "power on": "2019-01-03T10:50:00Z",
        "cck 1234 start": "2019-01-03T10:51:28Z",
        "cck 1234 end": "2019-01-03T11:17:07Z",
        "recovery": "2019-01-03T11:17:07Z",
    }
    for name in TIME_CHARTS:
        got = {v["label"]: v["ts"] for v in _values(specs[name]) if v.get("key") and "label" in v}
        assert got == expected, name


def test_outage_table_and_summary_md(report: Path) -> None:
    html = (report / DRILL / "index.html").read_text(encoding="utf-8")
    assert html.index('id="outage-table"') < html.index("id=capabilities")  # near the top
    table = html.split('<table id="outage-table">')[1].split("</table>")[0]
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", table)]
    assert cells == [
        "cf_push",
        "2019-01-03 10:29:00 KST",
        "2019-01-03 10:43:00 KST",
        "14m00s",
        "cf/push_probe.log:91",
        "cf/push_probe.log:231",
    ]
    assert "Each figure covers the drill window, injection 2019-01-03 10:25:00 KST → recovery" in html
    md = (report / DRILL / "summary.md").read_text(encoding="utf-8")
    assert (
        "| cf_push | 2019-01-03 10:29:00 KST | 2019-01-03 10:43:00 KST | 14m00s | `cf/push_probe.log:91` | "
        "`cf/push_probe.log:231` |" in md
    )


def test_operator_marker_in_the_timeline_table_and_summary_md(report: Path) -> None:
    """drill.toml `[[markers]] at = "10:47"` is a row of table `timeline` (ad hoc SQL sees it) and of summary.md."""
    out = report.parent
    assert duckdb_rows(
        out,
        "select ts, phase, what, source_type, source_file, source_line from timeline where what like 'marker:%'",
    ) == [(kst(10, 47), "degraded", "marker: AZ2 network restored", "drill.toml", "drill.toml", None)]
    md = (report / DRILL / "summary.md").read_text(encoding="utf-8")
    assert (
        "## Operator markers\n\n| Time | Marker |\n|---|---|\n| 2019-01-03 10:47:00 KST | AZ2 network restored |\n"
        in md
    )


def test_one_severity_scale(report: Path) -> None:
    from drillscope.reports.charts import SEVERITY

    spec = _specs(report / DRILL / "index.html")["events"]
    scales = [
        layer["encoding"]["color"]["scale"]
        for layer in spec["layer"]
        if layer.get("encoding", {}).get("color", {}).get("field") == "severity"
    ]
    assert scales == [{"domain": list(SEVERITY), "range": list(SEVERITY.values())}]
    text = (report / DRILL / "index.html").read_text(encoding="utf-8")
    assert f".sev-critical{{background:{SEVERITY['critical']}}}" in text


@needs_chromium
def test_drill_page_works_in_chromium(report: Path) -> None:
    """In a real browser, offline: every time chart draws every marker, an evidence link opens the cited line
    with its context, and the timeline filter hides what does not match; no request, no script error."""
    from tests.browser import open_page

    with open_page(report / DRILL / "index.html") as (pg, res):
        assert res.charts == 5
        for name in TIME_CHARTS:  # 7 markers on each chart (the metric panels: on each of its panels)
            assert pg.locator(f"#chart-{name} .mark-rule line").count() >= 7, name
        # the same time axis as drawn: Vega describes each axis with its first and last tick
        axes = {
            name: pg.locator(f'#chart-{name} g.role-axis[aria-label^="X-axis"]').first.get_attribute(
                "aria-label"
            )
            for name in TIME_CHARTS
        }
        assert len(set(axes.values())) == 1, axes
        assert (
            "from Thursday, 03 January 2019, 10:19:24 AM UTC to Thursday, 03 January 2019, 11:19:35"
            in axes["events"]
        )
        # the evidence snippet: the outage's start evidence opens the probe loop at line 91, lines 88..94
        snippet = pg.locator(f"#{slug('cf/push_probe.log:91')} pre.snippet")
        assert not snippet.is_visible()
        pg.locator("#outage-table a", has_text="cf/push_probe.log:91").click()
        snippet.wait_for(state="visible", timeout=5000)
        assert snippet.locator(".ln").all_inner_texts() == [str(n) for n in range(88, 95)]
        assert snippet.locator(".ctx").first.inner_text().endswith("filler 8.3")
        cited = snippet.locator(".cited")
        assert cited.locator(".ln").inner_text() == "91"
        assert cited.inner_text().endswith("2019-01-03 10:29:00 KST")
        # the filter: phase degraded, then capability cf_push
        rows = pg.locator("#timeline tr[data-phase]")
        total = rows.count()
        pg.select_option("#timeline-filter select[name=phase]", "degraded")
        visible = [r for r in rows.all() if r.is_visible()]
        assert 0 < len(visible) < total
        assert {r.get_attribute("data-phase") for r in visible} == {"degraded"}
        assert pg.locator("#timeline-filter output").inner_text() == str(len(visible))
        pg.select_option("#timeline-filter select[name=capability]", "cf_push")
        visible = [r.inner_text() for r in rows.all() if r.is_visible()]
        assert [v.split("\t")[2] for v in visible] == ["cf_push down: 502 Bad Gateway", "cf_push restored"]
        pg.select_option("#timeline-filter select[name=phase]", "")
        pg.select_option("#timeline-filter select[name=capability]", "")
        assert sum(r.is_visible() for r in rows.all()) == total
        marker_row = pg.locator("#timeline tr", has_text="marker: AZ2 network restored")
        assert marker_row.count() == 1 and "10:47:00" in marker_row.inner_text()
    assert (res.errors, res.blocked, res.dialogs) == ([], [], [])


def test_a_drill_with_no_observation_gets_a_page(tmp_path: Path) -> None:
    """`drillscope run` on an empty folder and on one nothing recognizes: exit 0, a page that says so."""
    import subprocess
    import sys

    for name, files in (("empty", {}), ("unknown", {"x.txt": "hello\n"})):
        d = tmp_path / name
        d.mkdir()
        for f, text in files.items():
            (d / f).write_text(text)
        out = tmp_path / f"out-{name}"
        p = subprocess.run(
            [sys.executable, "-m", "drillscope.cli", "run", str(d), "--out", str(out)],
            capture_output=True,
            text=True,
        )
        assert p.returncode == 0, p.stderr
        assert "Traceback" not in p.stderr and "internal error" not in p.stderr
        page = (out / "report" / name / "index.html").read_text(encoding="utf-8")
        assert '<p id="no-observation" class="empty">No observation:' in page
        assert (out / "report" / "index.html").exists()
        assert "No observation" in (out / "report" / name / "summary.md").read_text(encoding="utf-8")


def test_evidence_context_survives_the_inputs(tmp_path: Path) -> None:
    """The report reads the lines around a cited line from the database (the redacted text ingest keeps of a small
    input), so it still shows them after the drill folder is gone; a private key across lines stays redacted."""
    import shutil

    from drillscope.ingest.pipeline import ingest_inputs
    from tests.conftest import SAMPLES

    drill = tmp_path / "2019-01-03-az1"
    shutil.copytree(SAMPLES / "2019-01-03-az1", drill)
    key = "MIIEowIBAAKCAQEA7bq1QZ0fake0key0body0line"
    with open(drill / "notes.md", "a", encoding="utf-8") as fh:
        fh.write(f"\n-----BEGIN RSA PRIVATE KEY-----\n{key}\n{key[::-1]}\n-----END RSA PRIVATE KEY-----\n")
    out = tmp_path / "out"
    ingest_inputs([drill], out)
    build(out)
    shutil.rmtree(drill)
    write_report(out, ["2019-01-03-az1"])
    html = (out / "report" / "2019-01-03-az1" / "index.html").read_text(encoding="utf-8")
    row = html.split(f'<tr id="{slug("cf/login_probe.log:66")}">')[1].split("</tr>")[0]
    lines = re.findall(r"<span class=ln>(\d+)</span>", row)
    assert lines == [str(n) for n in range(63, 70)]
    assert '<span class="cited"><span class=ln>66</span>' in row
    assert "Rebuilt from the parsed rows" not in row  # the input's own lines, not a reconstruction
    text = " ".join(
        r[0] for r in duckdb_rows(out, "select text from source_lines where source_file = 'notes.md'")
    )
    assert key not in text and key[::-1] not in text and "[REDACTED]" in text


def duckdb_rows(out: Path, sql: str) -> list[tuple]:
    from drillscope.db import open_db

    with open_db(out) as con:
        return con.sql(sql).fetchall()


# --- the quarterly pages ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quarters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A foundation's cf push check every 5 min from 2019-01-01 to 2019-04-11 (UTC), down 30 min on 5 February:
    2019Q1 is observed whole (99.9769 %), 2019Q2 for 10 of its 91 days (100 % seen, lower bound 10.989 %)."""
    out = tmp_path_factory.mktemp("quarters")
    lake = out / "lake"
    write_atomic(
        lake,
        "drills",
        "mon-F",
        "drill",
        [
            {
                "drill": "mon-F",
                "kind": "monitoring",
                "foundation": "cf-prod",
                "timezone": "UTC",
                "has_toml": True,
            }
        ],
    )
    probes, t = [], datetime(2019, 1, 1, tzinfo=UTC)
    down = (datetime(2019, 2, 5, 10, tzinfo=UTC), datetime(2019, 2, 5, 10, 30, tzinfo=UTC))
    while t < datetime(2019, 4, 11, tzinfo=UTC):
        ok = not down[0] <= t < down[1]
        probes.append(
            {"drill": "mon-F", "ts": t, "capability": "cf_push", "ok": ok, "status": "ok" if ok else "failed",
             "interval_s": 300.0, "source_type": "healthwatch", "source_file": "hw/push.csv",
             "source_line": len(probes) + 2}
        )  # fmt: skip
        t += timedelta(minutes=5)
    write_atomic(lake, "probes", "mon-F", "p", probes)
    commit_inputs(lake)
    build(out)
    write_report(out)
    return out / "report"


def _ticks(pg, chart: str, axis: str) -> dict[str, float]:  # noqa: ANN001
    """Each label of a chart's X or Y axis with the position of its tick as drawn (x for X, y for Y): a label at
    either end is drawn flush with the axis' edge, its tick is not."""
    g = pg.locator(f'#chart-{chart} g.role-axis[aria-label^="{axis}-axis"]')
    texts = g.locator("g.role-axis-label text").all_text_contents()
    boxes = [t.bounding_box() for t in g.locator("g.role-axis-tick line").all()]
    at = [b["x"] + b["width"] / 2 if axis == "X" else b["y"] + b["height"] / 2 for b in boxes]
    assert len(texts) == len(at), (texts, at)
    return dict(zip(texts, at, strict=True))


NINES = ["0 %", "90 %", "99 %", "99.9 %", "99.99 %", "99.999 %", "100 %"]


@needs_chromium
def test_quarterly_nines_axis_in_chromium(quarters: Path) -> None:
    """99.9 % and 100 % are drawn three nines apart (on 0–100 they would be a pixel apart), and a quarter at
    99.9769 % ends between the 99.9 % and 99.99 % ticks, far from 100 %; the trend chart uses the same scale."""
    from tests.browser import open_page

    with open_page(quarters / "quarterly" / "2019Q1.html") as (pg, res):
        x = _ticks(pg, "2019Q1-availability", "X")
        assert list(x) == NINES
        step = x["99 %"] - x["90 %"]  # one nine
        assert step > 80
        assert x["100 %"] - x["99.9 %"] == pytest.approx(3 * step, abs=2)
        bar = pg.locator(
            '#chart-2019Q1-availability g.mark-rect path[aria-label*="availability_pct: 99.9769"]'
        )
        box = bar.bounding_box()
        right = box["x"] + box["width"]
        assert x["99.9 %"] < right < x["99.99 %"]
        assert x["100 %"] - right > 2 * step
        y = _ticks(pg, "2019Q1-trend", "Y")
        assert list(y) == NINES
        assert y["99.9 %"] - y["100 %"] == pytest.approx(3 * (y["90 %"] - y["99 %"]), abs=2)
    assert (res.errors, res.blocked, res.dialogs) == ([], [], [])


@needs_chromium
def test_mostly_unknown_quarter_is_flagged_in_chromium(quarters: Path) -> None:
    """2019Q2, observed 11 % of the time: its row carries the badge, the page the note, its bar is faded (not a
    plain 100 % bar) and the trend marks it at its lower bound (10.989 %: near the 0 % tick), not at 100 %."""
    from tests.browser import open_page

    with open_page(quarters / "quarterly" / "2019Q2.html") as (pg, res):
        row = pg.locator("#quarterly tr.mostly-unknown")
        assert row.count() == 1
        assert row.locator(".sev").inner_text() == "mostly unknown"
        assert row.locator("td").nth(3).inner_text() == "10.9890 %"
        note = pg.locator("#mostly-unknown")
        assert note.is_visible() and "observed less than half of the time" in note.inner_text()
        bar = pg.locator('#chart-2019Q2-availability g.mark-rect path[aria-label*="unknown_share: 89.0%"]')
        assert bar.get_attribute("opacity") == "0.3"
        seen = pg.locator('#chart-2019Q2-availability g.mark-rect path[aria-label*="unknown_share: 0.0%"]')
        assert seen.count() == 0  # the one row of the quarter is the flagged one
        y = _ticks(pg, "2019Q2-trend", "Y")
        mark = pg.locator('#chart-2019Q2-trend g.mark-symbol path[aria-label^="quarter: 2019Q2; n_min"]')
        box = mark.bounding_box()
        centre = box["y"] + box["height"] / 2
        assert abs(centre - y["0 %"]) < (y["0 %"] - y["90 %"]) / 10  # 0.05 nines above 0 %
        q1 = pg.locator(
            '#chart-2019Q2-trend g.mark-symbol path[aria-label^="quarter: 2019Q1;"]'
        ).bounding_box()
        assert (
            y["99.99 %"] < q1["y"] + q1["height"] / 2 < y["99.9 %"]
        )  # 2019Q1 drawn at 99.9769 % (y grows down)
        height, one_line = pg.evaluate(
            """() => { const b = document.querySelector('#quarterly .sev'); const c = b.cloneNode();
                c.textContent = 'x'; b.after(c); const got = [b.getBoundingClientRect().height,
                c.getBoundingClientRect().height]; c.remove(); return got; }"""
        )
        assert height == one_line
    assert (res.errors, res.blocked, res.dialogs) == ([], [], [])


@needs_chromium
def test_index_links_to_each_quarter_in_chromium(quarters: Path) -> None:
    """The index lists each quarter (2019Q2 with its flag); a click opens the quarter's page with its charts
    drawn; no request leaves the machine, no script fails."""
    from tests.browser import open_page, wait_for_charts

    with open_page(quarters / "index.html") as (pg, res):
        links = pg.locator("#quarters a")
        assert links.all_inner_texts() == ["Availability 2019Q1", "Availability 2019Q2"]
        assert pg.locator("#quarters li", has_text="2019Q2").locator(".sev").inner_text() == "mostly unknown"
        assert pg.locator("#quarters li", has_text="2019Q1").locator(".sev").count() == 0
        for q in ("2019Q1", "2019Q2"):
            pg.locator("#quarters a", has_text=q).click()
            pg.wait_for_load_state("load")
            assert pg.url == (quarters / "quarterly" / f"{q}.html").as_uri()
            assert wait_for_charts(pg, q) == 3  # availability, burn-down, trend
            assert pg.locator("h1").inner_text() == f"Availability {q}"
            assert pg.locator("#quarterly td", has_text="cf_push").count() == 1
            pg.locator("a", has_text="All drills").click()  # the page's own way back
            pg.wait_for_load_state("load")
            assert pg.url == (quarters / "index.html").as_uri()
    assert (res.errors, res.blocked, res.dialogs) == ([], [], [])


@pytest.fixture(scope="module")
def two_foundations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two foundations with the samples' names (one long), hourly checks through 2019Q1: cf_push and cf_login on
    the first, cf_push on the second."""
    out = tmp_path_factory.mktemp("legends")
    lake = out / "lake"
    series = {"cf-54c9c2f906b6aba996cd": ("cf_push", "cf_login"), "cf-east-7a1d": ("cf_push",)}
    for foundation, caps in series.items():
        folder = f"mon-{foundation}"
        write_atomic(
            lake,
            "drills",
            folder,
            "drill",
            [
                {
                    "drill": folder,
                    "kind": "monitoring",
                    "foundation": foundation,
                    "timezone": "UTC",
                    "has_toml": True,
                }
            ],
        )
        probes = [
            {"drill": folder, "ts": datetime(2019, 1, 1, tzinfo=UTC) + timedelta(hours=h), "capability": cap,
             "ok": h % 500 != 7, "status": "ok", "interval_s": 3600.0, "source_type": "healthwatch",
             "source_file": f"hw/{cap}.csv", "source_line": h + 2}
            for cap in caps
            for h in range(90 * 24)
        ]  # fmt: skip
        write_atomic(lake, "probes", folder, "p", probes)
    commit_inputs(lake)
    build(out)
    write_report(out)
    return out / "report"


@needs_chromium
def test_quarterly_legends_in_full_in_chromium(two_foundations: Path) -> None:
    """Every legend label is whole (a long foundation id is not cut to `cf-54c9…`), one colour per foundation and
    one dash per capability."""
    from tests.browser import open_page

    with open_page(two_foundations / "quarterly" / "2019Q1.html") as (pg, res):
        legends: dict[tuple[str, str], tuple[list[str], list[tuple]]] = {}
        for chart in ("availability", "burn", "trend"):
            for lg in pg.locator(f"#chart-2019Q1-{chart} g.role-legend").all():
                kind = "dash" if "strokeDash" in lg.get_attribute("aria-label") else "colour"
                symbols = [
                    (s.get_attribute("fill"), s.get_attribute("stroke"), s.get_attribute("stroke-dasharray"))
                    for s in lg.locator("g.role-legend-symbol path").all()
                ]
                legends[chart, kind] = (lg.locator("g.role-legend-label text").all_text_contents(), symbols)
    assert sorted(legends) == [
        ("availability", "colour"), ("burn", "colour"), ("burn", "dash"), ("trend", "colour"), ("trend", "dash"),
    ]  # fmt: skip
    for (chart, kind), (texts, symbols) in legends.items():
        if kind == "colour":
            assert texts == ["cf-54c9c2f906b6aba996cd", "cf-east-7a1d"], chart
        else:
            assert texts == ["cf_login", "cf_push"], chart
        assert len(set(symbols)) == len(symbols), (chart, kind, symbols)  # each value its own colour or dash
    assert (res.errors, res.blocked, res.dialogs) == ([], [], [])
