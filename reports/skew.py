"""The drill page's clock section: skew estimates with their evidence, the corrections applied, and the e-mail
delivery delay per alert.

Reads `clock_skew_estimates` (sql/align/clock_skew_estimates.sql), `clock_skew` (sql/models/clock_skew.sql) and
`mail_delay` (sql/models/mail_delay.sql). Every text from the database is HTML-escaped. Labels come from
the report's `labels` when it has the `skew_*` keys, else from SKEW_LABELS (en/ko) below.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from drillscope.db import sql_text
from drillscope.reports.html import e, fmt_ts

SKEW_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "skew_title": "Clock skew",
        "skew_intro": (
            "offset = source clock − reference clock (the BOSH director; Healthwatch runs under the same NTP); "
            "a corrected time is the original time − offset. drill.toml [clock_offsets] always apply; the "
            "estimates only with --align, and only when their bounds exclude 0."
        ),
        "skew_source": "Source",
        "skew_clock": "Clock",
        "skew_reference": "Reference",
        "skew_method": "Method",
        "skew_estimate": "Offset",
        "skew_bounds": "Bounds",
        "skew_n": "n",
        "skew_applicable": "Applied by --align",
        "skew_note": "Note",
        "skew_evidence": "Evidence",
        "skew_corrections": "Corrections applied",
        "skew_key": "Source or file",
        "skew_origin": "From",
        "skew_rows": "Rows moved",
        "skew_none_applied": "No correction applied: every time is shown as its source printed it (ts = ts_original).",
        "skew_yes": "yes",
        "skew_no": "no",
        "mail_title": "E-mail delivery delay",
        "mail_alert": "Alert",
        "mail_state": "State",
        "mail_fired": "Fired",
        "mail_sent": "Sent (Date)",
        "mail_received": "Received (first hop)",
        "mail_fired_to_sent": "Fired → sent",
        "mail_sent_to_received": "Sent → received",
        "mail_fired_to_received": "Fired → received",
        "mail_from_body": "stated in the body",
        "mail_from_header": "no time in the body: Date header",
        "mail_from_hop": "no time in the body nor Date: first Received hop",
    },
    "ko": {
        "skew_title": "시계 오차",
        "skew_intro": (
            "오차 = 출처 시계 − 기준 시계 (BOSH 디렉터; Healthwatch는 같은 NTP 사용). 보정 시각 = 원래 시각 − 오차. "
            "drill.toml [clock_offsets]는 항상 적용되고, 추정값은 --align을 줄 때 범위가 0을 벗어나는 경우에만 적용됩니다."
        ),
        "skew_source": "출처",
        "skew_clock": "시계",
        "skew_reference": "기준",
        "skew_method": "방법",
        "skew_estimate": "오차",
        "skew_bounds": "범위",
        "skew_n": "쌍 수",
        "skew_applicable": "--align 적용",
        "skew_note": "비고",
        "skew_evidence": "근거",
        "skew_corrections": "적용된 보정",
        "skew_key": "출처 또는 파일",
        "skew_origin": "근원",
        "skew_rows": "이동한 행",
        "skew_none_applied": "보정 없음: 모든 시각은 출처가 기록한 그대로입니다 (ts = ts_original).",
        "skew_yes": "예",
        "skew_no": "아니오",
        "mail_title": "메일 전달 지연",
        "mail_alert": "경보",
        "mail_state": "상태",
        "mail_fired": "발생",
        "mail_sent": "발송 (Date)",
        "mail_received": "수신 (첫 hop)",
        "mail_fired_to_sent": "발생 → 발송",
        "mail_sent_to_received": "발송 → 수신",
        "mail_fired_to_received": "발생 → 수신",
        "mail_from_body": "본문에 명시",
        "mail_from_header": "본문에 시각 없음: Date 헤더",
        "mail_from_hop": "본문·Date에 시각 없음: 첫 Received hop",
    },
}


def _s(v: float | None, signed: bool = True) -> str:
    """Exact seconds (to the millisecond), signed: an offset of +35 s, a delay of 38 s."""
    if v is None:
        return "—"
    text = f"{v:+.3f}" if signed else f"{v:.3f}"
    return text.rstrip("0").rstrip(".").replace("-", "−") + " s"


def _bounds(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return "—"
    if lo is None:
        return f"≤ {_s(hi)}"
    if hi is None:
        return f"≥ {_s(lo)}"
    return f"{_s(lo)} … {_s(hi)}"


def _rows(con: duckdb.DuckDBPyConnection, name: str, drill: str) -> list[dict]:
    sql = sql_text(f"report/{name}")
    try:
        cur = con.execute(sql, {"drill": drill})
    except duckdb.CatalogException:  # a database built before the clock tables existed
        return []
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _fired_from(basis: str | None, L: Mapping[str, str]) -> str:
    return {
        "body": L["mail_from_body"],
        "Date header": L["mail_from_header"],
        "Received": L["mail_from_hop"],
    }.get(basis or "", "—")


def _labels(labels: Mapping[str, str]) -> dict[str, str]:
    lang = "ko" if labels.get("drill") == "훈련" else "en"
    return {**SKEW_LABELS[lang], **{k: v for k, v in labels.items() if k.startswith(("skew_", "mail_"))}}


def skew_section(con: duckdb.DuckDBPyConnection, drill: str, tz: str, labels: Mapping[str, str]) -> str:
    """HTML (escaped) for one drill page: skew estimates, corrections applied, mail delay; "" when none."""
    lab = _labels(labels)
    est = _rows(con, "skew_estimates", drill)
    applied = _rows(con, "skew_applied", drill)
    mails = _rows(con, "mail_delay", drill)
    if not (est or applied or mails):
        return ""
    L = {k: e(v) for k, v in lab.items()}
    parts = [f"<h2 id=clock-skew>{L['skew_title']}</h2><p class=sub>{L['skew_intro']}</p>"]
    if est:
        body = "".join(
            f"<tr><td>{e(r['source_type'])}</td><td>{e(r['clock'])}</td><td>{e(r['reference'])}</td>"
            f"<td>{e(r['method'])} ({e(r['kind'])})</td><td class=num>{e(_s(r['offset_s']))}</td>"
            f"<td class=num>{e(_bounds(r['offset_min_s'], r['offset_max_s']))}</td>"
            f"<td class=num>{e(r['n'])}</td><td>{L['skew_yes'] if r['applicable'] else L['skew_no']}</td>"
            f"<td>{e(r['note'])}</td><td class=msg>{e(r['evidence'])}</td></tr>"
            for r in est
        )
        parts.append(
            f"<table id=clock-skew-estimates><tr><th>{L['skew_source']}</th><th>{L['skew_clock']}</th>"
            f"<th>{L['skew_reference']}</th><th>{L['skew_method']}</th><th>{L['skew_estimate']}</th>"
            f"<th>{L['skew_bounds']}</th><th>{L['skew_n']}</th><th>{L['skew_applicable']}</th>"
            f"<th>{L['skew_note']}</th><th>{L['skew_evidence']}</th></tr>{body}</table>"
        )
    parts.append(f"<h3>{L['skew_corrections']}</h3>")
    if applied:
        body = "".join(
            f"<tr><td><code>{e(r['key'])}</code></td><td class=num>{e(_s(r['offset_s']))}</td>"
            f"<td>{e(r['origin'])}</td><td class=num>{e(r['rows_shifted'])}</td>"
            f"<td class=msg>{e(r['evidence'])}</td></tr>"
            for r in applied
        )
        parts.append(
            f"<table id=clock-corrections><tr><th>{L['skew_key']}</th><th>{L['skew_estimate']}</th>"
            f"<th>{L['skew_origin']}</th><th>{L['skew_rows']}</th><th>{L['skew_evidence']}</th></tr>{body}</table>"
        )
    else:
        parts.append(f"<p id=clock-corrections>{L['skew_none_applied']}</p>")
    if mails:
        body = "".join(
            f"<tr><td>{e(r['alert'] or r['subject'])}</td><td>{e(r['state'] or r['kind'])}</td>"
            f"<td>{e(fmt_ts(r['fired_at'], tz))}<br><small>"
            f"{_fired_from(r['fired_from'], L)}</small></td>"
            f"<td>{e(fmt_ts(r['sent_at'], tz))}</td><td>{e(fmt_ts(r['received_at'], tz))}</td>"
            f"<td class=num>{e(_s(r['firing_to_sent_s'], False))}</td>"
            f"<td class=num>{e(_s(r['sent_to_received_s'], False))}</td>"
            f"<td class=num>{e(_s(r['firing_to_received_s'], False))}</td>"
            f"<td><code>{e(r['evidence'])}</code></td></tr>"
            for r in mails
        )
        parts.append(
            f"<h2 id=mail-delay>{L['mail_title']}</h2><table id=mail-delay-table><tr><th>{L['mail_alert']}</th>"
            f"<th>{L['mail_state']}</th><th>{L['mail_fired']} ({e(tz)})</th><th>{L['mail_sent']}</th>"
            f"<th>{L['mail_received']}</th><th>{L['mail_fired_to_sent']}</th><th>{L['mail_sent_to_received']}</th>"
            f"<th>{L['mail_fired_to_received']}</th><th>{L['skew_evidence']}</th></tr>{body}</table>"
        )
    return "\n".join(parts)
