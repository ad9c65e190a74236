"""Validation of `drill.toml` (CONTRACT §1): every key's type and range is checked before anything is
written, and a bad value stops the run with one line naming the file and the key.

Keys this module does not know are kept (other features read them from `drills.config`); their values
are redacted like any text (`transforms.redact`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from drillscope.errors import InputError
from drillscope.ingest import signals

CAPABILITIES = frozenset(signals.CAPABILITIES)
KINDS = ("drill", "monitoring")
MAX_ID = 128  # the lake folder name must stay under the file system's 255 bytes
_CLOCK = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$")
_OFFSET = re.compile(r"^\s*[+-]?\d+(\.\d+)?\s*(ms|s|sec|m|min|h)?\s*$")
_TEXT_KEYS = ("name", "name_ko", "foundation", "fault", "fault_ko", "az", "timezone", "director_timezone")


class _Check:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, value: Any, why: str) -> InputError:
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return InputError(f"{self.path}: {key} = {shown} {why}")

    def text(self, key: str, value: Any, required: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(key, value, "is not a string")
        if required and not value.strip():
            raise self.fail(key, value, "is empty")
        return value

    def table_list(self, key: str, value: Any) -> list[dict]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, value, f"is not a list of tables (write [[{key}]] sections)")
        return value

    def duration(self, key: str, value: Any, positive: bool = False) -> None:
        """A duration as the SQL reads it (a DuckDB interval: "60m", "1h30m", "45 minutes", or seconds)."""
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(key, value, 'is not a duration (like "5m", "1h30m" or a number of seconds)')
        import duckdb  # the SQL's own interval parser, so the check and the models never disagree

        con = duckdb.connect()
        try:
            got = con.execute("SELECT epoch(try_cast(? AS INTERVAL))", [str(value)]).fetchone()
        finally:
            con.close()
        seconds = got[0] if got else None
        if seconds is None:
            raise self.fail(key, value, 'is not a duration (like "5m", "1h30m" or a number of seconds)')
        if seconds < 0 or (positive and seconds == 0):
            raise self.fail(key, value, "must be positive" if positive else "must not be negative")

    def regex(self, key: str, value: Any) -> None:
        self.text(key, value, required=True)
        try:
            re.compile(value)
        except re.error as e:
            raise self.fail(key, value, f"is not a valid regular expression ({e})") from None

    def when(self, key: str, value: Any) -> None:
        """A wall-clock time (HH:MM[:SS], on the drill's date) or a full ISO-8601 time."""
        if isinstance(value, datetime | time):
            return
        if isinstance(value, str):
            if _CLOCK.match(value):
                return
            try:
                datetime.fromisoformat(value.strip())
                return
            except ValueError:
                pass
        raise self.fail(key, value, "is not a time (HH:MM on the drill's date, or an ISO-8601 time)")


def validate(path: Path, raw: dict[str, Any]) -> None:
    """Raise InputError (one line: file, key, value, what is wrong) for the first bad key of `raw`."""
    c = _Check(path)
    if "id" in raw:
        i = c.text("id", raw["id"], required=True)
        if i.strip() in (".", "..") or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in i):
            raise c.fail("id", i, "is not a usable drill id (no control characters, not '.' or '..')")
        if len(i) > MAX_ID:
            raise c.fail("id", i, f"is longer than {MAX_ID} characters")
    for key in _TEXT_KEYS:
        if key in raw:
            c.text(key, raw[key], required=key in ("foundation", "timezone", "director_timezone"))
    if "kind" in raw and raw["kind"] not in KINDS:
        raise c.fail("kind", raw["kind"], f"is not one of {', '.join(KINDS)}")
    if "slo" in raw:
        slo = raw["slo"]
        if isinstance(slo, bool) or not isinstance(slo, int | float) or not 0 < slo < 1:
            raise c.fail("slo", slo, "is not a fraction between 0 and 1 (like 0.999)")
    if "capabilities" in raw:
        caps = raw["capabilities"]
        if not isinstance(caps, list):
            raise c.fail("capabilities", caps, 'is not a list (like ["cf_push", "cf_login"])')
        for cap in caps:
            if cap not in CAPABILITIES:
                raise c.fail("capabilities", cap, f"is not a capability ({', '.join(sorted(CAPABILITIES))})")
    if "rto" in raw:
        c.duration("rto", raw["rto"], positive=True)
    if "tolerance" in raw:
        c.duration("tolerance", raw["tolerance"])
    for k in ("injected_at", "recovered_at"):
        if k in raw and not isinstance(raw[k], str | datetime):
            raise c.fail(k, raw[k], "is not an ISO-8601 time")
    if "date" in raw and not isinstance(raw["date"], str | date):
        raise c.fail("date", raw["date"], "is not YYYY-MM-DD")
    _plan(c, raw)
    _offsets(c, raw)
    # [[signals]]: validated by `signals.parse_signals` when the config is read
    for n, m in enumerate(c.table_list("markers", raw.get("markers", [])), 1):
        key = f"markers[{n}]"
        for need in ("at", "label"):
            if need not in m:
                raise InputError(f"{path}: {key} has no `{need}`")
        c.when(f"{key}.at", m["at"])
        c.text(f"{key}.label", m["label"], required=True)


def _plan(c: _Check, raw: dict[str, Any]) -> None:
    for n, step in enumerate(c.table_list("plan", raw.get("plan", [])), 1):
        key = f"plan[{n}]"
        if "step" not in step:
            raise InputError(f"{c.path}: {key} has no `step`")
        c.text(f"{key}.step", step["step"], required=True)
        if "step_ko" in step:
            c.text(f"{key}.step_ko", step["step_ko"])
        if "at" in step and "after" in step:
            raise InputError(f"{c.path}: {key} has both `at` and `after`; give one")
        if "at" in step:
            c.when(f"{key}.at", step["at"])
        elif "after" in step:
            c.duration(f"{key}.after", step["after"])
        else:
            raise InputError(f"{c.path}: {key} has neither `at` nor `after`")
        if "match" in step:
            c.regex(f"{key}.match", step["match"])
        if "tolerance" in step:
            c.duration(f"{key}.tolerance", step["tolerance"])


def _offsets(c: _Check, raw: dict[str, Any]) -> None:
    if "clock_offsets" not in raw:
        return
    offsets = raw["clock_offsets"]
    if not isinstance(offsets, dict):
        raise c.fail("clock_offsets", offsets, "is not a table (write a [clock_offsets] section)")
    for k, v in offsets.items():
        ok = (isinstance(v, int | float) and not isinstance(v, bool)) or (
            isinstance(v, str) and _OFFSET.match(v)
        )
        if not ok:
            raise c.fail(f"clock_offsets.{k}", v, 'is not an offset (seconds, or like "+35s", "-2m")')
