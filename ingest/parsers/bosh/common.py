"""Pieces shared by the BOSH parsers: UnixDate times, cck problem texts, and the line shapes of the
CLI task reporter (bosh-cli v5.4.0 `ui/task/reporter.go`; docs/formats/bosh.md §1, §4)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# `Thu Jan  3 01:51:28 UTC 2019` (Go time.UnixDate, always UTC in BOSH output)
UNIXDATE = re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}")

# cck apply task names: `<description> (<type> <resource_id>): <plan>` (problem_resolver.rb)
APPLY = re.compile(
    r"^(?P<desc>.+) \((?P<type>unresponsive_agent|missing_vm|inactive_disk|missing_disk|mount_info_mismatch"
    r"|invalid_problem) (?P<rid>\d{1,18})\): (?P<plan>.+)$",
    re.S,
)
INSTANCE_IN_DESC = re.compile(r"'(?P<ig>[^/']+)/(?P<uuid>[0-9a-f-]{36}) \((?P<index>\d{1,18})\)'")
# missing_disk: `Disk '<cid>' (<ig>/<uuid>, <size>M) is missing`
_INSTANCE_IN_DISK = re.compile(r"\((?P<ig>[^/'(]+)/(?P<uuid>[0-9a-f-]{36}), \d+M\)")

# -- CLI task reporter lines (docs/formats/bosh.md §1.2) ---------------------------------------------------
# ids are BIGINT columns: `\d{1,18}`, so a garbled 20-digit number is no id (the line is quarantined)
# and durations stop at 6 hour digits (a timedelta, not an overflow).
EV = re.compile(r"^Task (?P<task>\d{1,18}) \| (?P<hms>\d{2}:\d{2}:\d{2}) \| (?P<body>.*)$")
# group = stage [+ " " + tags]; the stage holds no ": ", task names may; `()` when no start was seen
STAGE = re.compile(r"^(?P<group>[^:]+): (?P<name>.*?)(?: \((?P<dur>\d{2,6}:\d{2}:\d{2})?\))?$", re.S)
INPRG = re.compile(r"^L (?P<status>[^:]+): (?P<name>.*?)(?: \((?P<dur>\d{2,6}:\d{2}:\d{2})\))?$", re.S)
MSG = re.compile(r"^(?P<kind>Error|Warning|Deprecation): (?P<msg>.*)$", re.S)
LERR = re.compile(r"^ +L Error: (?P<msg>.*)$")
HDR = re.compile(r"^Task (?P<task>\d{1,18})$")
NOOUT = re.compile(r"^Task (?P<task>\d{1,18})\. (?P<state>Done|Error|Cancelled|Timeout)$")
FOOT = re.compile(r"^Task (?P<task>\d{1,18}) (?P<what>Started|Finished|Duration) +(?P<val>\S.*)$")
END = re.compile(r"^Task (?P<task>\d{1,18}) (?P<state>done|error|cancelled|timeout)$")
ENV = re.compile(
    r"^Using environment '(?P<env>[^']*)' as (?:(?:(?P<kind>client|user) )?'(?P<who>[^']*)'"
    r"(?: \((?P<scopes>[^)]*)\))?|anonymous user)$"
)
DEP = re.compile(r"^Using deployment '(?P<deployment>[^']+)'$")
# `bosh cck` problems table (cmd/cloud_check.go): header, `<n> problems` footer
CCK_HEADER = re.compile(r"^#\s+Type\s+Description\s*$")
CCK_FOOTER = re.compile(r"^(?P<n>\d{1,18}) problems?$")
# the same table written to a non-TTY: data rows only, cells padded then tab-separated
CCK_NOTTY_ROW = re.compile(r"^(?P<id>\d{1,18}) *\t(?P<type>[a-z_]+) *\t(?P<desc>.*?)\s*$")
TASK_IN_FILE_NAME = re.compile(r"task[_-]?(\d{1,18})(?!\d)", re.I)

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
    "Reattach disk to instance": "reattach_disk",
    "Reattach disk and reboot instance": "reattach_disk_and_reboot",
    "Recreate VM": "recreate_vm",  # Ruby CLI v1
}


def parse_unixdate(s: str) -> datetime:
    return datetime.strptime(" ".join(s.split()), "%a %b %d %H:%M:%S UTC %Y").replace(tzinfo=UTC)


def parse_duration(s: str) -> timedelta:
    """`HH:MM:SS` as printed by the CLI (ui/fmt/time.go Duration); hours may exceed 99."""
    h, m, sec = (int(x) for x in s.split(":"))
    return timedelta(hours=h, minutes=m, seconds=sec)


def instance_of(desc: str) -> str | None:
    """`ig/uuid` named in a cck problem description, or None."""
    m = INSTANCE_IN_DESC.search(desc) or _INSTANCE_IN_DISK.search(desc)
    return f"{m.group('ig')}/{m.group('uuid')}" if m else None


def task_description(stages: set[str]) -> str | None:
    """The director's task description, inferred from its stage names (DIR-268 jobs/cloud_check/*.rb:
    cck_scan `scan cloud`, cck_apply `apply resolutions`, the resurrector's cck_scan_and_fix `scan and fix`)."""
    scans = any(s.startswith("Scanning ") for s in stages)
    applies = any(s.startswith("Applying problem resolutions") for s in stages)
    if scans and applies:
        return "scan and fix"
    if scans:
        return "scan cloud"
    if applies:
        return "apply resolutions"
    return None


def task_id_from_file_name(source_file: str) -> int | None:
    """`task_1234_event.jsonl` -> 1234: operators name captures after the task."""
    m = TASK_IN_FILE_NAME.search(source_file.rsplit("/", 1)[-1])
    return int(m.group(1)) if m else None


def cck_row(task_name: str, stage: str) -> dict | None:
    """A cck resolution (stage `Applying problem resolutions`) as a cck_problems row, else None."""
    if not stage.startswith("Applying problem resolutions"):
        return None
    m = APPLY.match(task_name)
    if not m:
        return None
    plan = m.group("plan")
    return {
        "problem_type": m.group("type"),
        "resource_id": int(m.group("rid")),
        "description": m.group("desc"),
        "plan": plan,
        "resolution": PLAN_TO_RESOLUTION.get(plan, plan.lower().replace(" ", "_")),
        "instance": instance_of(m.group("desc")),
    }
