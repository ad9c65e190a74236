"""A BOSH director task debug log shaped like a real one, for the benchmark.

Real director logs are not repetitive: every line carries its own ids (request UUIDs, NATS reply subjects,
`cpi-N` request ids, Sequel connection numbers, durations, `+0000` SQL literals). This generator writes a
deploy-sized log of that kind from the layouts of docs/formats/bosh.md §3 (ThreadFormatter head, Sequel `(0.000347s)
(conn: N)` SQL, NATS `SENT`/`RECEIVED` ping/get_state, external CPI request/response with the CPI's stderr,
lock renewal, 30 s checkpoints, stage INFO lines, task lifecycle), with about 1 % multi-line records:
CPI responses carrying stderr, `event_output` appends, ERROR records with a backtrace, a RECEIVED exception
with its backtrace, a multi-line INSERT and a pretty-printed manifest diff. Seeded: the same size gives the
same file.

    .venv/bin/python bench/realistic.py /tmp/debug.log 512     # MiB
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from random import Random

DEPLOYMENT = "cf-54c9c2f906b6aba996cd"
JOBS = [
    ("diego_cell", 12), ("router", 3), ("nats", 2), ("diego_brain", 3), ("cloud_controller", 2),
    ("uaa", 2), ("doppler", 4), ("mysql", 3), ("diego_database", 3), ("clock_global", 1),
]  # fmt: skip
TABLES = [
    "instances",
    "vms",
    "deployments",
    "tasks",
    "persistent_disks",
    "templates",
    "variable_sets",
    "events",
]
BACKTRACE = [
    "/var/vcap/packages/director/gem_home/ruby/2.4.0/gems/bosh-director-0.0.0/lib/bosh/director/agent_client.rb:{n}:in `handle_method'",
    "/var/vcap/packages/director/gem_home/ruby/2.4.0/gems/bosh-director-0.0.0/lib/bosh/director/agent_client.rb:{n}:in `send_message'",
    "/var/vcap/packages/director/gem_home/ruby/2.4.0/gems/bosh-director-0.0.0/lib/bosh/director/instance_updater/state_applier.rb:{n}:in `apply'",
    "/var/vcap/packages/director/gem_home/ruby/2.4.0/gems/bosh-director-0.0.0/lib/bosh/director/instance_updater.rb:{n}:in `block in update'",
    "/var/vcap/packages/director/gem_home/ruby/2.4.0/gems/logging-2.2.2/lib/logging/diagnostic_context.rb:{n}:in `block in create_with_logging_context'",
    "/var/vcap/packages/director/gem_home/ruby/2.4.0/gems/bosh-director-0.0.0/lib/bosh/director/deployment_plan/steps/package_compile_step.rb:{n}:in `compile_package'",
    "/var/vcap/packages/director/gem_home/ruby/2.4.0/gems/bosh_common-0.0.0/lib/common/thread_pool.rb:{n}:in `block (2 levels) in create_thread'",
]  # fmt: skip


class _Gen:
    def __init__(self, seed: int = 1) -> None:
        self.r = Random(seed)
        self.t = datetime(2019, 1, 3, 1, 51, 27)
        self.pid = 23851
        self.task = 1234
        self.conns = [47311474525240 + self.r.randrange(1 << 20) * 8 for _ in range(6)]
        self.director = self.uuid()
        self.instances = [(j, self.uuid(), i, self.uuid()) for j, n in JOBS for i in range(n)]
        self.cpi = 602364
        self.lines = 0
        self.next_renew = self.t + timedelta(seconds=120)
        self.next_checkpoint = self.t + timedelta(seconds=30)

    def uuid(self) -> str:
        h = f"{self.r.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def head(self, sev: str, thread: str, msg: str) -> str:
        self.t += timedelta(microseconds=self.r.randrange(40, 4000))
        level = {"D": "DEBUG", "I": " INFO", "W": " WARN", "E": "ERROR"}[sev]
        return f"{sev}, [{self.t:%Y-%m-%dT%H:%M:%S.%f} #{self.pid}] [{thread}] {level} -- DirectorJobRunner: {msg}\n"

    def lit(self) -> str:
        return f"'{self.t:%Y-%m-%d %H:%M:%S.%f}+0000'"

    def sql(self, thread: str, stmt: str) -> str:
        d = self.r.expovariate(1 / 0.0006)
        return self.head("D", thread, f"({d:.6f}s) (conn: {self.r.choice(self.conns)}) {stmt}")

    def thread(self) -> str:
        x = self.r.random()
        if x < 0.55:
            return f"task:{self.task}"
        if x < 0.75:
            return ""
        j, u, i, _ = self.r.choice(self.instances)
        return f"instance_update({j}/{u} ({i}))" if x < 0.93 else f"canary_update({j}/{u} ({i}))"

    # ---- record kinds ------------------------------------------------------------------------------
    def select(self, th: str) -> str:
        tb = self.r.choice(TABLES)
        k = self.r.random()
        if k < 0.5:
            return self.sql(th, f'SELECT * FROM "{tb}" WHERE ("id" = {self.r.randrange(1, 99999)}) LIMIT 1')
        if k < 0.8:
            j, u, i, _ = self.r.choice(self.instances)
            return self.sql(
                th,
                f'SELECT * FROM "{tb}" WHERE (("deployment_id" = 7) AND ("job" = \'{j}\') AND ("uuid" = \'{u}\')) '
                f'ORDER BY "index" LIMIT 1',
            )
        return self.sql(th, f'SELECT * FROM "tasks" WHERE "id" = {self.task}')

    def txn(self, th: str) -> str:
        j, u, i, a = self.r.choice(self.instances)
        stmt = self.r.choice(
            [
                f'UPDATE "instances" SET "state" = \'started\', "update_completed" = true, "spec_json" = '
                f'\'{{"deployment":"{DEPLOYMENT}","job":{{"name":"{j}"}},"index":{i},"id":"{u}","az":"az{i % 3 + 1}",'
                f'"networks":{{"default":{{"ip":"10.193.{70 + i % 4}.{self.r.randrange(2, 250)}"}}}}}}\' WHERE ("id" = {self.r.randrange(1, 400)})',
                f'UPDATE "vms" SET "agent_id" = \'{a}\', "cid" = \'vm-{self.uuid()}\', "created_at" = {self.lit()} '
                f'WHERE ("id" = {self.r.randrange(1, 400)})',
                f'INSERT INTO "events" ("parent_id", "timestamp", "user", "action", "object_type", "object_name", '
                f'"error", "task", "deployment", "instance", "context_json") VALUES (NULL, {self.lit()}, \'admin\', '
                f"'update', 'instance', '{j}/{u}', NULL, '{self.task}', '{DEPLOYMENT}', '{j}/{u}', '{{}}') RETURNING *",
            ]
        )
        return self.sql(th, "BEGIN") + self.sql(th, stmt) + self.sql(th, "COMMIT")

    def nats(self, th: str) -> str:
        j, u, i, a = self.r.choice(self.instances)
        req = self.uuid()
        subject = f"director.{self.director}.{a}.{req}"
        method = "ping" if self.r.random() < 0.8 else "get_state"
        sent = self.head(
            "D",
            th,
            f'SENT: agent.{a} {{"protocol":3,"method":"{method}","arguments":[],"reply_to":"{subject}"}}',
        )
        if method == "ping":
            value = '{"value":"pong"}'
        else:
            procs = ",".join(
                f'{{"name":"{p}","state":"running","uptime":{{"secs":{self.r.randrange(1, 99999)}}},'
                f'"mem":{{"kb":{self.r.randrange(1000, 900000)},"percent":{self.r.random() * 5:.1f}}},'
                f'"cpu":{{"total":{self.r.random() * 3:.1f}}}}}'
                for p in ("rep", "garden", "route_emitter", "metron_agent", "consul_agent")[
                    : self.r.randrange(2, 6)
                ]
            )
            value = (
                f'{{"value":{{"deployment":"{DEPLOYMENT}","job":{{"name":"{j}"}},"index":{i},"id":"{u}",'
                f'"job_state":"running","processes":[{procs}],"vm":{{"name":"vm-{self.uuid()}"}},'
                f'"agent_id":"{a}","bosh_protocol":"1"}}}}'
            )
        return sent + self.head("D", "", f"RECEIVED: {subject} {value}")

    def cpi_call(self, th: str) -> str:
        self.cpi += self.r.randrange(1, 5000)
        req = f"cpi-{self.cpi % 1000000:06d}"
        vm = f"vm-{self.uuid()}"
        method = self.r.choice(["has_vm", "set_vm_metadata", "reboot_vm", "info", "create_vm", "delete_vm"])
        out = self.head(
            "D",
            th,
            f'[external-cpi] [{req}] request: {{"method":"{method}","arguments":["{vm}"],"context":'
            f'{{"director_uuid":"{self.director}","request_id":"{req}"}},"api_version":1}} '
            f"with command: /var/vcap/jobs/vsphere_cpi/bin/cpi",
        )
        cpid = self.r.randrange(24000, 60000)
        t0 = self.t
        out += self.head(
            "D",
            th,
            f'[external-cpi] [{req}] response: {{"result":true,"error":null,"log":""}}, err: '
            f"I, [{t0:%Y-%m-%dT%H:%M:%S.%f} #{cpid}]  INFO -- [req_id {req}]: Starting {method}...",
        )
        out += f"I, [{t0:%Y-%m-%dT%H:%M:%S.%f} #{cpid}]  INFO -- [req_id {req}]: Finished {method} in {self.r.random() * 3:.2f} seconds\n"
        return out + f", exit_status: pid {cpid} exit 0\n"

    def event_output(self, th: str) -> str:
        j, u, i, _ = self.r.choice(self.instances)
        ev = (
            f'{{"time":{int(self.t.timestamp())},"stage":"Updating instance","tags":["{j}"],"total":{self.r.randrange(1, 40)},'
            f'"task":"{j}/{u} ({i})","index":{self.r.randrange(1, 40)},"state":"started","progress":0}}'
        )
        return (
            self.sql(th, f'UPDATE "tasks" SET "event_output" = ("event_output" || \'{ev}\n')
            + f'\') WHERE ("id" = {self.task})\n'
        )

    def error(self, th: str) -> str:
        j, u, i, a = self.r.choice(self.instances)
        out = self.head(
            "E",
            f"task:{self.task}",
            f"Error updating instance {j}/{u} ({i}): Timed out sending 'apply' to instance: '{j}/{u}', "
            f"agent-id: '{a}' after 45 seconds",
        )
        frames = self.r.randrange(8, 25)
        return out + "".join(
            self.r.choice(BACKTRACE).format(n=self.r.randrange(20, 400)) + "\n" for _ in range(frames)
        )

    def received_exception(self, th: str) -> str:
        _, _, _, a = self.r.choice(self.instances)
        subject = f"director.{self.director}.{a}.{self.uuid()}"
        out = self.head(
            "D",
            "",
            f'RECEIVED: {subject} {{"exception":{{"message":"Action Failed get_task: Task {self.uuid()} result: '
            f'Applying: Keeping only needed packages: Removing package directory","backtrace":"',
        )
        frames = self.r.randrange(4, 10)
        return (
            out
            + "".join(
                f"github.com/cloudfoundry/bosh-agent/agent/action.go:{self.r.randrange(20, 400)} (0x{self.r.getrandbits(24):x})\n"
                for _ in range(frames)
            )
            + '"}}\n'
        )

    def manifest_diff(self, th: str) -> str:
        j, u, i, _ = self.r.choice(self.instances)
        out = self.head("D", th, f"Instance {j}/{u} ({i}) changes:")
        keys = ["instance_groups:", f"- name: {j}", "  properties:", "    router:", "      status:",
                f"        password: {self.uuid()}", f"-       port: {self.r.randrange(1000, 9000)}",
                f"+       port: {self.r.randrange(1000, 9000)}"]  # fmt: skip
        return out + "".join(k + "\n" for k in keys)

    def multi_insert(self, th: str) -> str:
        return self.sql(
            th,
            f'INSERT INTO "local_dns_blobs" ("blob_id", "version", "created_at") VALUES ({self.r.randrange(1, 9999)}, '
            f"{self.r.randrange(1, 9999)}, {self.lit()})\nRETURNING *",
        )

    def info(self, th: str) -> str:
        j, u, i, a = self.r.choice(self.instances)
        msg = self.r.choice(
            [
                f'Updating instance {j}/{u} ({i}), changes: "configuration"',
                f"Waiting for {self.r.randrange(1, 60)}.{self.r.randrange(10)} seconds to check {j}/{u} ({i}) status",
                f"Checking if {j}/{u} ({i}) has been updated after {self.r.random() * 60:.15f} seconds",
                f"Finished updating instance {j}/{u} ({i})",
                f"Applying VM state for instance {j}/{u} ({i}), agent {a}",
            ]
        )
        return self.head("I", th, msg)

    def lock(self) -> str:
        return self.head("D", "", f"Renewing lock: lock:deployment:{DEPLOYMENT}") + self.sql(
            "",
            f'UPDATE "locks" SET "expired_at" = {self.lit()} WHERE (("name" = \'lock:deployment:{DEPLOYMENT}\') '
            f"AND (\"uid\" = '{self.uuid()}'))",
        )

    def checkpoint(self) -> str:
        th = f"task:{self.task}-checkpoint"
        return (
            self.sql(th, "BEGIN")
            + self.sql(th, f'UPDATE "tasks" SET "checkpoint_time" = {self.lit()} WHERE ("id" = {self.task})')
            + self.sql(th, "COMMIT")
        )

    def task_start(self) -> str:
        t = self.task
        self.pid = self.r.randrange(20000, 60000)
        lock = f"lock:deployment:{DEPLOYMENT}"
        return (
            f"I, [{self.t:%Y-%m-%dT%H:%M:%S.%f} #7262] [0x2ae3b3a0c8d4]  INFO -- TaskHelper: Enqueuing task: {t}\n"
            + self.head("I", "", f"Looking for task with task id {t}")
            + self.sql("", f'SELECT * FROM "tasks" WHERE "id" = {t}')
            + self.head("I", "", f"Starting task: {t}")
            + self.head("I", f"task:{t}", "Creating job")
            + self.head("I", f"task:{t}", f"Acquiring deployment lock on {DEPLOYMENT}")
            + self.head("D", f"task:{t}", f"Acquiring lock: {lock}")
            + self.head("D", f"task:{t}", f"Acquired lock: {lock}")
        )

    def task_end(self) -> str:
        t = self.task
        out = (
            self.head("D", f"task:{t}", f"Deleted lock: lock:deployment:{DEPLOYMENT} uid: {self.uuid()}")
            + self.head("I", f"task:{t}", "Done")
            + self.sql(
                f"task:{t}",
                f'UPDATE "tasks" SET "state" = \'done\', "timestamp" = {self.lit()}, "description" = \'create deployment\', '
                f"\"result\" = '/deployments/{DEPLOYMENT}', \"username\" = 'admin', \"deployment_name\" = '{DEPLOYMENT}' "
                f'WHERE ("id" = {t})',
            )
            + self.head(
                "I",
                "",
                f"Task took {self.r.randrange(1, 59)} minutes {self.r.random() * 60:.14f} seconds to process.",
            )
        )
        self.task += 1
        return out

    def chunk(self) -> str:
        """About a thousand records of one task's work."""
        out: list[str] = []
        r = self.r.random
        for _ in range(300):
            th = self.thread()
            x = r()
            if x < 0.42:
                out.append(self.select(th))
            elif x < 0.60:
                out.append(self.txn(th))
            elif x < 0.86:
                out.append(self.nats(th))
            elif x < 0.93:
                out.append(self.info(th))
            elif x < 0.985:
                out.append(self.sql(th, f'SELECT * FROM "tasks" WHERE "id" = {self.task}'))
            elif x < 0.9925:
                out.append(self.cpi_call(th))
            elif x < 0.9955:
                out.append(self.event_output(th))
            elif x < 0.9970:
                out.append(self.multi_insert(th))
            elif x < 0.9982:
                out.append(self.error(th))
            elif x < 0.9992:
                out.append(self.received_exception(th))
            else:
                out.append(self.manifest_diff(th))
            if self.t >= self.next_checkpoint:
                out.append(self.checkpoint())
                self.next_checkpoint = self.t + timedelta(seconds=30)
            if self.t >= self.next_renew:
                out.append(self.lock())
                self.next_renew = self.t + timedelta(seconds=120)
        return "".join(out)


def gen_bosh_realistic(path: Path, mb: int, seed: int = 1, task_mb: int = 48) -> None:
    """`mb` MiB of director debug log: a new task every `task_mb` MiB (lifecycle, locks, bosh_tasks rows)."""
    g = _Gen(seed)
    n = task_n = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(g.task_start())
        while n < mb << 20:
            s = g.chunk()
            out.write(s)
            n += len(s)
            task_n += len(s)
            if task_n >= task_mb << 20:
                out.write(g.task_end() + g.task_start())
                task_n = 0
        out.write(g.task_end())


if __name__ == "__main__":
    gen_bosh_realistic(Path(sys.argv[1]), int(sys.argv[2]))
