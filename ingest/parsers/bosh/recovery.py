"""The interactive part of CLI v7 `bosh create-recovery-plan` and the plan summary `bosh recover` prints.

Not in docs/formats/bosh.md §4 before the real corpus (docs-bosh `recover.md`, 2023). After its scan task,
`create-recovery-plan` asks per instance group and problem type:

    Instance Group 'diego_cell'
    Problem type: mount_info_mismatch
    #    Description
    243  Inconsistent mount information:
         Record shows that disk '…' should be mounted on vm-….
    1 mount_info_mismatch problems
    1: Ignore
    2: Reattach disk to instance
    mount_info_mismatch (1): 3
    Override current max_in_flight value of '2'? [yN]: y
    max_in_flight override for 'diego_cell' (2): 3

Each problem row becomes a `cck_problems` row with the resolution chosen for its type. `bosh recover`
repeats the plan file as `Instance Group 'x' plan summary` tables (`#  Planned resolution  Description`):
ignorable, the apply task that follows shows what was done.
"""

from __future__ import annotations

import re

from drillscope.ingest.parsers.bosh.common import instance_of
from drillscope.ingest.parsers.bosh.v1 import resolution

GROUP = re.compile(r"^Instance Group '(?P<ig>[^']+)'$")
TYPE = re.compile(r"^Problem type: (?P<type>[a-z_]+)$")
HEADER = re.compile(r"^#\s+Description$")
ROW = re.compile(r"^(?P<id>\d{1,18})\s{2,}(?P<desc>\S.*)$")
MORE = re.compile(r"^\s{3,}\S")
FOOTER = re.compile(r"^\d+ [a-z_]+ problems?$")
OPTION = re.compile(r"^(?P<k>\d{1,2}): (?P<plan>.+)$")
CHOICE = re.compile(r"^(?P<type>[a-z_]+) \(\d+\): (?P<k>\d+)$")
IGNORED = re.compile(
    r"^(?:Override current max_in_flight value of '[^']*'\? \[yN\]: ?\w*|max_in_flight override for '[^']*' \(.*\): \S*)$"
)
SUMMARY = re.compile(r"^Instance Group '[^']+' plan summary(?: \(.*\))?$")
SUMMARY_HEADER = re.compile(r"^#\s+Planned resolution\s+Description$")


class RecoveryDialog:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self._type: str | None = None
        self._open: list[dict] = []  # rows of the current problem type, waiting for the choice
        self._options: dict[int, str] = {}
        self._table = False  # inside a `#  Description` table
        self._summary = False  # inside a `bosh recover` plan summary table

    def feed(self, n: int, line: str) -> str | None:
        """How a line counts (parsed / ignorable), or None when it is not this dialog's."""
        if self._summary:
            if line.strip() and (SUMMARY_HEADER.match(line) or ROW.match(line) or MORE.match(line)):
                return "ignorable"
            self._summary = False
        if SUMMARY.match(line):
            self._summary = True
            return "ignorable"
        if self._table:
            if ROW.match(line) or (MORE.match(line) and self._open):
                if m := ROW.match(line):
                    row = {"problem_id": int(m.group("id")), "problem_type": self._type,
                           "description": m.group("desc"), "source_line": n}  # fmt: skip
                    self._open.append(row)
                    self.rows.append(row)
                else:
                    self._open[-1]["description"] += "\n" + line.strip()
                return "parsed"
            self._table = False
        if GROUP.match(line) or IGNORED.match(line) or FOOTER.match(line):
            return "ignorable"
        if m := TYPE.match(line):
            self._type, self._open, self._options = m.group("type"), [], {}
            return "parsed"
        if self._type is None:
            return None
        if HEADER.match(line):
            self._table = True
            return "parsed"
        if m := OPTION.match(line):
            self._options[int(m.group("k"))] = m.group("plan")
            return "parsed"
        if (m := CHOICE.match(line)) and m.group("type") == self._type:
            plan = self._options.get(int(m.group("k")))
            for row in self._open:
                row["plan"], row["resolution"] = plan, resolution(plan) if plan else None
            self._open = []
            return "parsed"
        return None

    def problems(self) -> list[dict]:
        return [
            {
                **r,
                "instance": instance_of(r["description"]),
                "plan": r.get("plan"),
                "resolution": r.get("resolution"),
            }
            for r in self.rows
        ]
