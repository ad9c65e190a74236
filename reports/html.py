"""The page and its parts, shared by the drill report and the quarterly page: one self-contained HTML
page (the Vega JavaScript inlined from vl-convert), charts as Vega-Lite specs, PNG/SVG images of them, and
the escaping and formatting every table cell goes through."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from drillscope.reports import charts


@dataclass
class ChartOut:
    name: str
    title: str
    spec: dict


def fmt_ts(ts: datetime | None, tz: str) -> str:
    if ts is None:
        return "—"
    return ts.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M:%S %Z")


def fmt_dur(s: float | None) -> str:
    if s is None:
        return "—"
    s = int(s)  # truncated like the clock times shown beside it (11:17:07.69 shows as 11:17:07)
    d, rem = divmod(abs(s), 86400)
    h, rem = divmod(rem, 3600)
    m, sec = divmod(rem, 60)
    sign = "-" if s < 0 else ""
    if d:  # a quarter's unknown time: 89d21h00m00s reads better than 2157h00m00s, still to the second
        return f"{sign}{d}d{h:02d}h{m:02d}m{sec:02d}s"
    return f"{sign}{h}h{m:02d}m{sec:02d}s" if h else f"{sign}{m}m{sec:02d}s"


def fmt_short(s: float | None) -> str:
    """A duration the way an SRE writes it: 1h30m, 14m05s, 45s, 3d02h."""
    if s is None:
        return "—"
    s = int(s)
    sign, s = ("-" if s < 0 else ""), abs(s)
    d, rem = divmod(s, 86400)
    h, rem = divmod(rem, 3600)
    m, sec = divmod(rem, 60)
    if d:
        return f"{sign}{d}d{h:02d}h"
    if h:
        return f"{sign}{h}h{m:02d}m"
    if m:
        return f"{sign}{m}m{sec:02d}s" if sec else f"{sign}{m}m"
    return f"{sign}{sec}s"


def fmt_pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.2f} %"


def e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def md_text(x: Any) -> str:
    """Text for Markdown (summary.md, pasted into a wiki): escaped as HTML, so no tag or entity of a log line
    or drill name is live, with table pipes, link brackets and line breaks neutralized."""
    text = html.escape("" if x is None else str(x))
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
    return " ".join(text.splitlines())


def md_code(x: Any) -> str:
    """A Markdown code span (evidence `file:line`): no backtick can close it, no pipe can split its table cell."""
    text = " ".join(("" if x is None else str(x)).splitlines()).replace("`", "'").replace("|", "\\|")
    return f"`{text}`"


def slug(ref: str) -> str:
    return "ev-" + re.sub(r"[^A-Za-z0-9]+", "-", ref).strip("-")


def spec_json(spec: dict) -> str:
    # inside <script>: never let a log text close the tag or open a comment
    return (
        json.dumps(spec, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


_BUNDLE: str | None = None


def vega_bundle() -> str:
    global _BUNDLE
    if _BUNDLE is None:
        import vl_convert as vlc
        from altair.utils._importers import vl_version_for_vl_convert

        _BUNDLE = vlc.javascript_bundle(vl_version=vl_version_for_vl_convert())
    return _BUNDLE


CSS = (
    """
body{font-family:-apple-system,Segoe UI,NanumGothic,Noto Sans KR,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{margin-bottom:0} .sub{color:#666;margin-top:4px} .note{border-left:4px solid #ef8f00;padding:4px 10px;background:#fff8e1}
table{border-collapse:collapse;margin:12px 0;font-size:13px} th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5} td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{margin:18px 0} code{font-size:12px} .phase{font-weight:600}
.msg{max-width:640px;word-break:break-word;font-family:ui-monospace,Menlo,monospace;font-size:12px}
.sev{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.finding{max-width:760px} .st-late,.st-not-observed,.st-bad-match,.v-regressed,.rto-fail{color:#c62828;font-weight:600}
.st-on-time,.v-improved,.rto-pass{color:#2e7d32;font-weight:600} .st-early{color:#ef8f00;font-weight:600}
.empty{padding:12px;background:#fff8e1;border:1px solid #f2b705}
.filter{display:flex;gap:16px;align-items:center;font-size:13px} .filter select{font-size:13px}
tr:target{background:#fff8c4} tr.left-out td{color:#666;font-style:italic}
details summary{cursor:pointer} pre.snippet{margin:6px 0;padding:6px;background:#f7f7f7;border:1px solid #e0e0e0;white-space:pre-wrap}
pre.snippet .ln{display:inline-block;min-width:4em;color:#999;user-select:none}
pre.snippet .cited{background:#fff3b0;font-weight:600;display:inline-block;width:100%}
"""
    + "".join(f".sev-{k}{{background:{v}}}" for k, v in charts.SEVERITY.items())
    + " .sev-warning{color:#222}\n"
)

# The page's own script (besides the Vega embeds): an evidence link opens the cited line's snippet, and the
# timeline's selects hide the rows that do not match. One constant, so a Content-Security-Policy can hash it.
PAGE_SCRIPT = """
(function () {
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var row = id && document.getElementById(id);
    var box = row && row.querySelector('details');
    if (box) { box.open = true; }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
  var form = document.getElementById('timeline-filter');
  var table = document.getElementById('timeline');
  if (!form || !table) { return; }
  var selects = form.querySelectorAll('select');
  function apply() {
    var shown = 0;
    table.querySelectorAll('tr[data-phase]').forEach(function (tr) {
      var keep = true;
      selects.forEach(function (s) { if (s.value && tr.dataset[s.name] !== s.value) { keep = false; } });
      tr.hidden = !keep;
      if (keep) { shown += 1; }
    });
    form.querySelector('output').textContent = shown;
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
})();
"""


def html_page(title: str, body: str, specs: list[ChartOut], lang: str) -> str:
    # ast: true makes Vega interpret its expressions instead of compiling them with `new Function`, so the
    # page needs no 'unsafe-eval'; the CSP allows exactly the page's scripts (its own, Vega, the embeds), by hash.
    embeds = "\n".join(
        f"vegaEmbed('#chart-{c.name}', {spec_json(c.spec)}, {{renderer: 'svg', actions: false, ast: true}})"
        f".catch(err => {{ console.error(err); document.body.dataset.chartError = '1'; }});"
        for c in specs
    )
    scripts = [PAGE_SCRIPT]
    if specs:
        scripts += [vega_bundle().replace("</script", "<\\/script"), f"\n{embeds}\n"]
    script = "\n".join(f'<script type="text/javascript">{js}</script>' for js in scripts)
    allowed = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()}'" for js in scripts
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {allowed or "'none'"}; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>{e(title)}</title><style>{CSS}</style></head>
<body>
{body}
{script}
</body></html>
"""


def chart_out(name: str, title: str, chart: Any) -> ChartOut:
    return ChartOut(name, title, chart.configure(font=charts.FONT).to_dict())


def write_images(outs: list[ChartOut], folder: Path) -> None:
    import vl_convert as vlc

    for c in outs:
        (folder / f"{c.name}.svg").write_text(vlc.vegalite_to_svg(c.spec), encoding="utf-8")
        (folder / f"{c.name}.png").write_bytes(vlc.vegalite_to_png(c.spec, scale=1.5))
