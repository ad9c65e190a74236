"""Generate the repetitive captures of the two sample drills under data/samples/ and their ground truth.

Run from the repository root: `.venv/bin/python data/make_samples.py` (deterministic; rewrites the files below).

Layouts follow the format references (bosh-cli v5.4.0 / director v268.5.0, cf CLI v6.41.0, Healthwatch 1.4 +
Log Cache, Grafana 7.5, PCF Event Alerts mail); values are invented to reconstruct the 2019-01-03 drill write-up.

Not generated (committed as hand-adapted copies of the format-reference samples, same drill 1 scenario):
  2019-01-03-az1/bosh/{cck_console.txt, tasks_recent_all.txt, task_123[34]_event.jsonl, events_0126.txt,
  events_locks.txt, vms_*_*.txt (a `date` line prepended), health_monitor.log (01:24-01:27 copied, 01:27:51-01:30:14
  extended), task_1234_debug.log.gz (3337 -> 357 lines, whole records kept)}, 2019-01-03-az1/cf/{push_probe.log,
  login_probe.log}, 2019-01-03-az1/mail/0[123]_*.eml, and both notes.md (the seed's lists, verbatim).
Generated here: everything else, and data/SAMPLES.md (the ground truth), which is computed from the final files (copied ones included).
"""

from __future__ import annotations

import json
import quopri
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent / "samples"
D1 = ROOT / "2019-01-03-az1"
D2 = ROOT / "2019-01-03-az2"
KST = ZoneInfo("Asia/Seoul")
DEP = "cf-54c9c2f906b6aba996cd"
ENV_LINE = "Using environment '10.10.16.5' as client 'ops_manager'"
RNG = random.Random(20190103)


def kst(h: int, m: int, s: int = 0, us: int = 0) -> datetime:
    return datetime(2019, 1, 3, h, m, s, us, tzinfo=KST)


def date_c(t: datetime) -> str:
    """`date` in the C locale on a KST jump box: `Thu Jan  3 10:40:02 KST 2019`."""
    t = t.astimezone(KST)
    return f"{t:%a %b} {t.day:2d} {t:%H:%M:%S} KST {t.year}"


def unixdate(t: datetime) -> str:
    """Go time.UnixDate in UTC, as the BOSH CLI prints it."""
    t = t.astimezone(UTC)
    return f"{t:%a %b} {t.day:2d} {t:%H:%M:%S} UTC {t.year}"


def hms_utc(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%H:%M:%S")


def dur(sec: int) -> str:
    return f"{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}"


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(data)


# ---------------------------------------------------------------------------------------------------------------
# BOSH: inventory of deployment cf-54c9c2f906b6aba996cd (48 VMs, 16 per AZ), as in the drill 1 captures
INVENTORY = """\
clock_global/ab4e9d36-7895-43ca-94f1-9f38aa8c78d1 az3 10.10.22.21 vm-f57c76c1-2b1f-4e93-a121-aef7a7e30a4b medium.disk
cloud_controller/1cb04038-129c-4740-96c8-dd344d67d1e1 az1 10.10.20.21 vm-2578c890-301e-4b8c-9e1c-342e79964f01 medium.disk
cloud_controller/573f0be2-9ad6-4337-964c-ee214ae12f8b az3 10.10.22.22 vm-b03495eb-5013-4515-96e1-c075e00c7d54 medium.disk
cloud_controller/84b49762-a105-4f30-bcf2-ea0f4da81891 az2 10.10.21.21 vm-7787326d-2eb6-4229-8ee3-b20bbc50c589 medium.disk
cloud_controller_worker/a8627ed9-1b32-4d1e-865b-df3a3efc973e az3 10.10.22.23 vm-fefd4d7a-1884-407a-a3e0-480c47cab005 micro
cloud_controller_worker/ce4688d7-1fd5-41cb-bf08-99f93eb9dfff az2 10.10.21.22 vm-d72e966d-0f40-4e5c-8aa6-e89851aff950 micro
cloud_controller_worker/ff1900b8-1f6e-4508-b9a7-f69ccec0ce93 az1 10.10.20.22 vm-e43bd3f5-1880-49d7-8bf5-c502be4ab280 micro
credhub/c6dfb1b6-8e3b-4278-9180-98242a083594 az2 10.10.21.23 vm-7b0ae176-d3f5-40d3-b247-469569807b76 large
credhub/d66ea80e-bc61-4108-93cf-597e03e47be9 az1 10.10.20.23 vm-68ae0afa-4c07-4484-a70d-92a6d6d77caa large
diego_brain/5bc0afcd-4fb5-4913-be9a-23ca44d7c6ce az2 10.10.21.24 vm-95f45ff0-8caa-4aeb-9e9d-75782b22ded6 small
diego_brain/b117165a-1779-4aaa-8caf-c2e49519cad9 az3 10.10.22.24 vm-e9c1e409-069a-4bd2-bff5-004bed1b4c6b small
diego_brain/cf8a8ae5-f7d1-42bb-bcee-bfa167002aad az1 10.10.20.24 vm-9b844a90-c59e-43b2-94ba-bce5e8cbb0de small
diego_cell/0242803e-899b-4dbc-bce4-29066780e517 az3 10.10.22.28 vm-ce9fd61d-4fa9-48f0-a292-5024eedd7f33 xlarge.disk
diego_cell/16b1990f-2a77-43a3-8ccd-ddb628fe4a95 az2 10.10.21.27 vm-be0dd270-35f2-44b2-a8e4-78dcb5e914d7 xlarge.disk
diego_cell/4daf079e-d840-461c-95da-fd77d951fbe5 az1 10.10.20.25 vm-5af3d25d-e505-4f2f-8050-778f80c05234 xlarge.disk
diego_cell/57886d25-a38e-4a73-9b79-92ed0e16bec0 az2 10.10.21.28 vm-a2d7e471-3364-407a-8a24-6d510b80b32c xlarge.disk
diego_cell/638aac57-42b8-4a44-b4c7-78fe6707d289 az1 10.10.20.27 vm-49ad4d30-f584-4eb9-aaaf-feddab8ea8b3 xlarge.disk
diego_cell/70ee1a7d-c242-4fb7-9cc8-b8c0d1913bd9 az3 10.10.22.25 vm-57da9c3e-7d25-4fcd-b4d5-8edd96d9faa0 xlarge.disk
diego_cell/8d0d42b0-fe1f-46bb-bbf3-a0ce0abe90cc az1 10.10.20.28 vm-407dca8b-6406-4975-9450-409ced2748ca xlarge.disk
diego_cell/9515eb63-fd6b-4ba9-b743-bfc3e85b5c81 az3 10.10.22.26 vm-200512f1-c019-4aa8-a5c9-cc91e363c75a xlarge.disk
diego_cell/aa8e601e-1167-4fe8-9a1d-654d2fe20884 az2 10.10.21.25 vm-c924ffe0-26f7-49fe-a14c-663011905b95 xlarge.disk
diego_cell/be1578d4-168d-4260-b245-ca3fd7d4f6b9 az1 10.10.20.26 vm-04804272-8a23-4970-ab31-d74249f05ff1 xlarge.disk
diego_cell/d42d2493-0c7c-43eb-a20a-7d7d4dcfb6d2 az2 10.10.21.26 vm-b8ef3293-26f3-42de-bd4e-8808ecdd2234 xlarge.disk
diego_cell/e89e7783-be0c-4275-8959-d60b44e614b8 az3 10.10.22.27 vm-23ebcb51-86e1-4464-94bc-b0b753c183bb xlarge.disk
diego_database/20c004d3-832d-49c5-b6e7-450f2fe545b1 az3 10.10.22.29 vm-a8da102f-2ce7-44ff-9480-326d8de10ae8 small
diego_database/61a25fe5-7e75-46cc-9bf6-829dce5bca3d az1 10.10.20.29 vm-dcaf31fd-7b92-43ef-95c7-75aa102d5495 small
diego_database/f6894afe-2156-4571-954f-63317f0d287e az2 10.10.21.29 vm-1fd6787d-7f1f-437e-b613-c4d857f4fc55 small
doppler/69b09ce0-863b-4631-974e-47c550eaf8e6 az2 10.10.21.30 vm-b80f0807-abfa-4077-bbdc-9b25cf11bcc5 medium
doppler/cbdc592b-a40d-465d-a755-d947dc8f6b70 az3 10.10.22.30 vm-b2fb49fc-ad0e-4a95-a2b1-39d82bb40bf8 medium
doppler/d4cced69-7700-4b89-9c70-4f307e129563 az1 10.10.20.30 vm-715d8d89-c6b6-4756-ac73-0621192a4578 medium
loggregator_trafficcontroller/865e0284-0545-4c4f-bff0-dfe0eaf07923 az2 10.10.21.31 vm-f65c41fb-b8de-4d9d-9ac1-d0b11ac5e2cb micro
loggregator_trafficcontroller/bc2fbc7d-5a60-44ce-b030-c7b3ef86b605 az1 10.10.20.31 vm-70e28452-4dfb-46fe-8dcc-9baf87a9754a micro
loggregator_trafficcontroller/c2f276f0-3c79-458c-8adb-04103c950bf5 az3 10.10.22.31 vm-9c7bdf0b-2fc6-40e3-a3ca-5f884febc8c6 micro
mysql/7380a741-6bc9-41c1-88c6-cab963396949 az1 10.10.20.32 vm-6c0bbc99-4c36-4b3f-b064-bbe13aa9cf01 large.disk
mysql/7e3bc4a9-1322-4f35-9ef1-0011e18180e2 az3 10.10.22.32 vm-55fa1e2a-59cc-4a24-b16b-cea5dbaa85ca large.disk
mysql/c9320a0d-ca7c-4f42-b107-f42f904dcbe0 az2 10.10.21.32 vm-89a5e296-7390-4f23-917a-cede07008071 large.disk
mysql_proxy/6c3ce33d-9c30-4fe0-9f8c-ea59e3a62492 az2 10.10.21.33 vm-47309d93-cd0d-4d02-9f55-9a5492791ea3 micro
mysql_proxy/75f46e6d-e418-4402-b03d-5219aa835393 az1 10.10.20.33 vm-74de7ff8-92be-4288-94e4-6a82863e53c2 micro
nats/32dacce0-e884-489a-a6b1-d2dcb677cd42 az3 10.10.22.33 vm-546baa0d-bc1e-4fa1-9948-3b0304329b02 micro
nats/66c0bf79-fe07-4c52-a5d1-c921cd9247c3 az1 10.10.20.34 vm-932a4eef-4c8a-4181-a548-c0970575e553 micro
nats/f47ea852-2a72-4713-a507-059db068bc15 az2 10.10.21.34 vm-57f2c7ac-ee1f-4e0b-a6f8-d4fe9a6082e0 micro
nfs_server/3a17c64c-09ab-4ef0-8b16-2cbff8819725 az3 10.10.22.34 vm-15061ead-084d-4894-b2e1-ee439b0f3dbc medium.disk
router/1989b56a-ee45-4e20-8307-a155868e9fd2 az1 10.10.20.35 vm-8f8e76da-3582-46fe-abfb-393e2c02a7c5 micro
router/cdf920ae-ab1a-4283-87fb-e419adb09ad3 az3 10.10.22.35 vm-884fae25-bbd6-4bd7-a28d-748578344c38 micro
router/fad6578a-7a7f-45b7-a0de-ffad03f3b465 az2 10.10.21.35 vm-dcb0c4f5-ea78-46ae-9ec4-d6fbdaf7c75b micro
uaa/3ba02a79-ccd9-4a5f-827a-fa353c722be5 az3 10.10.22.36 vm-0ae4c672-e8f6-40ef-af2b-c43dd6f19342 medium.disk
uaa/5203eb34-c62d-4026-954e-d328157a5d1d az1 10.10.20.36 vm-28ddd8f4-5589-4c6a-8733-df98b822d00e medium.disk
uaa/cc46a39d-c762-45c4-acbb-4d3316276536 az2 10.10.21.36 vm-66e6a220-f772-4d9e-92e4-f72b678d004d medium.disk
"""
VMS = [ln.split() for ln in INVENTORY.splitlines()]  # instance, az, ip, cid, vm_type
AZ2 = [v for v in VMS if v[1] == "az2"]
assert len(VMS) == 48 and len(AZ2) == 16


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """bosh-cli ui/table: cells padded to the column width, joined by 2 spaces, a 2-space border at the end of
    every line (the last column is not padded), `-` for empty cells."""
    rows = [[c if c != "" else "-" for c in r] for r in rows]
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]

    def fmt(r: list[str]) -> str:
        cells = [c.ljust(widths[i]) for i, c in enumerate(r[:-1])] + [r[-1]]
        return "  ".join(cells) + "  "

    return [fmt(header)] + [fmt(r) for r in rows]


def vms_capture(when: datetime, task: int, states: dict[str, str]) -> str:
    """`date; bosh -d DEP vms` on a TTY jump box: the wrapper's date line, then the CLI output."""
    rows = [[i, states.get(i, "running"), az, ip, cid, vt, "true"] for i, az, ip, cid, vt in VMS]
    head = ["Instance", "Process State", "AZ", "IPs", "VM CID", "VM Type", "Active"]
    out = [date_c(when), ENV_LINE, "", f"Task {task}. Done", "", f"Deployment '{DEP}'", ""]
    out += table(head, rows)
    out += ["", f"{len(rows)} vms", "", "Succeeded"]
    return "\n".join(out) + "\n"


@dataclass
class Task:
    id: int
    state: str
    started: datetime
    ended: datetime
    user: str
    deployment: str
    description: str
    result: str


def tasks_capture(tasks: list[Task]) -> str:
    head = ["ID", "State", "Started At", "Last Activity At", "User", "Deployment", "Description", "Result"]
    rows = [
        [
            str(t.id),
            t.state,
            unixdate(t.started),
            unixdate(t.ended),
            t.user,
            t.deployment,
            t.description,
            t.result,
        ]
        for t in sorted(tasks, key=lambda t: -t.id)
    ]
    out = [ENV_LINE, ""] + table(head, rows) + ["", f"{len(rows)} tasks", "", "Succeeded"]
    return "\n".join(out) + "\n"


def older_tasks() -> list[Task]:
    """Tasks 1215..1235 as listed at the end of drill 1 (its committed `bosh tasks --recent --all`)."""
    lines = (D1 / "bosh" / "tasks_recent_all.txt").read_text().splitlines()
    head = lines[2]
    starts = [
        head.index(h)
        for h in [
            "ID",
            "State",
            "Started At",
            "Last Activity At",
            "User",
            "Deployment",
            "Description",
            "Result",
        ]
    ]
    out = []
    for ln in lines[3:]:
        if not ln.strip():
            break
        cells = [ln[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        tid = int(cells[0])
        if tid < 1215:
            continue
        p = lambda s: datetime.strptime(" ".join(s.split()), "%a %b %d %H:%M:%S UTC %Y").replace(tzinfo=UTC)  # noqa: E731
        out.append(Task(tid, cells[1], p(cells[2]), p(cells[3]), cells[4], cells[5], cells[6], cells[7]))
    return out


def gen_bosh_az2() -> dict:
    """Drill 2 BOSH captures; returns the facts they carry."""
    b = D2 / "bosh"
    facts: dict = {}
    t_before = kst(15, 36, 7)
    write(b / "vms_before_1536.txt", vms_capture(t_before, 1238, {}))
    unresp = {v[0]: "unresponsive agent" for v in AZ2}
    cc_az3 = "cloud_controller/573f0be2-9ad6-4337-964c-ee214ae12f8b"
    write(b / "vms_during_1547.txt", vms_capture(kst(15, 47, 27), 1239, {**unresp, cc_az3: "failing"}))
    write(b / "vms_during_1555.txt", vms_capture(kst(15, 55, 1), 1240, unresp))
    facts["vms"] = [
        ("vms_before_1536.txt", kst(15, 36, 7), 0),
        ("vms_during_1547.txt", kst(15, 47, 27), 16),
        ("vms_during_1555.txt", kst(15, 55, 1), 16),
    ]

    # cck: scan 1243, apply 1244 (sequential reboots, DIR-268)
    order = AZ2[:]
    RNG.shuffle(order)
    resource_ids = [230, 234, 237, 241, 244, 247, 250, 253, 256, 259, 262, 265, 268, 271, 274, 277]
    RNG.shuffle(resource_ids)
    durations = [97, 95, 99, 93, 96, 98, 94, 97, 95, 96, 99, 94, 97, 95, 98, 93]
    problems = []
    for k, (v, rid) in enumerate(zip(order, resource_ids, strict=True)):
        inst, _az, _ip, cid, _vt = v
        idx = {"diego_cell": str(k % 10)}.get(inst.split("/")[0], "0")
        desc = f"VM for '{inst} ({idx})' with cloud ID '{cid}' is not responding."
        problems.append((145 + k, desc, rid))
    scan_t0 = datetime(2019, 1, 3, 7, 9, 3, tzinfo=UTC)
    apply_t0 = datetime(2019, 1, 3, 7, 9, 28, tzinfo=UTC)
    out = [ENV_LINE, "", f"Using deployment '{DEP}'", "", "Task 1243", ""]
    scan = [
        (0, "Scanning 48 VMs: Checking VM states", 18),
        (18, "Scanning 48 VMs: 32 OK, 16 unresponsive, 0 missing, 0 unbound", 0),
        (18, "Scanning 4 persistent disks: Looking for inactive disks", 3),
        (21, "Scanning 4 persistent disks: 4 OK, 0 missing, 0 inactive, 0 mount-info mismatch", 0),
    ]
    for off, body, d in scan:
        out.append(f"Task 1243 | {hms_utc(scan_t0 + timedelta(seconds=off))} | {body} ({dur(d)})")
    scan_end = scan_t0 + timedelta(seconds=21)
    out += [
        "",
        f"Task 1243 Started  {unixdate(scan_t0)}",
        f"Task 1243 Finished {unixdate(scan_end)}",
        "Task 1243 Duration 00:00:21",
        "Task 1243 done",
        "",
    ]
    out += table(["#", "Type", "Description"], [[str(p), "unresponsive_agent", d] for p, d, _ in problems])
    out += ["", "16 problems", "", "", "Task 1244", ""]
    t = apply_t0
    events = []
    for k, ((_pid, desc, rid), d) in enumerate(zip(problems, durations, strict=True)):
        name = f"{desc} (unresponsive_agent {rid}): Reboot VM"
        out.append(f"Task 1244 | {hms_utc(t)} | Applying problem resolutions: {name} ({dur(d)})")
        ev = {
            "time": int(t.timestamp()),
            "stage": "Applying problem resolutions",
            "tags": [],
            "total": 16,
            "task": name,
            "index": k + 1,
            "state": "started",
            "progress": 0,
        }
        events.append(ev)
        t += timedelta(seconds=d)
        events.append({**ev, "time": int(t.timestamp()), "state": "finished", "progress": 100})
    apply_end = t
    out += [
        "",
        f"Task 1244 Started  {unixdate(apply_t0)}",
        f"Task 1244 Finished {unixdate(apply_end)}",
        f"Task 1244 Duration {dur(int((apply_end - apply_t0).total_seconds()))}",
        "Task 1244 done",
        "",
        "Succeeded",
    ]
    write(b / "cck_console.txt", "\n".join(out) + "\n")
    write(b / "task_1244_event.jsonl", "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events))

    def u(h: int, m: int, s: int) -> datetime:
        return datetime(2019, 1, 3, h, m, s, tzinfo=UTC)

    lock_err = "Unable to get deployment lock, maybe a deployment is in progress. Try again later."
    new = [
        Task(1236, "done", u(5, 58, 31), u(5, 58, 33), "ops_manager", DEP, "retrieve vm-stats", "-"),
        Task(
            1237,
            "done",
            u(6, 10, 2),
            u(6, 10, 41),
            "ops_manager",
            DEP,
            "fetch logs",
            "8e2d4c6a-1f3b-4a5c-9d7e-0b2f4a6c8e1d",
        ),
        Task(1238, "done", u(6, 36, 10), u(6, 36, 12), "ops_manager", DEP, "retrieve vm-stats", "-"),
        Task(1239, "done", u(6, 47, 31), u(6, 47, 48), "ops_manager", DEP, "retrieve vm-stats", "-"),
        Task(1240, "done", u(6, 55, 4), u(6, 55, 21), "ops_manager", DEP, "retrieve vm-stats", "-"),
        Task(
            1241,
            "error",
            u(6, 55, 47),
            u(7, 8, 12),
            "ops_manager",
            DEP,
            "fetch logs",
            "Timed out sending 'fetch_logs' to instance: 'cloud_controller/84b49762-a105-4f30-bcf2-ea0f4da81891', "
            "agent-id: '5e0c7a21-93d4-4b8f-a6e2-1c9d3f7b5a08' after 45 seconds",
        ),
        Task(1242, "error", u(7, 1, 14), u(7, 1, 14), "hm", DEP, "scan and fix", lock_err),
        Task(1243, "done", u(7, 9, 2), u(7, 9, 25), "ops_manager", DEP, "scan cloud", "scan complete"),
        Task(1244, "done", apply_t0, apply_end, "ops_manager", DEP, "apply resolutions", "16 resolved"),
    ]
    listing = sorted(new + older_tasks(), key=lambda t: -t.id)[:30]
    write(b / "tasks_recent_all.txt", tasks_capture(listing))

    # bosh events --object-type lock (id descending)
    lock = f"lock:deployment:{DEP}"
    evs = []
    for tk in (1239, 1240, 1241, 1243, 1244):
        tt = next(x for x in new if x.id == tk)
        evs += [(tt.started, "acquire", tk), (tt.ended, "release", tk)]
    evs.sort(key=lambda e: (e[0], e[1] == "acquire"))
    rows = []
    eid = 60112
    for when, action, tk in evs:
        eid += RNG.randint(3, 40)
        rows.append([str(eid), unixdate(when), "ops_manager", action, "lock", lock, str(tk), DEP, "", "", ""])
    rows.reverse()
    head = [
        "ID",
        "Time",
        "User",
        "Action",
        "Object Type",
        "Object Name",
        "Task ID",
        "Deployment",
        "Instance",
        "Context",
        "Error",
    ]
    out = [ENV_LINE, ""] + table(head, rows) + ["", f"{len(rows)} events", "", "Succeeded"]
    write(b / "events_locks.txt", "\n".join(out) + "\n")
    facts.update(scan=(u(7, 9, 2), u(7, 9, 25), scan_t0, scan_end), apply=(apply_t0, apply_end), tasks=new)
    return facts


# ---------------------------------------------------------------------------------------------------------------
# cf CLI captures (cf CLI 6.41.0 on a jump box with TZ=Asia/Seoul, piped, 2>&1)
PUSH_HEAD = """\
Pushing app probe-app to org drill-org / space drill-space as drill-operator...
Getting app info..."""
PUSH_ATTRS = """\
Updating app with these attributes...
  name:                probe-app
  path:                /home/drill/probe/probe-app
  command:             $HOME/boot.sh
  disk quota:          256M
  health check type:   port
  instances:           1
  memory:              64M
  stack:               cflinuxfs3
  routes:
    probe-app.apps.pcf.example.com

Updating app probe-app...
Mapping routes...
Comparing local files to remote cache...
Packaging files to upload...
Uploading files...
 0 B / 1.26 KiB [----------------------------------------------------]   0.00%\r 1.26 KiB / 1.26 KiB \
[====================================================] 100.00% 1s

Waiting for API to complete processing files...
"""
STAGING = """\
Staging app and tracing logs...
   Cell {cell} creating container for instance {inst}
   Cell {cell} successfully created container for instance {inst}
   Downloading app package...
   Downloading build artifacts cache...
   Downloaded build artifacts cache (214B)
   Downloaded app package (1.3K)
   -----> Staticfile Buildpack version 1.4.34
   -----> Installing nginx
          Using nginx version 1.15.7
   -----> Installing nginx 1.15.7
          Copy [/tmp/buildpacks/3f2c0b8a1e5d7f9c/dependencies/nginx-1.15.7-linux-x64-cflinuxfs3-2d5c1d3d.tgz]
   -----> Root folder /tmp/app
   -----> Copying project files into public
   -----> Configuring nginx
   Exit status 0
   Uploading droplet, build artifacts cache...
   Uploading droplet...
   Uploading build artifacts cache...
   Uploaded build artifacts cache (214B)
   Uploaded droplet (3.9M)
   Uploading complete
   Cell {cell} stopping instance {inst}
   Cell {cell} destroying container for instance {inst}
   Cell {cell} successfully destroyed container for instance {inst}

Waiting for app to start...

name:              probe-app
requested state:   started
routes:            probe-app.apps.pcf.example.com
last uploaded:     {uploaded}
stack:             cflinuxfs3
buildpacks:        staticfile

type:            web
instances:       1/1
memory usage:    64M
start command:   $HOME/boot.sh
     state     since                  cpu    memory        disk           details
#0   running   {since}   0.0%   {mem}M of 64M   6.4M of 256M  \x20
"""
FAIL_502 = """\
Unexpected Response
Response code: 502
CC code:       0
CC error code:\x20
Description:   502 Bad Gateway: Registered endpoint failed to handle the request.

FAILED"""
FAIL_STAGER = """\
Unexpected Response
Response code: 503
CC code:       0
CC error code:\x20
Request ID:    {rid}
Request ID:    {rid}::{rid2}
Description:   {{
  "description": "Stager is unavailable: execution expired",
  "error_code": "CF-StagerUnavailable",
  "code": 170010
}}

FAILED"""
FAIL_TIMEOUT = """\
Request error: Get https://api.sys.pcf.example.com/v2/info: dial tcp 10.193.71.10:443: i/o timeout
TIP: If you are behind a firewall and require an HTTP proxy, verify the https_proxy environment variable is \
correctly set. Else, check your network connection.
FAILED"""


def uuid() -> str:
    h = "".join(RNG.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def push_run(start: datetime, ok: bool, kind: str = "") -> tuple[str, int]:
    """One wrapper iteration: `echo "===== $(date) ====="; cf push ...; echo "exit code: $?"`; returns its text and
    how long it took (seconds)."""
    lines = [f"===== {date_c(start)} ====="]
    if ok:
        up = start + timedelta(seconds=9)
        since = (start + timedelta(seconds=44)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        st = STAGING.format(
            cell="7d3e9b21-4c6a-4f08-a2d5-9e1b6c3f8a47",
            inst=uuid(),
            uploaded=f"{up.astimezone(KST):%a %d %b %H:%M:%S} KST 2019",
            since=since,
            mem=f"{RNG.choice([4.9, 5.1, 5.3])}",
        )
        body = PUSH_HEAD + "\n" + PUSH_ATTRS + "\nStopping app...\n\n" + st + "\nexit code: 0"
        return "\n".join(lines) + "\n" + body + "\n", RNG.randint(97, 108)
    if kind == "502":
        body = FAIL_502
        took = 2
    elif kind == "502-appinfo":
        body = PUSH_HEAD + "\n" + FAIL_502
        took = 3
    elif kind == "timeout":
        body = FAIL_TIMEOUT
        took = 16
    else:  # stager unavailable after upload
        body = (
            PUSH_HEAD
            + "\n"
            + PUSH_ATTRS
            + "\nStopping app...\n\nStaging app and tracing logs...\n"
            + FAIL_STAGER.format(rid=uuid(), rid2=uuid())
        )
        took = 41
    return "\n".join(lines) + "\n" + body + "\nexit code: 1\n", took


def gen_push_az2() -> None:
    out = ["### push probe started on jumpbox-01 (cf version 6.41.0+dd4c76cdd.2018-11-28) ###\n"]
    t = kst(15, 30, 4)
    kinds = ["502", "stager", "502-appinfo", "timeout", "stager", "502"]
    n = 0
    while t < kst(16, 40):
        ok = t < kst(15, 41) or t >= kst(16, 19, 40)
        text, took = push_run(t, ok, kinds[n % len(kinds)])
        if not ok:
            n += 1
        out.append(text)
        t += timedelta(seconds=took + 60 + RNG.randint(0, 2))
    write(D2 / "cf" / "push_probe.log", "".join(out))


LOGIN_OK = [
    "API endpoint: https://api.sys.pcf.example.com",
    "Authenticating...",
    "+1OK",
    "",
    "Targeted org drill-org",
    "+1",
    "Targeted space drill-space",
    "",
    "",
    "",
    "API endpoint:   https://api.sys.pcf.example.com (API version: 2.125.0)",
    "User:           drill-operator@example.com",
    "Org:            drill-org",
    "Space:          drill-space",
    "cf login exit=0",
]
LOGIN_502 = [
    "API endpoint: https://api.sys.pcf.example.com",
    "FAILED",
    "Server error, status code: 502, error code: 0, message: ",
    "cf login exit=1",
]
LOGIN_UAA = [
    "API endpoint: https://api.sys.pcf.example.com",
    "Authenticating...",
    "+1The targeted API endpoint could not be reached.",
    "",
    "Password> stty: 'standard input': Inappropriate ioctl for device",
    "stty: 'standard input': Inappropriate ioctl for device",
    "",
    "Authenticating...",
    "+1The targeted API endpoint could not be reached.",
    "",
    "Password> stty: 'standard input': Inappropriate ioctl for device",
    "stty: 'standard input': Inappropriate ioctl for device",
    "",
    "Authenticating...",
    "+1Credentials were rejected, please try again.",
    "",
    "",
    "API endpoint:   https://api.sys.pcf.example.com (API version: 2.125.0)",
    "Not logged in. Use 'cf login' to log in.",
    "FAILED",
    "Unable to authenticate.",
    "cf login exit=1",
]


def login_run(start: datetime, body: list[str]) -> list[str]:
    """`cf login ... </dev/null` piped through moreutils `ts` (prefix `Jan 03 HH:MM:SS `, also on blank lines)."""
    t = start
    out = [f"{t:%b %d %H:%M:%S} ##### {date_c(t)} cf login probe #####"]
    for ln in body:
        if ln.startswith("+1"):
            t += timedelta(seconds=1)
            ln = ln[2:]
        out.append(f"{t.astimezone(KST):%b %d %H:%M:%S} {ln}")
    return out


def gen_login_az2() -> None:
    out: list[str] = []
    t = kst(15, 30, 10)
    pattern = [LOGIN_502, LOGIN_OK, LOGIN_UAA, LOGIN_OK, LOGIN_502, LOGIN_502, LOGIN_OK]
    k = 0
    while t < kst(16, 40):
        if kst(15, 42) <= t <= kst(16, 18):
            body = pattern[k % len(pattern)]
            k += 1
        else:
            body = LOGIN_OK
        out += login_run(t.astimezone(KST), body)
        t += timedelta(seconds=120 + RNG.randint(0, 2))
    write(D2 / "cf" / "login_probe.log", "\n".join(out) + "\n")


V2_INFO = """{
   "name": "Pivotal Application Service",
   "build": "2.4.1-build.8",
   "support": "https://support.pivotal.io",
   "version": 0,
   "description": "https://docs.pivotal.io/pivotalcf/2-4/pcf-release-notes/runtime-rn.html",
   "authorization_endpoint": "https://login.sys.pcf.example.com",
   "token_endpoint": "https://uaa.sys.pcf.example.com",
   "min_cli_version": "6.23.0",
   "min_recommended_cli_version": "6.23.0",
   "app_ssh_endpoint": "ssh.sys.pcf.example.com:2222",
   "app_ssh_host_key_fingerprint": "4e:3b:9a:0c:17:d2:6f:58:a1:e9:2c:70:b4:85:13:fd",
   "app_ssh_oauth_client": "ssh-proxy",
   "doppler_logging_endpoint": "wss://doppler.sys.pcf.example.com:443",
   "api_version": "2.125.0",
   "osbapi_version": "2.14",
   "routing_endpoint": "https://api.sys.pcf.example.com/routing",
   "user": "8f2a6c4e-1d3b-4e5f-9a07-b6c8d2e4f1a9"
}"""


def gen_curl_az2() -> None:
    """v6 `cf curl /v2/info` every 30 s around the Apps Manager blip (a 502 prints the router text, exit 0)."""
    out = []
    t = kst(15, 40, 0)
    while t <= kst(15, 46, 0):
        out += [
            "[drill@jumpbox-01 ~]$ date",
            date_c(t),
            '[drill@jumpbox-01 ~]$ cf curl /v2/info; echo "exit=$?"',
        ]
        if kst(15, 42) <= t < kst(15, 43):
            out += ["502 Bad Gateway: Registered endpoint failed to handle the request.", "", "exit=0"]
        else:
            out += [V2_INFO, "exit=0"]
        t += timedelta(seconds=30)
    write(D2 / "cf" / "curl_v2_info_probe.log", "\n".join(out) + "\n")


def rtr_line(
    env: datetime, rtr: int, status: int, start: datetime, backend: str, index: int, rt: float, client: str
) -> list[str]:
    """gorouter 2018 access-log record as `cf logs --recent` prints it, plus the empty follow-up line."""
    h = f"   {env.astimezone(KST):%Y-%m-%dT%H:%M:%S}.{env.microsecond // 10000:02d}+0900 [RTR/{rtr}] OUT"
    s = start.astimezone(UTC)
    size = 15 if status == 200 else 67
    tr = "".join(RNG.choice("0123456789abcdef") for _ in range(16))
    payload = (
        f"order-api.apps.pcf.example.com - [{s:%Y-%m-%dT%H:%M:%S}.{s.microsecond // 1000:03d}+0000] "
        f'"GET /actuator/health HTTP/1.1" {status} 0 {size} "-" "curl/7.29.0" "{client}" "{backend}" '
        f'x_forwarded_for:"10.10.4.21, {client.split(":")[0]}" x_forwarded_proto:"https" '
        f'vcap_request_id:"{uuid()}" response_time:{rt} app_id:"a3f1c9e2-6b7d-4e21-8f35-2c9d0b7e4a61" '
        f'app_index:"{index}" x_b3_traceid:"{tr}" x_b3_spanid:"{tr}" x_b3_parentspanid:"-"'
    )
    return [f"{h} {payload}", f"{h} "]


def gen_cf_logs_az1() -> None:
    """`cf logs order-api --recent` at 10:31:02 KST: a health-check curl every 10 s through the routers."""
    lines = [
        "Retrieving logs for app order-api in org drill-org / space drill-space as drill-operator...",
        "",
    ]
    recs: list[tuple[datetime, list[str]]] = []
    lb = {0: "10.193.70.10", 1: "10.193.71.10", 2: "10.193.72.10"}
    b0, b1, b0_new = "10.193.70.41:61012", "10.193.71.41:61008", "10.193.72.42:61020"
    t = kst(10, 22, 40)
    k = 0
    while t <= kst(10, 30, 50):
        routers = [0, 1, 2] if t < kst(10, 25) else [1, 2]
        rtr = routers[k % len(routers)]
        us = RNG.randint(100000, 600000)
        start = t + timedelta(microseconds=us)
        client = f"{lb[rtr]}:{40000 + RNG.randint(10, 999)}"
        if t in (kst(10, 26, 0), kst(10, 26, 30), kst(10, 27, 0)):
            rt = round(5.0 + RNG.random() * 0.09, 9)
            recs.append(
                (
                    start + timedelta(seconds=rt),
                    rtr_line(start + timedelta(seconds=rt), rtr, 502, start, b0, 0, rt, client),
                )
            )
        else:
            use0 = k % 2 == 0 and (t < kst(10, 25) or t >= kst(10, 27, 50))
            backend, idx = ((b0 if t < kst(10, 25) else b0_new), 0) if use0 else (b1, 1)
            rt = round(0.004 + RNG.random() * 0.008, 9)
            recs.append(
                (
                    start + timedelta(seconds=rt),
                    rtr_line(start + timedelta(seconds=rt), rtr, 200, start, backend, idx, rt, client),
                )
            )
        t += timedelta(seconds=10)
        k += 1
    cell = "f04c8a27-9b1d-4e63-8c5a-d7e2f0b9a316"
    inst = "6e4a9c1d-2f8b-4d37-49e1-0a5c"
    for h, m, s, cs, text in [
        (10, 27, 20, 31, f"Cell {cell} creating container for instance {inst}"),
        (10, 27, 21, 2, f"Cell {cell} successfully created container for instance {inst}"),
        (10, 27, 21, 5, "Downloading droplet..."),
        (10, 27, 24, 47, "Downloaded droplet (68.4M)"),
        (10, 27, 24, 61, "Starting health monitoring of container"),
        (10, 27, 48, 14, "Container became healthy"),
    ]:
        w = kst(h, m, s, cs * 10000)
        recs.append((w, [f"   {w:%Y-%m-%dT%H:%M:%S}.{cs:02d}+0900 [CELL/0] OUT {text}"]))
    recs.sort(key=lambda r: r[0])
    for _, ls in recs:
        lines += ls
    write(D1 / "cf" / "logs_order-api_recent.txt", "\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------------------------
# Healthwatch 1.4 data read through Log Cache (query_range JSON) and Grafana 7.5 CSV exports
def logcache_json(path: Path, t0: datetime, t1: datetime, value_of) -> None:
    """Log Cache `/api/v1/query_range?query=health_check_cliCommand_push{source_id="healthwatch-forwarder"}`,
    step 60s: epoch seconds, string values; the query is not in the response, so the file name names it."""
    vals = []
    t = t0
    while t <= t1:
        v = value_of(t)
        if v is not None:
            vals.append(f'          [{int(t.timestamp())}, "{v}"]')
        t += timedelta(minutes=1)
    text = (
        '{\n  "status": "success",\n  "data": {\n    "resultType": "matrix",\n    "result": [\n      {\n'
        '        "metric": {\n          "deployment": "p-healthwatch-5f3c0a9d2b7e41c6a8d1",\n'
        '          "index": "6c1f0e2a-3b4d-4e5f-9a8b-7c6d5e4f3a2b",\n          "job": "healthwatch-forwarder",\n'
        '          "origin": "healthwatch"\n        },\n        "values": [\n'
        + ",\n".join(vals)
        + "\n        ]\n      }\n    ]\n  }\n}\n"
    )
    write(path, text)


def grafana7_csv(path: Path, names: list[str], t0: datetime, t1: datetime, row_of) -> None:
    """Grafana 7.5 Inspect > Data > Download CSV, series joined by time, formatted: UTF-8 BOM, CRLF, quoted
    header, `YYYY-MM-DD HH:mm:ss` in the dashboard zone (KST, no offset), empty cell = null, extra CRLF at the end."""
    rows = ['"Time",' + ",".join('"' + n.replace('"', '""') + '"' for n in names)]
    t = t0
    while t <= t1:
        cells = row_of(t)
        rows.append(
            f"{t.astimezone(KST):%Y-%m-%d %H:%M:%S}," + ",".join("" if c is None else str(c) for c in cells)
        )
        t += timedelta(minutes=1)
    write(path, b"\xef\xbb\xbf" + ("\r\n".join(rows) + "\r\n\r\n").encode())


def gen_healthwatch(
    d: Path,
    t0: datetime,
    t1: datetime,
    push_fail: tuple,
    push_not_run: set,
    canary_fail: tuple,
    gap: tuple,
    dip: tuple,
    stamp: str,
) -> None:
    def push(t: datetime) -> str:
        if t in push_not_run:
            return "-1"
        return "0" if push_fail[0] <= t <= push_fail[1] else "1"

    logcache_json(d / "healthwatch" / "health_check_cliCommand_push.json", t0, t1, push)
    grafana7_csv(
        d / "healthwatch" / f"canary_app_availability-data-{stamp}.csv",
        ["health.check.CanaryApp.available"],
        t0,
        t1,
        lambda t: [0 if canary_fail[0] <= t <= canary_fail[1] else 1],
    )

    def capacity(t: datetime) -> list:
        if gap[0] <= t <= gap[1]:
            return [None, None]
        if dip[0] <= t <= dip[1]:  # one AZ's cells missing until the cck brought them back
            frac = (t - dip[0]) / (dip[1] - dip[0])
            return [int(30 + 16 * frac), round(0.37 + 0.15 * frac, 2)]
        return [46 - (t.minute % 3 == 0), 0.52]

    grafana7_csv(
        d / "healthwatch" / f"diego_capacity-data-{stamp}.csv",
        ["Diego.AvailableFreeChunks", "Diego.TotalPercentageAvailableMemoryCapacity.5M"],
        t0,
        t1,
        capacity,
    )


# ---------------------------------------------------------------------------------------------------------------
# Alert e-mails (PCF Event Alerts 1.2 style, single-part QP HTML, Date in UTC) and a Korean relay copy
def event_alert_mail(
    level: str, alert: str, metric: str, job: str, value: str, sent: datetime, mx_id: str, doc: str
) -> str:
    title = level.capitalize()
    html = (
        '<html>\n<body style="font-family: Helvetica, Arial, sans-serif;">\n'
        "<p>Event occurred on foundation pcf-prod and deployment cf</p>\n"
        f"<p><b>level: {level}</b></p>\n<h3>{title} Threshold Event: {alert}: {job}; pcf-prod</h3>\n"
        f"<p>The {alert} ({metric}) on this job is in the {title} threshold.</p>\n<table>\n"
        f"<tr><td><b>Value</b></td><td>{value}</td><td><b>Job</b></td><td>{job}</td></tr>\n"
        f'<tr><td><b>Metric</b></td><td colspan="3">{metric}</td></tr>\n'
        '<tr><td><b>Recommended Response Documentation</b></td><td colspan="3"><a '
        f'href="https://docs.pivotal.io/pcf-healthwatch/1-4/metrics.html#{doc}">'
        f"https://docs.pivotal.io/pcf-healthwatch/1-4/metrics.html#{doc}</a></td></tr>\n"
        "</table>\n</body>\n</html>\n"
    )
    qp = quopri.encodestring(html.encode()).decode()
    r = sent.astimezone(KST)
    rcv = lambda t: f"{t:%a}, {t.day} {t:%b %Y %H:%M:%S} +0900 (KST)"  # noqa: E731
    u = sent.astimezone(UTC)
    head = [
        "Return-Path: <pcf-event-alerts@example.co.kr>",
        "Received: from mx01.example.co.kr (mx01.example.co.kr [10.10.1.25])",
        f"\tby mail.example.co.kr (Postfix) with ESMTP id 4Q{mx_id}A1",
        f"\tfor <pcf-ops@example.co.kr>; {rcv(r + timedelta(seconds=1))}",
        "Received: from event-alerts.sys.pcf.example.co.kr (event-alerts.sys.pcf.example.co.kr [10.0.16.41])",
        f"\tby mx01.example.co.kr (Postfix) with ESMTP id 8C{mx_id}B2",
        f"\tfor <pcf-ops@example.co.kr>; {rcv(r)}",
        "From: pcf-event-alerts@example.co.kr",
        "To: pcf-ops@example.co.kr",
        f"Subject: {level} Threshold Event: {alert}: {job}; pcf-prod",
        f"Date: {u:%a, %d %b %Y %H:%M:%S} +0000",
        f"Message-ID: <{int(u.timestamp())}000000000.{mx_id.lower()}@event-alerts.sys.pcf.example.co.kr>",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=UTF-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
    ]
    return "\r\n".join(head) + "\r\n" + qp.replace("\n", "\r\n")


def b64_lines(data: bytes) -> str:
    import base64

    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i : i + 76] for i in range(0, len(s), 76))


def relay_mail_ko(subject: str, sent: datetime, fired: datetime, body_lines: list[str], msgid: str) -> str:
    """The operators' relay (JavaMail): Korean UTF-8 subject as folded RFC 2047 B-words, multipart/alternative
    base64 parts, `Date` with +0900 (KST), `X-Alert-Status: FIRING`; the body states the firing time."""
    from email.header import Header

    subj = Header(subject, "utf-8", maxlinelen=76).encode(linesep="\r\n")
    frm = Header("PCF 모니터링", "utf-8").encode()
    to = Header("PCF 운영팀", "utf-8").encode()
    text = "\r\n".join(
        [
            "[경보 발생 - FIRING]",
            f"- 발생 시각: {fired.astimezone(KST):%Y-%m-%d %H:%M:%S} (KST)",
            *body_lines,
            "",
            "본 메일은 PCF Event Alerts webhook 을 받아 운영 모니터링 릴레이가 자동 발송한 메일입니다.",
            "",
        ]
    )
    html = (
        '<html><body><pre style="font-family:monospace">'
        + text.replace("\r\n", "\n")
        + "</pre></body></html>\n"
    )
    r = sent.astimezone(KST)
    ms = int(sent.timestamp() * 1000) + 330
    boundary = f"----=_Part_{msgid}_{ms}"
    out = [
        "Return-Path: <pcf-monitor@example.co.kr>",
        "Received: from relay01.example.co.kr (relay01.example.co.kr [10.10.3.17])",
        "\tby mail.example.co.kr (Postfix) with ESMTP id 4R2C3",
        f"\tfor <pcf-ops@example.co.kr>; {r + timedelta(seconds=2):%a, }{r.day}{r + timedelta(seconds=2): %b %Y %H:%M:%S} +0900 (KST)",
        f"Date: {r:%a, }{r.day}{r: %b %Y %H:%M:%S} +0900 (KST)",
        f"From: {frm} <pcf-monitor@example.co.kr>",
        f"To: {to} <pcf-ops@example.co.kr>",
        f"Message-ID: <{msgid}.{ms}@relay01.example.co.kr>",
        f"Subject: {subj}",
        "MIME-Version: 1.0",
        "Content-Type: multipart/alternative; ",
        f'\tboundary="{boundary}"',
        "X-Mailer: ops-alert-relay/2.3 (JavaMail)",
        "X-Alert-Status: FIRING",
        "X-Alert-Source: pcf-event-alerts",
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
        "",
        b64_lines(text.encode()),
        f"--{boundary}",
        "Content-Type: text/html; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
        "",
        b64_lines(html.encode()),
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(out)


def gen_mail() -> dict:
    m1 = D1 / "mail"
    w1 = datetime(2019, 1, 3, 1, 51, 5, tzinfo=UTC)
    h1 = datetime(2019, 1, 3, 2, 17, 31, tzinfo=UTC)
    write(
        m1 / "04_event-alerts_warning_cell_memory_1051.eml",
        event_alert_mail(
            "WARNING",
            "Cell Memory Available",
            "Diego.TotalPercentageAvailableMemoryCapacity.5M",
            "diego_cell",
            "0.37",
            w1,
            "7bC",
            "diego-memory",
        ),
    )
    write(
        m1 / "05_event-alerts_healthy_cell_memory_1117.eml",
        event_alert_mail(
            "HEALTHY",
            "Cell Memory Available",
            "Diego.TotalPercentageAvailableMemoryCapacity.5M",
            "diego_cell",
            "0.52",
            h1,
            "9dE",
            "diego-memory",
        ),
    )
    m2 = D2 / "mail"
    c2 = datetime(2019, 1, 3, 6, 44, 12, tzinfo=UTC)
    write(
        m2 / "01_event-alerts_critical_cf_push_1544.eml",
        event_alert_mail(
            "CRITICAL",
            "Can CF Push",
            "health.check.cliCommand.push",
            "cf-health-check",
            "0",
            c2,
            "3aF",
            "cli-push",
        ),
    )
    write(
        m2 / "02_relay_ko_critical_cf_push_1544.eml",
        relay_mail_ko(
            "[PCF 경보][CRITICAL] cf push 실패 (Can CF Push) - pcf-prod",
            kst(15, 44, 50),
            c2,
            [
                "- 등급: CRITICAL",
                "- 대상: pcf-prod / cf / cf-health-check",
                "- 지표: health.check.cliCommand.push (Can CF Push)",
                "- 현재값: 0 (임계치 INEQUALITY 0, 평가 구간 10분)",
                "- 원본 제목: CRITICAL Threshold Event: Can CF Push: cf-health-check; pcf-prod",
            ],
            "5120",
        ),
    )
    h2 = datetime(2019, 1, 3, 7, 23, 12, tzinfo=UTC)
    write(
        m2 / "03_event-alerts_healthy_cf_push_1623.eml",
        event_alert_mail(
            "HEALTHY",
            "Can CF Push",
            "health.check.cliCommand.push",
            "cf-health-check",
            "1",
            h2,
            "5eD",
            "cli-push",
        ),
    )
    return {
        "d1_warning": w1,
        "d1_healthy": h1,
        "d2_critical": c2,
        "d2_relay": kst(15, 44, 50),
        "d2_healthy": h2,
    }


# ---------------------------------------------------------------------------------------------------------------
# FACTS.md: the ground truth, read back from the final files (generated and copied alike), with file:line
@dataclass
class Obs:
    cap: str
    ts: datetime
    ok: bool
    file: str
    line: int
    detail: str


DATE_C = re.compile(r"([A-Z][a-z]{2}) ([A-Z][a-z]{2}) +(\d+) (\d\d):(\d\d):(\d\d) KST (\d{4})")


def parse_date_c(s: str) -> datetime:
    m = DATE_C.search(s)
    assert m, s
    return datetime.strptime(f"{m[2]} {m[3]} {m[4]}:{m[5]}:{m[6]} {m[7]}", "%b %d %H:%M:%S %Y").replace(
        tzinfo=KST
    )


def lines_of(path: Path) -> list[str]:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return [ln.rstrip("\r") for ln in data.decode().split("\n")]


def obs_push(d: Path, rel: str) -> list[Obs]:
    """push probe: one observation per run, at its `===== date =====` line; ok when `exit code: 0`."""
    out, cur = [], None
    for n, ln in enumerate(lines_of(d / rel), 1):
        if ln.startswith("===== "):
            cur = (parse_date_c(ln), n)
        elif ln.startswith("exit code: ") and cur:
            out.append(Obs("cf_push", cur[0], ln == "exit code: 0", rel, cur[1], ln))
            cur = None
    return out


def obs_login(d: Path, rel: str) -> list[Obs]:
    """login probe (ts-prefixed): one observation per run, at its `##### date ... #####` line."""
    out, cur = [], None
    for n, ln in enumerate(lines_of(d / rel), 1):
        if "##### " in ln and "cf login probe" in ln:
            cur = (parse_date_c(ln.split("#####")[1]), n)
        elif ln.endswith(("cf login exit=0", "cf login exit=1")) and cur:
            out.append(Obs("cf_login", cur[0], ln.endswith("=0"), rel, cur[1], ln[16:]))
            cur = None
    return out


def obs_curl(d: Path, rel: str) -> list[Obs]:
    """cf curl /v2/info probe: one observation per run, at the line printed by `date`; a router 502 body fails."""
    out, cur, ls = [], None, lines_of(d / rel)
    for n, ln in enumerate(ls, 1):
        if DATE_C.fullmatch(ln):
            cur = (parse_date_c(ln), n)
        elif cur and n == cur[1] + 2:
            out.append(Obs("cf_api", cur[0], ln == "{", rel, cur[1], ln))
    return out


RTR = re.compile(r"^\s+(\S+) \[RTR/\d+\] OUT \S+ - \[[^\]]+\] \"[^\"]+\" (\d{3}) ")


def obs_rtr(d: Path, rel: str) -> list[Obs]:
    """cf logs: one observation per RTR access-log line (envelope time); status >= 500 fails."""
    out = []
    for n, ln in enumerate(lines_of(d / rel), 1):
        m = RTR.match(ln)
        if m:
            t = datetime.strptime(m[1], "%Y-%m-%dT%H:%M:%S.%f%z")
            out.append(Obs("app_traffic", t, int(m[2]) < 500, rel, n, f"HTTP {m[2]}"))
    return out


def obs_logcache(d: Path, rel: str, cap: str) -> list[Obs]:
    """Log Cache query_range: one observation per sample; "-1" (the check did not run) is no observation."""
    out = []
    for n, ln in enumerate(lines_of(d / rel), 1):
        m = re.match(r'^\s+\[(\d+), "(-?\d+)"\],?$', ln)
        if m and m[2] != "-1":
            out.append(Obs(cap, datetime.fromtimestamp(int(m[1]), UTC), m[2] == "1", rel, n, f"value {m[2]}"))
    return out


def obs_grafana(d: Path, rel: str, cap: str) -> list[Obs]:
    out = []
    for n, ln in enumerate(lines_of(d / rel), 1):
        m = re.match(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d+)$", ln)
        if m:
            t = datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST)
            out.append(Obs(cap, t, m[2] == "1", rel, n, f"value {m[2]}"))
    return out


@dataclass
class Outage:
    cap: str
    start: datetime
    end: datetime | None
    start_ev: str
    end_ev: str
    last_fail: datetime
    failures: int


def source_outages(obs: list[Obs]) -> list[Outage]:
    """CONTRACT §4, per source: starts at a failure after a pass (or at the start of the data), ends at the first
    pass after it; one still failing at the end stays open."""
    out: list[Outage] = []
    cur: Outage | None = None
    for o in sorted(obs, key=lambda o: (o.ts, o.line)):
        if not o.ok:
            if cur is None:
                cur = Outage(o.cap, o.ts, None, f"{o.file}:{o.line}", "", o.ts, 0)
            cur.last_fail = o.ts
            cur.failures += 1
        elif cur is not None:
            cur.end, cur.end_ev = o.ts, f"{o.file}:{o.line}"
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return out


def union(outs: list[Outage]) -> list[Outage]:
    """The capability's outages: union of its sources' closed outages (overlapping or touching ones merge)."""
    merged: list[Outage] = []
    for o in sorted(outs, key=lambda o: o.start):
        assert o.end is not None, f"open outage {o}"
        if merged and o.start <= merged[-1].end:
            m = merged[-1]
            if o.end > m.end:
                m.end, m.end_ev = o.end, o.end_ev
            m.last_fail = max(m.last_fail, o.last_fail)
            m.failures += o.failures
        else:
            merged.append(Outage(o.cap, o.start, o.end, o.start_ev, o.end_ev, o.last_fail, o.failures))
    return merged


def secs(d: timedelta) -> str:
    """Seconds as DuckDB would show a DOUBLE: whole numbers without a fraction."""
    v = round(d.total_seconds(), 6)
    return str(int(v)) if v == int(v) else f"{v:g}"


def fmt(t: datetime) -> str:
    """`10:25:00 / 01:25:00Z` (KST / UTC), fractions kept when the source has them."""
    k, u = t.astimezone(KST), t.astimezone(UTC)
    frac = f".{t.microsecond:06d}".rstrip("0") if t.microsecond else ""
    return f"{k:%H:%M:%S}{frac} / {u:%H:%M:%S}{frac}Z"


def find_line(d: Path, rel: str, needle: str, start: int = 1) -> int:
    for n, ln in enumerate(lines_of(d / rel), 1):
        if n >= start and needle in ln:
            return n
    raise KeyError(f"{rel}: {needle!r}")


def mail_date(d: Path, rel: str) -> tuple[datetime, int]:
    from email.utils import parsedate_to_datetime

    for n, ln in enumerate(lines_of(d / rel), 1):
        if ln.startswith("Date: "):
            return parsedate_to_datetime(ln[6:].replace(" (KST)", "")), n
    raise KeyError(rel)


# (drill folder, task id) -> the task's end as its debug log records it (`Task took ...` record, microseconds)
DEBUG_TASK_END = {("2019-01-03-az1", 1234): datetime(2019, 1, 3, 2, 17, 7, 692221, tzinfo=UTC)}


def task_rows(d: Path) -> list[tuple[int, str, datetime, datetime, int]]:
    """(task id, description, started, ended, line) from the `bosh tasks --recent --all` capture."""
    rel = "bosh/tasks_recent_all.txt"
    ls = lines_of(d / rel)
    head = ls[2]
    cols = [
        head.index(h)
        for h in (
            "ID",
            "State",
            "Started At",
            "Last Activity At",
            "User",
            "Deployment",
            "Description",
            "Result",
        )
    ]
    out = []
    for n, ln in enumerate(ls[3:], 4):
        if not ln.strip():
            break
        c = [ln[a:b].strip() for a, b in zip(cols, [*cols[1:], None], strict=True)]
        p = lambda s: datetime.strptime(" ".join(s.split()), "%a %b %d %H:%M:%S UTC %Y").replace(tzinfo=UTC)  # noqa: E731
        out.append((int(c[0]), c[6], p(c[2]), p(c[3]), n))
    return out


def mail_alert(d: Path, rel: str) -> dict:
    """Date header (and its line), the firing time the body states (relay mails), the first Received hop (the
    bottom-most header), subject and kind."""
    import email
    import email.policy
    import email.utils

    msg = email.message_from_bytes((d / rel).read_bytes(), policy=email.policy.default)
    date_t, date_n = mail_date(d, rel)
    body = msg.get_body(preferencelist=("plain", "html")).get_content()
    m = re.search(r"발생 시각: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \(KST\)", body)
    stated = datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST) if m else None
    subj = str(msg["subject"])
    kind = "notification" if re.match(r"^(FW|Fwd|RE|Re|전달|회신):", subj) else "alert"
    state = "resolved" if subj.startswith("HEALTHY") else "firing"
    hops = msg.get_all("received") or []
    received = email.utils.parsedate_to_datetime(str(hops[-1]).rsplit(";", 1)[1].strip()) if hops else None
    return {
        "rel": rel,
        "date": date_t,
        "date_line": date_n,
        "received": received,
        "stated": stated,
        "ts": stated or date_t,
        "subject": subj,
        "kind": kind,
        "state": state,
        "message_id": str(msg["message-id"]),
    }


def drill_section(
    d: Path,
    title: str,
    injected: datetime,
    sources: list[list[Obs]],
    moments: list[tuple],
    vm_snaps: list[tuple],
    scan: list[tuple],
    apply_: list[tuple],
    notes_rows: list[tuple],
    comments: list[str],
) -> tuple[str, dict]:
    """The Markdown section of one drill and its headline figures."""
    md = [f"## {d.name}: {title}", ""]
    inj_line = find_line(d, "drill.toml", "injected_at")
    md += [
        "### Key instants (KST / UTC)",
        "",
        "| what | KST / UTC | evidence (file:line) |",
        "|---|---|---|",
        f"| injection (drill.toml `injected_at`) | {fmt(injected)} | drill.toml:{inj_line} |",
    ]
    for what, t, ev in moments:
        md.append(f"| {what} | {fmt(t)} | {ev} |")
    md += [
        "",
        "### VM snapshots (`bosh vms`, time from the operator's `date` line, line 1 of each file)",
        "",
        "| file | date line (KST / UTC) | task | `unresponsive agent` | not `running` |",
        "|---|---|---|---|---|",
    ]
    for rel in vm_snaps:
        ls = lines_of(d / rel)
        t = parse_date_c(ls[0])
        task = next(ln for ln in ls if ln.startswith("Task ")).split()[1].rstrip(".")
        states = [ln for ln in ls if "  az" in ln and ln.split("  ")[0].count("/") == 1]
        unresp = sum("  unresponsive agent  " in ln for ln in states)
        notrun = sum(not re.search(r"\s{2}running\s{2}", ln) for ln in states)
        md.append(f"| `{rel}` | {fmt(t)} | {task} | {unresp} | {notrun} |")
    md += [
        "",
        "### cck tasks (started / ended)",
        "",
        "| task | source | started | ended | evidence |",
        "|---|---|---|---|---|",
    ]
    for task, src, a, b, ev in scan + apply_:
        md.append(f"| {task} | {src} | {fmt(a)} | {fmt(b)} | {ev} |")

    # probes per source
    md += [
        "",
        "### Probes per capability and source",
        "",
        "| capability | source | observations | first failure ≥ injection | last failure | first OK after |",
        "|---|---|---|---|---|---|",
    ]
    per_cap: dict[str, list[Outage]] = {}
    for obs in sources:
        f, cap = obs[0].file, obs[0].cap
        fails = [o for o in obs if not o.ok and o.ts >= injected]
        ff = min(fails, key=lambda o: (o.ts, o.line))
        lf = max(fails, key=lambda o: (o.ts, o.line))
        ok = min((o for o in obs if o.ok and o.ts > lf.ts), key=lambda o: (o.ts, o.line))
        md.append(
            f"| {cap} | `{f}` | {len(obs)} ({sum(not o.ok for o in obs)} failed) | {fmt(ff.ts)} :{ff.line} "
            f"| {fmt(lf.ts)} :{lf.line} | {fmt(ok.ts)} :{ok.line} |"
        )
        per_cap.setdefault(cap, []).extend(source_outages(obs))
    caps = {c: union(v) for c, v in sorted(per_cap.items())}
    md += [
        "",
        "### Expected outages (CONTRACT §4: per source, then the union per capability)",
        "",
        "| capability | # | started | ended | duration_s | start evidence | end evidence |",
        "|---|---|---|---|---|---|---|",
    ]
    for cap, outs in caps.items():
        for k, o in enumerate(outs, 1):
            md.append(
                f"| {cap} | {k} | {fmt(o.start)} | {fmt(o.end)} | {secs(o.end - o.start)} "
                f"| {o.start_ev} | {o.end_ev} |"
            )
    md += ["", "| capability | outages | downtime_s |", "|---|---|---|"]
    for cap, outs in caps.items():
        md.append(f"| {cap} | {len(outs)} | {secs(sum((o.end - o.start for o in outs), timedelta()))} |")

    # alerts
    mails = [mail_alert(d, str(p.relative_to(d))) for p in sorted((d / "mail").glob("*.eml"))]
    md += [
        "",
        "### Alert mails",
        "",
        "| file | kind / state | Date header (line) | first Received hop | firing time stated in the body | alert ts |",
        "|---|---|---|---|---|---|",
    ]
    for m in mails:
        md.append(
            f"| `{m['rel']}` | {m['kind']} / {m['state'] if m['kind'] == 'alert' else '-'} "
            f"| {fmt(m['date'])} (:{m['date_line']}) | {fmt(m['received']) if m['received'] else '-'} "
            f"| {fmt(m['stated']) if m['stated'] else '-'} | {fmt(m['ts'])} |"
        )
    firing = [m for m in mails if m["kind"] == "alert" and m["state"] == "firing" and m["ts"] >= injected]
    # ties (a relay of the same alert): the mail that reached a mail server first (sql/models/drill_metrics.sql)
    det = min(firing, key=lambda m: (m["ts"], m["received"] or m["date"], m["rel"]))
    notified = det["received"] or det["date"]

    # recovery
    tasks = task_rows(d)
    after = [t for t in tasks if t[2] >= injected]
    # read-only look-ups (bosh vms / logs / ssh) are no recovery action (sql/models/drill_recovery.sql)
    actions = [t for t in after if t[1] not in ("retrieve vm-stats", "fetch logs") and not t[1].startswith("ssh")]
    last_task = max(actions, key=lambda t: (t[3], t[0]))
    # the debug log of the same task gives its end to the microsecond, later than the listing's whole second
    precise = DEBUG_TASK_END.get((d.name, last_task[0]))
    if precise is not None and precise > last_task[3]:
        last_task = (last_task[0], last_task[1], last_task[2], precise, last_task[4], "bosh/task_1234_debug.log.gz:357")
    last_out = max((o for v in caps.values() for o in v), key=lambda o: o.end)
    recovered = max(last_task[3], last_out.end)
    task_ev = last_task[5] if len(last_task) > 5 else f"bosh/tasks_recent_all.txt:{last_task[4]}"
    rec_ev = f"{task_ev} (task {last_task[0]} {last_task[1]})" if recovered == last_task[3] else last_out.end_ev
    md += [
        "",
        "### BOSH tasks started at or after injected_at (`bosh/tasks_recent_all.txt`)",
        "",
        "| task | description | started | ended | line |",
        "|---|---|---|---|---|",
    ]
    for t in sorted(after):
        md.append(f"| {t[0]} | {t[1]} | {fmt(t[2])} | {fmt(t[3])} | {t[4]} |")
    ttd = int((det["ts"] - injected).total_seconds())
    ttn = int((notified - injected).total_seconds())
    ttr = (recovered - injected).total_seconds()
    ttr = int(ttr) if ttr == int(ttr) else ttr
    md += [
        "",
        "### Drill metrics (expected)",
        "",
        "| metric | value | evidence |",
        "|---|---|---|",
        f"| injected_at | {fmt(injected)} (manifest) | drill.toml:{inj_line} |",
        f"| detected_at | {fmt(det['ts'])} | {det['rel']} (Date header line {det['date_line']}) |",
        f"| end of the last closed outage | {fmt(last_out.end)} ({last_out.cap}) | {last_out.end_ev} |",
        f"| end of the last BOSH task (not a look-up) started ≥ injected_at | {fmt(last_task[3])} (task {last_task[0]}, "
        f"{last_task[1]}) | {task_ev} |",
        f"| recovered_at (inferred) | {fmt(recovered)} | {rec_ev} |",
        f"| notified_at (the detecting mail's first Received hop, else its Date) | {fmt(notified)} | {det['rel']} |",
        f"| ttd_s | {ttd} | |",
        f"| ttn_s | {ttn} | |",
        f"| ttr_s | {ttr} | |",
        "",
    ]
    md += [
        "### Operator notes (`notes.md`, read in Asia/Seoul)",
        "",
        "| line | note | KST / UTC |",
        "|---|---|---|",
    ]
    for n, text, t in notes_rows:
        md.append(f"| {n} | {text} | {fmt(t) if t else '(no time)'} |")
    md += [""] + comments + [""]
    return "\n".join(md), {
        "detected": det["ts"],
        "notified": notified,
        "recovered": recovered,
        "ttd": ttd,
        "ttn": ttn,
        "ttr": ttr,
    }


def notes_rows(d: Path, pm: bool) -> list[tuple]:
    out = []
    for n, ln in enumerate(lines_of(d / "notes.md"), 1):
        m = re.search(r"(\d+)시 (\d+)분", ln)
        t = None
        if m:
            h = int(m[1]) + (12 if pm and int(m[1]) < 12 else 0)
            t = kst(h, int(m[2]))
        if ln.strip():
            out.append((n, ln.strip().lstrip("- ").replace("|", "\\|"), t))
    return out


def write_facts() -> None:
    u = lambda h, m, s, us=0: datetime(2019, 1, 3, h, m, s, us, tzinfo=UTC)  # noqa: E731
    # drill 1
    hm = "bosh/health_monitor.log"
    hm_first = find_line(D1, hm, "[ALERT] Alert @ 2019-01-03 01:26:14 UTC, severity 2")
    hm_meltdown = find_line(D1, hm, "severity 1: Skipping resurrection")
    ev_rows = [
        (int(ln[:5]), n)
        for n, ln in enumerate(lines_of(D1 / "bosh/events_0126.txt"), 1)
        if re.match(r"^\d{5}  ", ln)
    ]
    ev_id, ev_first = min(ev_rows)
    dbg_took = "bosh/task_1234_debug.log.gz (decompressed line 357, `Task took 25 minutes 39.36 seconds`)"
    s1, f1 = drill_section(
        D1,
        "AZ1 power-off (1st run)",
        kst(10, 25),
        [
            obs_push(D1, "cf/push_probe.log"),
            obs_logcache(D1, "healthwatch/health_check_cliCommand_push.json", "cf_push"),
            obs_login(D1, "cf/login_probe.log"),
            obs_rtr(D1, "cf/logs_order-api_recent.txt"),
            obs_grafana(
                D1, "healthwatch/canary_app_availability-data-2019-01-03_11_31_20.csv", "apps_manager"
            ),
        ],
        [
            (
                "first HM alert `has timed out` (severity 2; 16 per analysis pass)",
                u(1, 26, 14, 4405),
                f"{hm}:{hm_first}",
            ),
            (
                "first HM meltdown alert (`Skipping resurrection`, 10 of 48 unhealthy = 20.8%)",
                u(1, 26, 14),
                f"{hm}:{hm_meltdown}",
            ),
            (
                f"first `bosh events` alert (create alert, id {ev_id}; 32 events in 01:26:00-01:27:00)",
                u(1, 26, 14),
                f"bosh/events_0126.txt:{ev_first}",
            ),
            (
                "Healthwatch aggregate series gap (Diego.*): first missing / last missing row",
                kst(10, 30),
                f"healthwatch/diego_capacity-data-2019-01-03_11_31_20.csv:{find_line(D1, 'healthwatch/diego_capacity-data-2019-01-03_11_31_20.csv', '2019-01-03 10:30:00,,')}"
                f"-{find_line(D1, 'healthwatch/diego_capacity-data-2019-01-03_11_31_20.csv', '2019-01-03 10:50:00,,')} (10:30-10:50, 21 rows)",
            ),
            ("cck scan task 1233 started (bosh tasks)", u(1, 51, 2), "bosh/tasks_recent_all.txt:6"),
            ("cck apply task 1234 ended (debug log, µs)", u(2, 17, 7, 692221), dbg_took),
        ],
        ["bosh/vms_before_1020.txt", "bosh/vms_during_1040.txt", "bosh/vms_after_1119.txt"],
        [
            ("1233 scan cloud", "`bosh tasks`", u(1, 51, 2), u(1, 51, 25), "bosh/tasks_recent_all.txt:6"),
            (
                "1233 scan cloud",
                "cck console footer / event JSON",
                u(1, 51, 3),
                u(1, 51, 24),
                f"bosh/cck_console.txt:{find_line(D1, 'bosh/cck_console.txt', 'Task 1233 Started')}-"
                f"{find_line(D1, 'bosh/cck_console.txt', 'Task 1233 Finished')}; bosh/task_1233_event.jsonl:1,8",
            ),
        ],
        [
            (
                "1234 apply resolutions",
                "`bosh tasks`",
                u(1, 51, 28),
                u(2, 17, 7),
                "bosh/tasks_recent_all.txt:5",
            ),
            (
                "1234 apply resolutions",
                "cck console footer / event JSON",
                u(1, 51, 28),
                u(2, 17, 7),
                f"bosh/cck_console.txt:{find_line(D1, 'bosh/cck_console.txt', 'Task 1234 Started')}-"
                f"{find_line(D1, 'bosh/cck_console.txt', 'Task 1234 Finished')}; bosh/task_1234_event.jsonl:1,32",
            ),
            (
                "1234 apply resolutions",
                "debug log (job runner)",
                u(1, 51, 28, 323258),
                u(2, 17, 7, 692221),
                dbg_took,
            ),
        ],
        notes_rows(D1, pm=False),
        [
            "Notes on drill 1:",
            "- 16 reboots in task 1234, sequential, 86-103 s each (mean 96.1 s); every az1 agent answers `pong` at the end "
            "of its reboot (debug log `RECEIVED ... pong`).",
            "- HM alerts (health_monitor.log, bosh events) are BOSH `events`, not `alerts` rows: detected_at comes from the "
            "first alert mail. If HM `[ALERT]` lines were ever counted as alerts, detected_at would be 10:26:14 KST "
            "(ttd_s 74).",
            "- recovered_at: the last BOSH task started after injected_at that is not a read-only look-up is the "
            "apply task 1234: 02:17:07Z in the `bosh tasks` listing, 02:17:07.692221Z in its debug log (the later, "
            "precise one wins). The `retrieve vm-stats` task 1235 behind the 11:19 `bosh vms` snapshot (02:19:43Z, "
            "tasks_recent_all.txt:4) is a look-up and does not count.",
            "- cf/push_probe.log and cf/login_probe.log: a run's time is its header line (`===== date =====`, "
            "`##### date cf login probe #####`); a login's FAILED line can be later (10:33:22 run fails at 10:33:37).",
            "- Healthwatch push check: `-1` (did not run) at 10:35 and 10:36 is no observation.",
            "- `bosh/vms_during_1040.txt`: 16 `unresponsive agent` (az1) + 1 `failing` (loggregator_trafficcontroller, az3).",
        ],
    )
    # drill 2
    cck2 = lines_of(D2 / "bosh" / "cck_console.txt")
    apply_end = next(parse_unixdate_line(x) for x in cck2 if x.startswith("Task 1244 Finished"))
    s2, f2 = drill_section(
        D2,
        "AZ2 shutdown (2nd run)",
        kst(15, 41),
        [
            obs_push(D2, "cf/push_probe.log"),
            obs_logcache(D2, "healthwatch/health_check_cliCommand_push.json", "cf_push"),
            obs_login(D2, "cf/login_probe.log"),
            obs_curl(D2, "cf/curl_v2_info_probe.log"),
            obs_grafana(
                D2, "healthwatch/canary_app_availability-data-2019-01-03_16_41_05.csv", "apps_manager"
            ),
        ],
        [
            (
                "Healthwatch aggregate series gap (Diego.*): first missing / last missing row",
                kst(15, 52),
                f"healthwatch/diego_capacity-data-2019-01-03_16_41_05.csv:{find_line(D2, 'healthwatch/diego_capacity-data-2019-01-03_16_41_05.csv', '2019-01-03 15:52:00,,')}"
                f"-{find_line(D2, 'healthwatch/diego_capacity-data-2019-01-03_16_41_05.csv', '2019-01-03 16:05:00,,')} (15:52-16:05, 14 rows)",
            ),
            (
                "deployment lock held by task 1241 (fetch logs): acquire",
                u(6, 55, 47),
                f"bosh/events_locks.txt:{find_line(D2, 'bosh/events_locks.txt', '06:55:47')}",
            ),
            (
                "HM `scan and fix` task 1242 fails: `Unable to get deployment lock`",
                u(7, 1, 14),
                f"bosh/tasks_recent_all.txt:{find_line(D2, 'bosh/tasks_recent_all.txt', '1242  error')}",
            ),
            (
                "deployment lock released by task 1241",
                u(7, 8, 12),
                f"bosh/events_locks.txt:{find_line(D2, 'bosh/events_locks.txt', '07:08:12')}",
            ),
        ],
        ["bosh/vms_before_1536.txt", "bosh/vms_during_1547.txt", "bosh/vms_during_1555.txt"],
        [
            (
                "1243 scan cloud",
                "`bosh tasks`",
                u(7, 9, 2),
                u(7, 9, 25),
                f"bosh/tasks_recent_all.txt:{find_line(D2, 'bosh/tasks_recent_all.txt', '1243  done')}",
            ),
            ("1243 scan cloud", "cck console footer", u(7, 9, 3), u(7, 9, 24), "bosh/cck_console.txt:12-13"),
        ],
        [
            (
                "1244 apply resolutions",
                "`bosh tasks`",
                u(7, 9, 28),
                apply_end,
                f"bosh/tasks_recent_all.txt:{find_line(D2, 'bosh/tasks_recent_all.txt', '1244  done')}",
            ),
            (
                "1244 apply resolutions",
                "cck console footer / event JSON",
                u(7, 9, 28),
                apply_end,
                f"bosh/cck_console.txt:{find_line(D2, 'bosh/cck_console.txt', 'Task 1244 Started')}-"
                f"{find_line(D2, 'bosh/cck_console.txt', 'Task 1244 Finished')}; bosh/task_1244_event.jsonl:1,32",
            ),
        ],
        notes_rows(D2, pm=True),
        [
            "Notes on drill 2:",
            "- notes.md uses a 12-hour clock (`3시 41분` = 15:41 KST, `4시 35분` = 16:35 KST); lines 1, 5, 8 and 10 carry "
            "no time of their own (line 9 `4시 09분` stands alone and line 10 is the command run then), as in the write-up.",
            "- `bosh/vms_during_1547.txt`: 16 `unresponsive agent` (az2) + cloud_controller/573f0be2 (az3) `failing`; "
            "at 15:55 it is `running` again (16 not running).",
            "- No `bosh vms` ran after the cck, so the apply task 1244 is the last task: recovered_at = its end under any "
            "reading of the rule.",
            "- cf/curl_v2_info_probe.log: a run's time is the line printed by `date`; a gorouter 502 body (exit 0) is a "
            "failure.",
            "- Healthwatch push check: `-1` at 15:58 and 15:59 is no observation.",
        ],
    )
    head = [
        "# Ground truth of the sample drills",
        "",
        "Generated by `data/make_samples.py` from the files themselves (line numbers are 1-based physical lines; "
        "times are KST = UTC+9 / UTC). The BOSH CLI and director print UTC; `date` lines, ts prefixes, Grafana CSV "
        "and notes are KST wall clock; Log Cache JSON is epoch seconds; mail `Date` carries its offset.",
        "",
        "Assumed mapping of probes to capabilities: push runs and the Healthwatch `cliCommand.push` check -> "
        "`cf_push`; login runs -> `cf_login`; `cf curl /v2/info` runs -> `cf_api`; RTR access-log lines -> "
        "`app_traffic` (HTTP >= 500 fails); Healthwatch canary (`health.check.CanaryApp.available`, the Apps Manager "
        "canary) -> `apps_manager`. Healthwatch `Diego.*` series are metrics only: their gap is missing data, not a "
        "failure.",
        "",
        "Line conventions: a probe run is cited at the line that carries its time (the `===== date =====` header of "
        "a push run, the `##### date cf login probe #####` line of a login run, the line printed by `date` before a "
        "`cf curl`); the cf_cli parser (checked on 2019-01-03) cites the next line (the first line of the command's "
        "output or the command line), i.e. +1. A mail is cited here at its `Date:` header; the email parser cites "
        "line 1 (the message). When two sources end an outage at the same instant, either may be cited as the end "
        "evidence (drill 1 cf_push: the Healthwatch sample and the push run both end it at 10:43:00).",
        "",
        "| drill | injected_at | detected_at | notified_at | recovered_at | ttd_s | ttn_s | ttr_s |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {name} | {fmt(inj)} | {fmt(f['detected'])} | {fmt(f['notified'])} | {fmt(f['recovered'])} "
            f"| {f['ttd']} | {f['ttn']} | {f['ttr']} |"
            for name, inj, f in (("2019-01-03-az1", kst(10, 25), f1), ("2019-01-03-az2", kst(15, 41), f2))
        ),
        "",
    ]
    write(ROOT.parent / "SAMPLES.md", "\n".join(head) + "\n" + s1 + "\n" + s2)


def parse_unixdate_line(s: str) -> datetime:
    m = re.search(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}", s)
    return datetime.strptime(" ".join(m[0].split()), "%a %b %d %H:%M:%S UTC %Y").replace(tzinfo=UTC)


if __name__ == "__main__":
    gen_bosh_az2()
    gen_push_az2()
    gen_login_az2()
    gen_curl_az2()
    gen_cf_logs_az1()
    gen_healthwatch(
        D1,
        kst(10, 0),
        kst(11, 30),
        (kst(10, 29), kst(10, 42)),
        {kst(10, 35), kst(10, 36)},
        (kst(10, 26), kst(10, 44)),
        (kst(10, 30), kst(10, 50)),
        (kst(10, 51), kst(11, 17)),
        "2019-01-03_11_31_20",
    )
    gen_healthwatch(
        D2,
        kst(15, 30),
        kst(16, 40),
        (kst(15, 42), kst(16, 20)),
        {kst(15, 58), kst(15, 59)},
        (kst(15, 42), kst(15, 42)),
        (kst(15, 52), kst(16, 5)),
        (kst(16, 6), kst(16, 35)),
        "2019-01-03_16_41_05",
    )
    gen_mail()
    write_facts()
