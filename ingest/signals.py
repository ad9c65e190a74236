"""A drill's `[[signals]]` (CONTRACT §1): metric series that observe a capability, and when they say it is up.

```toml
[[signals]]
match = "cf push failures"     # regex searched in the metric name, the CSV column / Grafana panel name
capability = "cf_push"
ok_when = "value == 0"         # `value` compared with a number: ==, !=, <, <=, >, >=
```

Validated when drill.toml is read: a bad regex, an unknown capability or an `ok_when` that is not such a
comparison is one error naming the file and the key (`signals[2].ok_when`).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drillscope.errors import InputError

CAPABILITIES = (
    "cf_push",
    "cf_login",
    "cf_api",
    "apps_manager",
    "app_traffic",
    "healthwatch",
    "bosh_director",
    "ops_manager",
)

OPS: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_OK_WHEN = re.compile(r"^\s*value\s*(==|!=|<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_KEYS = {"match", "capability", "ok_when"}


@dataclass(frozen=True)
class Signal:
    """One `[[signals]]` entry: series whose name `pattern` finds observe `capability`; ok when
    `value <op> threshold`."""

    index: int  # 1-based position in drill.toml
    pattern: re.Pattern[str]
    capability: str
    op: str
    threshold: float

    @property
    def rule(self) -> str:
        return f"drill.toml signals[{self.index}]: {self.pattern.pattern!r}, ok when value {self.op} {self.threshold:g}"


def parse_ok_when(text: str) -> tuple[str, float] | None:
    """`"value >= 1"` → (">=", 1.0); None when the text is not such a comparison."""
    m = _OK_WHEN.match(text)
    return (m.group(1), float(m.group(2))) if m else None


def parse_signals(path: Path, raw: object) -> tuple[Signal, ...]:
    """The `signals` array of drill.toml, validated; an InputError names the file and the key."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError(f"{path}: signals must be an array of tables ([[signals]])")
    out: list[Signal] = []
    for i, item in enumerate(raw, 1):
        key = f"signals[{i}]"
        if not isinstance(item, dict):
            raise InputError(f"{path}: {key} must be a table with match, capability and ok_when")
        extra = sorted(set(item) - _KEYS)
        if extra:
            raise InputError(
                f"{path}: {key}.{extra[0]} is not a signals key (use match, capability, ok_when)"
            )
        for k in sorted(_KEYS):
            if not isinstance(item.get(k), str) or not item[k].strip():
                raise InputError(f"{path}: {key}.{k} is missing or not a text")
        try:
            pattern = re.compile(item["match"], re.IGNORECASE)
        except re.error as e:
            raise InputError(
                f"{path}: {key}.match = {item['match']!r} is not a regular expression: {e}"
            ) from None
        if item["capability"] not in CAPABILITIES:
            raise InputError(
                f"{path}: {key}.capability = {item['capability']!r} is not a capability "
                f"(one of {', '.join(CAPABILITIES)})"
            )
        ok = parse_ok_when(item["ok_when"])
        if ok is None:
            raise InputError(
                f'{path}: {key}.ok_when = {item["ok_when"]!r} is not a comparison like "value == 0" '
                "(==, !=, <, <=, >, >= and a number)"
            )
        out.append(Signal(i, pattern, item["capability"], ok[0], ok[1]))
    return tuple(out)
