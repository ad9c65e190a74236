"""Generate the committed quarterly sample: continuous Healthwatch 1.x checks (5-minute wide CSV export, gzip)
for two foundations, from 2018-12-25 to 2019-04-01 06:00 local time, into `data/samples/monitoring-<foundation>/`.

Deterministic (no randomness in the figures; gzip with mtime 0), so the tests can pin the quarterly numbers.
The incidents and gaps below are the ground truth; each failing window [start, end) makes every check whose
local time falls in it report 0; a gap drops the rows; `not_run` windows report -1.

    python data/make_monitoring.py
"""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).resolve().parent / "samples"
STEP = timedelta(minutes=5)
COLUMNS = {
    "cf_push": "healthwatch.health.check.cliCommand.push",
    "cf_login": "healthwatch.health.check.cliCommand.login",
    "apps_manager": "healthwatch.health.check.CanaryApp.available",
}

FOUNDATIONS = {
    "cf-54c9c2f906b6aba996cd": {
        "tz": "Asia/Seoul",
        "failing": [
            # drill 1 (AZ1 power-off, 10:25): the 10:30, 10:35, 10:40 checks fail
            ("cf_push", "2019-01-03 10:30", "2019-01-03 10:45"),
            ("apps_manager", "2019-01-03 10:30", "2019-01-03 10:50"),
            # drill 2 (AZ2 shutdown, 15:41): push broken while AZ2 is down
            ("cf_push", "2019-01-03 15:45", "2019-01-03 16:20"),
            # unplanned incidents
            ("cf_push", "2019-02-14 03:10", "2019-02-14 03:40"),
            ("cf_login", "2019-03-05 22:00", "2019-03-05 22:15"),
            # crosses the Q1/Q2 boundary: 10 min in Q1, 20 min in Q2
            ("cf_push", "2019-03-31 23:50", "2019-04-01 00:20"),
        ],
        "gaps": [("2019-02-20 01:00", "2019-02-20 03:00")],  # Healthwatch itself down: no rows
        "not_run": [("cf_login", "2019-01-20 04:00", "2019-01-20 04:30")],  # -1: the check did not run
    },
    "cf-east-7a1d": {
        "tz": "America/New_York",
        "failing": [
            # spans the spring-forward hour: 01:50 EST .. 03:20 EDT is 30 minutes of real time
            ("cf_push", "2019-03-10 01:50", "2019-03-10 03:20"),
            ("cf_login", "2019-01-15 12:00", "2019-01-15 13:00"),
        ],
        "gaps": [],
        "not_run": [],
    },
}

START, END = "2018-12-25 00:00", "2019-04-01 06:00"


def _t(s: str, tz: ZoneInfo) -> datetime:
    return datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=tz)


def rows(spec: dict) -> list[str]:
    tz = ZoneInfo(spec["tz"])
    fail = [(c, _t(a, tz), _t(b, tz)) for c, a, b in spec["failing"]]
    gaps = [(_t(a, tz), _t(b, tz)) for a, b in spec["gaps"]]
    not_run = [(c, _t(a, tz), _t(b, tz)) for c, a, b in spec["not_run"]]
    out = ["timestamp," + ",".join(COLUMNS.values())]
    t, end = _t(START, tz), _t(END, tz)
    while t < end:  # aware arithmetic in UTC steps: DST changes never skip or repeat a check
        if not any(a <= t < b for a, b in gaps):
            vals = []
            for cap in COLUMNS:
                v = "1"
                if any(c == cap and a <= t < b for c, a, b in fail):
                    v = "0"
                if any(c == cap and a <= t < b for c, a, b in not_run):
                    v = "-1"
                vals.append(v)
            out.append(t.astimezone(tz).isoformat(timespec="seconds") + "," + ",".join(vals))
        t = (t.astimezone(ZoneInfo("UTC")) + STEP).astimezone(tz)
    return out


def main() -> None:
    for foundation, spec in FOUNDATIONS.items():
        folder = OUT / f"monitoring-{foundation}"
        (folder / "healthwatch").mkdir(parents=True, exist_ok=True)
        (folder / "drill.toml").write_text(
            f'id = "monitoring-{foundation}"\nkind = "monitoring"\nfoundation = "{foundation}"\n'
            f'timezone = "{spec["tz"]}"\nslo = 0.999\n',
            encoding="utf-8",
        )
        data = ("\n".join(rows(spec)) + "\n").encode()
        with open(folder / "healthwatch" / "indicators_5min.csv.gz", "wb") as fh:
            with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
                gz.write(data)
        print(f"{folder}: {len(data.splitlines()) - 1} checks")


if __name__ == "__main__":
    main()
