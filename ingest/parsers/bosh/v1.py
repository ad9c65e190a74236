"""Line shapes of the Ruby BOSH CLI v1 (bosh_cli gem, before 2017) and of the early Go CLI v2 betas.

Ruby CLI v1 (`bosh_cli/lib/cli/task_tracking/event_log_renderer.rb`, `commands/cloud_check.rb`), as pasted
in docs-bosh and bosh issues:

    Acting as user 'admin' on deployment 'cf-warden' on 'Bosh Lite Director'
    Director task 623
      Started scanning 1 vms
      Started scanning 1 vms > Checking VM states. Done (00:00:10)
         Done scanning 1 vms (00:00:10)
      Started preparing deployment > Binding existing deployment. Failed: Timed out … (00:02:15)
    Error 450002: Timed out sending `get_state' to … after 45 seconds
    Task 623 done
    Started		2015-01-09 23:32:45 UTC        (tabs or spaces)
    Finished	2015-01-09 23:32:56 UTC
    Duration	00:00:11

Event lines carry durations but no time of day; the task's times are its footer's. `bosh cck` then asks
about each problem (`Problem 1 of 12: <description>`, numbered resolutions, `Please choose a resolution
[1 - 4]: 3`) and repeats the choices before applying them. Tables are ASCII (`+----+` borders, `| a | b |`
rows, `VMs total: 4`).

Early CLI v2 (2017) printed event lines and the footer without the `Task N ` prefix:
`08:41:15 | Updating instance zookeeper: … (00:00:27)`, `Started  Mon Jul 24 08:41:15 UTC 2017`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from drillscope.ingest.parsers.bosh.common import PLAN_TO_RESOLUTION

HDR = re.compile(r"^Director task (?P<task>\d{1,18})$")
EV = re.compile(
    r"^  Started (?P<stage>.+?)(?: > (?P<name>.+?)\. (?P<state>Done|Failed)(?:: (?P<err>.*))?"
    r" \((?P<dur>\d{2,6}:\d\d:\d\d)\))?$"
)
STAGE_END = re.compile(r"^ {5}(?:Done|Failed) (?P<stage>.+?) \((?P<dur>\d{2,6}:\d\d:\d\d)\)$")
ERROR = re.compile(r"^Error (?P<code>\d+): (?P<msg>.+)$")
FOOT = re.compile(r"^(?P<what>Started|Finished|Duration)\s+(?P<val>\S.*)$")
ACTING = re.compile(
    r"^Acting as user '(?P<user>[^']*)'(?: on deployment '(?P<deployment>[^']*)')? on '[^']*'$"
)
DEPLOYMENT = re.compile(r"^Deployment `(?P<d>[^']+)'$")
# early CLI v2: an event line without `Task N | `
BETA_EV = re.compile(r"^\d{2}:\d{2}:\d{2} \| \S")

# what the CLI prints around a task that carries nothing for the drill
BANNER = re.compile(
    r"^(?:Performing cloud check\.\.\.|Processing deployment manifest|-{3,}|Getting deployment properties"
    r" from director\.\.\.|Compiling deployment manifest\.\.\.|Please review all changes carefully|Deploying"
    r"|Director name: .*|Deployment name: `[^']*'|Are you sure you want to deploy\? \(type 'yes' to continue\): ?\w*"
    r"|Scan is complete, checking if any problems found\.{3}|Found (?:no|\d+) problems?|No problems found"
    r"|Applying resolutions\.\.\.|Cloudcheck is finished|For a more detailed error report, run: bosh task .*"
    r"|RSA 1024 bit CA certificates are loaded due to old openssl compatibility)$"
)
# the confirmation CLI v2 asks before it changes anything
CONFIRM = re.compile(r"^Continue\? \[yN\]: ?\w*$")

PROBLEM = re.compile(r"^Problem (?P<i>\d{1,9}) of (?P<n>\d{1,9}): (?P<desc>.+)$")
OPTION = re.compile(r"^  (?P<k>\d{1,2})\. (?P<plan>.+)$")
CHOICE = re.compile(r"^Please choose a resolution \[1 - \d+\]: ?(?P<k>\d*)$")
RECAP = re.compile(r"^Below is the list of resolutions you've provided$")
RECAP_END = re.compile(r"^Apply resolutions\? \(type 'yes' to continue\): ?\w*$")
_V1_INSTANCE = re.compile(r"^(?P<ig>[\w.-]+)/(?P<idx>\d+) \((?P<uuid>[0-9a-f-]{36})\)")


def footer_time(val: str) -> datetime:
    """A v1 footer's `2015-01-09 23:32:45 UTC`."""
    return datetime.strptime(val.strip(), "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)


def stage_name(stage: str) -> str:
    """`scanning 1 vms` -> `Scanning 1 vms`: the v2 spelling the task description is inferred from."""
    return stage[:1].upper() + stage[1:]


def problem_type(desc: str) -> str | None:
    """The cck problem type a v1 description names (bosh-director problem_handlers/*.rb descriptions)."""
    if desc.endswith("is not responding.") or "is not responding" in desc:
        return "unresponsive_agent"
    if desc.startswith("VM with cloud ID") and desc.rstrip(".").endswith("missing"):
        return "missing_vm"
    if desc.startswith("Inconsistent mount information"):
        return "mount_info_mismatch"
    if desc.startswith("Disk") and "inactive" in desc:
        return "inactive_disk"
    if desc.startswith("Disk") and "missing" in desc:
        return "missing_disk"
    return None


def instance(desc: str) -> str | None:
    """`etcd_z1/5a23…` from `etcd_z1/0 (5a23…) (…) is not responding.`"""
    m = _V1_INSTANCE.match(desc)
    return f"{m.group('ig')}/{m.group('uuid')}" if m else None


def resolution(plan: str) -> str:
    """The resolution name of a v1 plan text (`Recreate VM for 'x/0 (…)'` -> `recreate_vm`)."""
    base = re.sub(r" for '.*'$| \(.*\)$", "", plan)
    return PLAN_TO_RESOLUTION.get(base, base.lower().replace(" ", "_"))


class CckDialog:
    """The interactive part of a v1 `bosh cck`: one cck_problems row per `Problem i of n`, with the
    resolution the operator chose. `feed` returns how a line counts (parsed / ignorable) or None."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self._cur: dict | None = None
        self._options: dict[int, str] = {}
        self._in_desc = False
        self._recap = False

    def feed(self, n: int, line: str) -> str | None:
        if self._recap:
            if RECAP_END.match(line):
                self._recap = False
            return "ignorable"  # the choices repeated before they are applied
        if RECAP.match(line) or line == "Please make sure everything is fine and confirm your changes":
            self._recap = True
            return "ignorable"
        if m := PROBLEM.match(line):
            desc = m.group("desc")
            self._cur = {"problem_id": int(m.group("i")), "description": desc, "source_line": n}
            self._options = {}
            self._in_desc = True
            self.rows.append(self._cur)
            return "parsed"
        if self._cur is None:
            return None
        if m := OPTION.match(line):
            self._in_desc = False
            self._options[int(m.group("k"))] = m.group("plan")
            return "parsed"
        if m := CHOICE.match(line):
            self._in_desc = False
            k = int(m.group("k")) if m.group("k") else None
            if k in self._options:
                self._cur["plan"] = self._options[k]
                self._cur["resolution"] = resolution(self._options[k])
            self._cur = None
            return "parsed"
        if self._in_desc:  # a description over several lines (mount info)
            self._cur["description"] += "\n" + line
            return "parsed"
        return None

    def problems(self) -> list[dict]:
        return [
            {
                **r,
                "problem_type": problem_type(r["description"]),
                "instance": instance(r["description"]),
                "plan": r.get("plan"),
                "resolution": r.get("resolution"),
            }
            for r in self.rows
        ]
