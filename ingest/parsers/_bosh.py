"""Pieces shared by the BOSH parsers: ANSI stripping, UnixDate times, cck problem texts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# `Thu Jan  3 01:51:28 UTC 2019` (Go time.UnixDate, always UTC in BOSH output)
UNIXDATE = re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}")

# cck apply task names: `<description> (<type> <resource_id>): <plan>` (problem_resolver.rb)
APPLY = re.compile(
    r"^(?P<desc>.+) \((?P<type>unresponsive_agent|missing_vm|inactive_disk|missing_disk|mount_info_mismatch"
    r"|invalid_problem) (?P<rid>\d+)\): (?P<plan>.+)$",
    re.S,
)
INSTANCE_IN_DESC = re.compile(r"'(?P<ig>[^/']+)/(?P<uuid>[0-9a-f-]{36}) \((?P<index>\d+)\)'")

# plan text -> resolution name (DIR-268 problem_handlers/*.rb; v270.3 renamed skip_post_start)
PLAN_TO_RESOLUTION = {
    "Skip for now": "ignore",
    "Ignore": "ignore",
    "Reboot VM": "reboot_vm",
    "Recreate VM without waiting for processes to start": "recreate_vm_without_wait",
    "Recreate VM and wait for processes to start": "recreate_vm",
    "Delete VM": "delete_vm",
    "Delete VM reference": "delete_vm_reference",
    "Delete disk reference (DANGEROUS!)": "delete_disk_reference",
    "Close problem": "close",
}


def strip_ansi(s: str) -> str:
    return ANSI.sub("", s)


def parse_unixdate(s: str) -> datetime:
    return datetime.strptime(" ".join(s.split()), "%a %b %d %H:%M:%S UTC %Y").replace(tzinfo=UTC)


def cck_row(task_name: str, stage: str) -> dict | None:
    """A cck resolution (stage `Applying problem resolutions`) as a cck_problems row, else None."""
    if not stage.startswith("Applying problem resolutions"):
        return None
    m = APPLY.match(task_name)
    if not m:
        return None
    plan = m.group("plan")
    inst = INSTANCE_IN_DESC.search(m.group("desc"))
    return {
        "problem_type": m.group("type"),
        "resource_id": int(m.group("rid")),
        "description": m.group("desc"),
        "plan": plan,
        "resolution": PLAN_TO_RESOLUTION.get(plan, plan.lower().replace(" ", "_")),
        "instance": f"{inst.group('ig')}/{inst.group('uuid')}" if inst else None,
    }
