"""Every drill.toml key is validated (type and range) before anything is written (CONTRACT §1): a bad
value is one line naming the file, the key and the value."""

from __future__ import annotations

from pathlib import Path

import pytest

from drillscope.errors import InputError
from drillscope.ingest.context import DrillConfig
from tests.contract.test_bad_input import TASK, cli

BAD = [
    ("foundation = 42", "foundation = 42 is not a string"),
    ('name = ["x"]', "name = ['x'] is not a string"),
    ('id = ".."', "id = '..' is not a usable drill id"),
    ('id = ""', "id = '' is empty"),
    ('id = "a\\u0000b"', "id = 'a\\x00b' is not a usable drill id"),
    ("id = 7", "id = 7 is not a string"),
    (f'id = "{"x" * 129}"', "is longer than 128 characters"),
    ('rto = "sixty"', "rto = 'sixty' is not a duration"),
    ('rto = "0m"', "rto = '0m' must be positive"),
    ('tolerance = "-5m"', "tolerance = '-5m' must not be negative"),
    ('kind = "weird"', "kind = 'weird' is not one of drill, monitoring"),
    ("slo = 5", "slo = 5 is not a fraction between 0 and 1"),
    ('slo = "0.999"', "slo = '0.999' is not a fraction"),
    ('capabilities = "cf_push"', "capabilities = 'cf_push' is not a list"),
    ('capabilities = ["cf_psuh"]', "capabilities = 'cf_psuh' is not a capability"),
    ("injected_at = 5", "injected_at = 5 is not an ISO-8601 time"),
    (
        'injected_at = "2019-01-03T11:00:00+09:00"\nrecovered_at = "2019-01-03T10:00:00+09:00"',
        "recovered_at = ",
    ),
    ("date = 20190103", "date = 20190103 is not YYYY-MM-DD"),
    ('timezone = ""', "timezone = '' is empty"),
    ('plan = "stop"', "plan = 'stop' is not a list of tables"),
    ('[[plan]]\nat = "10:25"', "plan[1] has no `step`"),
    ('[[plan]]\nstep = "x"', "plan[1] has neither `at` nor `after`"),
    ('[[plan]]\nstep = "x"\nat = "25 past ten"', "plan[1].at = '25 past ten' is not a time"),
    ('[[plan]]\nstep = "x"\nafter = "soon"', "plan[1].after = 'soon' is not a duration"),
    (
        '[[plan]]\nstep = "x"\nat = "10:25"\nmatch = "power(on"',
        "plan[1].match = 'power(on' is not a valid regular",
    ),
    ('[clock_offsets]\ncf_cli = "fast"', "clock_offsets.cf_cli = 'fast' is not an offset"),
    ("clock_offsets = 5", "clock_offsets = 5 is not a table"),
    (
        '[[signals]]\nmatch = "("\ncapability = "cf_push"\nok_when = "value == 0"',
        "signals[1]",
    ),
    (
        '[[signals]]\nmatch = "x"\ncapability = "push"\nok_when = "value == 0"',
        "signals[1]",
    ),
    (
        '[[signals]]\nmatch = "x"\ncapability = "cf_push"\nok_when = "ok"',
        "signals[1]",
    ),
    (
        '[[signals]]\nmatch = "x"\ncapability = "cf_push"\nok_when = "value = 0"',
        "signals[1]",
    ),
    ("name_ko = 1", "name_ko = 1 is not a string"),
    ("fault_ko = [1]", "fault_ko = [1] is not a string"),
    ('[[plan]]\nstep = "x"\nstep_ko = 2\nat = "10:25"', "plan[1].step_ko = 2 is not a string"),
    ('[[markers]]\nlabel = "x"', "markers[1] has no `at`"),
    ('[[markers]]\nat = "noon"\nlabel = "x"', "markers[1].at = 'noon' is not a time"),
    ('[[markers]]\nat = "10:47"\nlabel = 3', "markers[1].label = 3 is not a string"),
]

GOOD = """
id = "2019-01-03-az1"
name = "AZ1 power-off drill"
foundation = "cf-54c9c2f906b6aba996cd"
timezone = "Asia/Seoul"
director_timezone = "UTC"
fault = "power off"
az = "z1"
date = "2019-01-03"
injected_at = "2019-01-03T10:25:00+09:00"
recovered_at = 2019-01-03T11:17:00+09:00
kind = "drill"
slo = 0.999
capabilities = ["cf_push", "cf_login"]
rto = "60m"
tolerance = 300
cf_admin_password = "kept, and redacted in drills.config"

[[plan]]
step = "power on"
at = "10:50"
match = 'power(ed)?[ -]?on'
tolerance = "10m"

[[plan]]
step = "cck"
after = "25m"

[clock_offsets]
cf_cli = "+35s"
"cf/probe.log" = -2.5

[[signals]]
match = "cf push failures"
capability = "cf_push"
ok_when = "value == 0"

[[signals]]
match = "availability"
capability = "cf_api"
ok_when = "value>=0.99"

[[markers]]
at = "10:47"
label = "AZ2 network restored"

[[markers]]
at = "2019-01-03T10:50:00+09:00"
label = "power on"
"""


@pytest.mark.parametrize(("toml", "message"), BAD, ids=[b[0].replace("\n", " ")[:40] for b in BAD])
def test_bad_value_is_one_line_naming_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "drill.toml").write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        DrillConfig.load(tmp_path)
    msg = str(e.value)
    assert msg.startswith(f"{tmp_path / 'drill.toml'}: "), msg
    assert message in msg, msg
    assert "\n" not in msg


def test_every_documented_key_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "drill.toml").write_text(GOOD, encoding="utf-8")
    cfg = DrillConfig.load(tmp_path)
    assert cfg.id == "2019-01-03-az1" and cfg.kind == "drill"
    assert cfg.recovered_at is not None and cfg.recovered_at.isoformat() == "2019-01-03T02:17:00+00:00"


def test_bad_value_stops_before_anything_is_written(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "drill.toml").write_text("foundation = 42\n", encoding="utf-8")
    (d / "task.txt").write_bytes(TASK.read_bytes())
    out = tmp_path / "out"
    p = cli("run", str(d), "--out", str(out))
    assert p.returncode == 1
    assert p.stderr.strip() == f"error: {d / 'drill.toml'}: foundation = 42 is not a string", p.stderr
    assert not out.exists() or not list(out.rglob("*.parquet"))
