"""The real public captures of fixtures/real (index: its README.md), ingested as one folder.

A file is recognized in the right family when it, or one of its segments, is read by the parser of the
folder it sits in (the index's expected family). The goal, 95 % of files and at most 10 % of their lines
quarantined, is `test_goal_*`; `test_floor` keeps what is reached from sliding back.
"""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import FIXTURES, Lake

REAL = FIXTURES / "real"
FLOOR = 69  # files recognized in the right family today (of 69)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    tmp = tmp_path_factory.mktemp("real")
    lake = Lake(tmp)
    d = tmp / "real"
    shutil.copytree(REAL, d, ignore=shutil.ignore_patterns("README.md"))
    (d / "drill.toml").write_text('id = "real"\ntimezone = "UTC"\ndate = "2019-01-03"\n', encoding="utf-8")
    lake.ingest(d)
    return lake


def _families(lake: Lake) -> dict[str, bool]:
    rows = lake.q(
        "select f.source_file, f.source_type, list(distinct s.source_type) filter (where s.source_type is not null) kinds"
        " from ingest_files f left join ingest_segments s using (drill, source_file) group by all"
    )
    return {
        r["source_file"]: r["source_file"].split("/")[0] in [r["source_type"], *(r["kinds"] or [])]
        for r in rows
    }


def test_every_real_file_is_listed_and_accounted_for(corpus: Lake) -> None:
    files = sorted(
        p.relative_to(REAL).as_posix() for p in REAL.rglob("*") if p.is_file() and p.name != "README.md"
    )
    got = corpus.q(
        "select source_file, lines, parsed_lines + quarantined + ignorable n, status from ingest_files"
    )
    assert sorted(r["source_file"] for r in got) == files
    assert all(r["lines"] == r["n"] for r in got if r["status"] in ("ok", "partial"))
    segs = corpus.q("select lines, parsed_lines + quarantined + ignorable n from ingest_segments")
    assert segs and all(s["lines"] == s["n"] for s in segs)


def test_floor(corpus: Lake) -> None:
    fam = _families(corpus)
    assert sum(fam.values()) >= FLOOR, sorted(f for f, ok in fam.items() if not ok)
    q = corpus.one("select sum(quarantined) / sum(lines) from ingest_files where status in ('ok', 'partial')")
    assert q <= 0.02  # measured 0.010 (goal 0.10, test_goal_*)


def test_goal_95_percent_of_files_in_their_family(corpus: Lake) -> None:
    fam = _families(corpus)
    assert sum(fam.values()) >= 0.95 * len(fam)
    q = corpus.one("select sum(quarantined) / sum(lines) from ingest_files where status in ('ok', 'partial')")
    assert q <= 0.10


def _q(lake: Lake, sql: str, f: str) -> list[dict]:
    return lake.q(sql.replace("$f", f"'{f}'"))


TASKS = (
    "select task_id, state, strftime(started_at, '%Y-%m-%d %H:%M:%S') s, strftime(ended_at, '%Y-%m-%d %H:%M:%S') e"
    " from bosh_tasks where source_file = $f order by task_id"
)


def test_exact_values_on_real_files(corpus: Lake) -> None:
    # `bosh tasks` rows pasted without header or command (a processing and a timeout task)
    assert _q(
        corpus, TASKS, "bosh_table/paasta-cce-note-2023-bosh-tasks-processing-timeout-headerless.md"
    ) == [
        {"task_id": 642, "state": "timeout", "s": "2023-01-04 03:32:47", "e": "2023-01-04 03:32:47"},
        {"task_id": 664, "state": "processing", "s": "2023-01-04 08:30:37", "e": None},
    ]
    # a prompt, then `bosh logs` task 702 failing on fetch_logs
    assert _q(corpus, TASKS, "bosh_task/paasta-cce-note-2023-bosh-logs-fetch-L-error-prompt.md") == [
        {"task_id": 702, "state": "error", "s": "2023-01-05 04:55:32", "e": "2023-01-05 04:56:17"}
    ]
    # a whole runbook session: `bosh vms` then two `bosh recreate` tasks, cut at its `BOSH (dev04) $ ` prompts
    assert _q(corpus, TASKS, "bosh_task/gds-paas-runbook-bosh-prompt-session-recreate.md") == [
        {"task_id": 260183, "state": "done", "s": "2024-02-19 10:06:31", "e": "2024-02-19 10:16:04"},
        {"task_id": 260216, "state": "done", "s": "2024-02-19 10:22:47", "e": "2024-02-19 10:27:20"},
    ]
    assert _q(corpus, TASKS, "bosh_task/docs-bosh-recover-collapsed-line.md") == [
        {"task_id": 225, "state": "done", "s": "2023-07-11 17:35:49", "e": "2023-07-11 17:36:20"},
        {"task_id": 226, "state": "done", "s": "2023-07-11 17:37:02", "e": "2023-07-11 17:46:46"},
    ]
    assert _q(corpus, TASKS, "bosh_task/dns-publisher-readme-deploy-snip-in-progress.md") == [
        {"task_id": 432, "state": "done", "s": "2024-10-01 16:33:40", "e": "2024-10-01 16:38:39"}
    ]
    vms = (
        "select count(*) n, count(*) filter (where process_state = 'unresponsive agent') u,"
        " count(*) filter (where process_state = 'failing') f from vm_states where source_file = $f"
    )
    # the Korean Galera note: `bosh vms` in one fence (4 failing of 7), `run-errand` in the next
    galera = "bosh_task/paasta-galera-bootstrap-vms-and-errand-ko.md"
    assert _q(corpus, vms, galera) == [{"n": 7, "u": 0, "f": 4}]
    assert _q(
        corpus, vms, "bosh_table/cf-deployment-issue-717-vms-details-all-unresponsive-no-header-lines.txt"
    ) == [{"n": 9, "u": 9, "f": 0}]
    assert _q(corpus, vms, "bosh_table/cf-deployment-bosh-lite-zh-root-prompt-deployments-vms.md") == [
        {"n": 15, "u": 0, "f": 0}
    ]
    probes = "select strftime(ts, '%Y-%m-%d %H:%M:%S') t, capability, ok, detail from probes where source_file = $f"
    assert _q(corpus, probes, "cf_logs/cf-k8s-adr-2020-rtr-503-healthcheck-killed-app.md") == [
        {"t": "2020-07-06 17:45:55", "capability": "app_traffic", "ok": False, "detail": "GET /health 503"}
    ]
    assert _q(corpus, probes, "cf_cli/cf-workshop-2016-cf-trace-orgs-v6.10-fence.md") == [
        {"t": "2016-01-07 14:08:15", "capability": "cf_api", "ok": True, "detail": None}
    ]
    metrics = "select metric, count(*) n, sum(value) s from metrics where source_file = $f group by 1"
    assert _q(corpus, metrics, "healthwatch/prometheus4j-pr-1-query-range-curl-prompt-pretty.md") == [
        {"metric": "up", "n": 6, "s": 4.0}
    ]
    events = "select count(*) n from events where kind = 'app_event' and source_file = $f"
    assert _q(corpus, events, "cf_events/cf-notes-2021-events-v7-fence-no-command.md") == [{"n": 10}]
    err = "select message from events where kind = 'cf_error' and source_file = $f"
    assert _q(corpus, err, "cf_cli/pcfdev-issue-370-login-io-timeout-root-prompt.md")[0][
        "message"
    ].startswith(
        "Error performing request: Get https://api.local.pcfdev.io/v2/info: dial tcp 192.168.11.11:443: i/o timeout"
    )


def test_session_segments_of_a_real_runbook(corpus: Lake) -> None:
    f = "bosh_task/gds-paas-runbook-bosh-prompt-session-recreate.md"
    segs = corpus.q(
        f"select first_line, last_line, source_type, status from ingest_segments where source_file = '{f}'"
        " order by first_line"
    )
    assert [(s["source_type"], s["status"]) for s in segs] == [
        (None, "ignorable"),  # the gds-cli banner
        (None, "ignorable"),  # `bosh login`
        ("bosh_table", "ok"),
        ("bosh_task", "ok"),  # `bosh recreate`'s `Continue? [yN]: y` is ignorable
    ]
    assert (segs[0]["first_line"], segs[-1]["last_line"]) == (1, 107)


CCK = (
    "select task_id, problem_id, problem_type, instance, resolution from cck_problems"
    " where source_file = $f order by source_line"
)


def test_ruby_cli_v1_and_early_v2_consoles(corpus: Lake) -> None:
    # Ruby CLI v1 `bosh cck`: `Director task N`, event lines without times, footer `Started\t\t<date> UTC`
    f = "bosh_task/docs-bosh-cck-v1-ruby-cli-missing-vm.md"
    assert _q(corpus, TASKS, f) == [
        {"task_id": 623, "state": "done", "s": "2015-01-09 23:32:45", "e": "2015-01-09 23:32:56"},
        {"task_id": 624, "state": "done", "s": "2015-01-09 23:33:20", "e": "2015-01-09 23:33:20"},
    ]
    assert _q(corpus, "select description from bosh_tasks where source_file = $f order by task_id", f) == [
        {"description": "scan cloud"},
        {"description": "apply resolutions"},
    ]
    # the problem the scan found and the resolution the operator chose at `Please choose a resolution`
    assert _q(corpus, CCK, f) == [
        {"task_id": 623, "problem_id": 1, "problem_type": "missing_vm", "instance": None,
         "resolution": "delete_vm_reference"},
    ]  # fmt: skip
    assert _q(corpus, CCK, "bosh_task/docs-bosh-cck-v1-ruby-cli-mount-info.md") == [
        {"task_id": 656, "problem_id": 1, "problem_type": "mount_info_mismatch", "instance": None,
         "resolution": "reattach_disk"},
    ]  # fmt: skip
    f = "bosh_task/bosh-issue-1228-v1-cck-12-unresponsive-ec2-prompt.md"
    assert _q(corpus, TASKS, f) == [
        {"task_id": 246, "state": "done", "s": "2016-04-21 05:26:36", "e": "2016-04-21 05:26:47"}
    ]
    assert _q(corpus, CCK, f) == [
        {"task_id": 246, "problem_id": 1, "problem_type": "unresponsive_agent",
         "instance": "etcd_z1/5a23f8a6-23f9-436e-8739-b05a2573b75c", "resolution": "recreate_vm"},
    ]  # fmt: skip
    # a v1 deploy that failed: no footer, so no times; the `Error 450002` is the task's error
    f = "bosh_task/bosh-issue-813-v1-deploy-timed-prompt-history.md"
    assert _q(corpus, TASKS, f) == [{"task_id": 7, "state": "error", "s": None, "e": None}]
    assert _q(
        corpus, "select message from events where kind = 'bosh_task_error' and source_file = $f", f
    ) == [
        {"message": "Timed out sending `get_state' to 5960ff84-768a-4d6d-b965-398fa3d00064 after 45 seconds"}
    ]
    # early CLI v2: `08:41:15 | …` without `Task N |`, footer without `Task N`
    f = "bosh_task/docs-bosh-deploying-cliv2-beta-no-task-prefix.md"
    assert _q(corpus, TASKS, f) == [
        {"task_id": 1133, "state": "done", "s": "2017-07-24 08:41:15", "e": "2017-07-24 08:43:47"}
    ]
    finished = "select count(*) n from events where ts_role = 'finished' and kind = 'bosh_stage' and source_file = $f"
    assert _q(corpus, finished, f) == [{"n": 8}]
    assert _q(corpus, TASKS, "bosh_task/paasta-galera-bootstrap-vms-and-errand-ko.md") == [
        {"task_id": 2879, "state": "done", "s": "2018-05-02 01:52:18", "e": "2018-05-02 01:57:03"}
    ]


VMS = (
    "select count(*) filter (where process is null) vms, count(*) filter (where process is not null) procs,"
    " count(*) filter (where process_state = 'unresponsive agent') u,"
    " count(*) filter (where process_state = 'failing') f, list(distinct deployment) d"
    " from vm_states where source_file = $f"
)


def test_ruby_cli_v1_ascii_tables(corpus: Lake) -> None:
    def vms(f: str) -> dict:
        return _q(corpus, VMS, f"bosh_table/{f}")[0]

    assert vms("bosh-issue-96-v1-vms-2013-space-bash-fence.md") == {
        "vms": 8,
        "procs": 0,
        "u": 4,
        "f": 0,
        "d": [None],
    }
    assert vms("bosh-lite-issue-75-v1-vms-zsh-prompt-unfenced.md") == {
        "vms": 14, "procs": 0, "u": 14, "f": 0, "d": ["cf-warden"]
    }  # fmt: skip
    assert vms("docs-bosh-vm-monit-instances-v1-ascii.md") == {
        "vms": 3, "procs": 0, "u": 0, "f": 1, "d": ["my-deployment"]
    }  # fmt: skip
    # `Acting as user 'admin' on deployment 'logsearch' on …`, a `*` bootstrap marker, a row wider than its header
    assert vms("bosh-issue-1608-v1-instances-root-prompt-rsa-warning.md")["d"] == ["logsearch"]
    # `bosh instances --ps`: process rows under their VM, separated by borders per instance
    rows = _q(
        corpus,
        "select instance, process, process_state s from vm_states where source_file = $f order by source_line",
        "bosh_table/openstack-cpi-issue-48-v1-instances-ps-failing.md",
    )
    blob = "blobstore_z1/0eb27491-096c-4506-98b8-e06763d7f996"
    assert rows == [
        {"instance": "api_z1/c26b3732-7294-43d6-8eb7-e773dd84824f", "process": None, "s": "running"},
        {"instance": blob, "process": None, "s": "failing"},
        {"instance": blob, "process": "consul_agent", "s": "running"},
        {"instance": blob, "process": "metron_agent", "s": "running"},
        {"instance": blob, "process": "blobstore_nginx", "s": "unknown"},
        {"instance": blob, "process": "blobstore_url_signer", "s": "running"},
    ]
    azs = _q(
        corpus,
        "select az, count(*) n from vm_states where source_file = $f group by az order by az",
        "bosh_table/docs-bosh-azs-vms-v1-ascii.md",
    )
    assert azs == [{"az": "z1", "n": 3}, {"az": "z2", "n": 1}]


def test_wrapped_real_files(corpus: Lake) -> None:
    # Ops Manager's `===== … Running "bosh … deploy"` banner is the command's prompt; the manifest diff and
    # `Finished …`/`Exited with 1.` are ignorable
    f = "bosh_task/pks-harbor-opsman-install-log-L-error.md"
    assert _q(corpus, TASKS, f) == [
        {"task_id": 56, "state": "error", "s": "2019-02-07 01:26:42", "e": "2019-02-07 01:29:55"}
    ]
    assert _q(corpus, "select quarantined q from ingest_files where source_file = $f", f) == [{"q": 0}]
    # a Markdown list whose pastes are indented by two TABs: the deploy task and `bosh vms` are read
    f = "bosh_task/paasta-pinpoint-guide-tab-indented-deploy-vms.md"
    assert _q(corpus, TASKS, f) == [
        {"task_id": 4506, "state": "done", "s": "2018-08-31 06:04:10", "e": "2018-08-31 07:08:06"}
    ]
    assert _q(corpus, "select count(*) n from vm_states where source_file = $f", f) == [{"n": 5}]
    # health-monitor lines behind a failing test's `       +` diff prefix
    f = "bosh_debug/bosh-pr-2597-hm-log-inside-test-diff-plus-prefix.md"
    logs = "select count(*) n, count(*) filter (where level = 'ERROR') e, strftime(min(ts), '%H:%M:%S.%f') t0 from log_lines where source_file = $f"
    assert _q(corpus, logs, f) == [{"n": 13, "e": 2, "t0": "16:58:44.905802"}]
    # one director debug line pasted as a nested list item
    f = "bosh_debug/multidisk-notes-2019-list-item-debug-line.md"
    assert _q(
        corpus,
        "select strftime(ts, '%Y-%m-%d %H:%M:%S.%f') t, source_line from log_lines where source_file = $f",
        f,
    ) == [{"t": "2019-01-07 12:26:46.046547", "source_line": 5}]


def test_single_records_mail_and_cf_tail(corpus: Lake) -> None:
    # one v3 audit event as `cf curl /v3/audit_events/<guid>` prints it (not a paged list)
    ev = "select strftime(ts, '%Y-%m-%d %H:%M:%S') t, component, severity, message from events where source_file = $f"
    (crash,) = _q(corpus, ev, "cf_events/cfauditevents-samples-app.crash.json")
    assert (crash["t"], crash["component"], crash["severity"]) == ("2025-05-21 20:00:00", "app-qa", "error")
    assert crash["message"].startswith("app.crash (app-qa): index: 0, reason: CRASHED")
    (evac,) = _q(corpus, ev, "cf_events/cfauditevents-samples-audit.app.process.rescheduling.json")
    assert (evac["t"], evac["component"]) == ("2025-05-30 07:24:05", "test-app")
    assert "reason: Cell is being evacuated" in evac["message"]
    # a received Alertmanager mail pasted in a fence, `[...]` where the author cut headers
    alerts = (
        "select alert, state, strftime(ts, '%Y-%m-%d %H:%M:%S') t, strftime(received_at, '%H:%M:%S') r"
        " from alerts where source_file = $f"
    )
    assert _q(corpus, alerts, "email/alertmanager-pr-1009-received-firing-mail-elided.md") == [
        {"alert": "TasksMissing", "state": "firing", "t": "2017-09-29 07:13:19", "r": "07:13:20"}
    ]
    # a Grafana alert mail's body without its headers: the alert, with no time
    assert _q(corpus, alerts, "email/grafana-pr-70183-plain-text-alert-mail-body-only.md") == [
        {"alert": "Test 1", "state": "firing", "t": None, "r": None}
    ]
    # Log Cache `cf tail cc` gauges
    f = "healthwatch/datadog-2018-cf-tail-cc-log-cache-gauges.md"
    m = (
        "select metric, count(*) n, max(value) v, strftime(min(ts), '%H:%M:%S.%f') t from metrics"
        " where source_file = $f group by 1 order by 1"
    )
    assert _q(corpus, m, f) == [
        {"metric": "http_status.2XX", "n": 3, "v": 1082900.0, "t": "17:43:26.870000"},
        {"metric": "requests.completed", "n": 3, "v": 1083367.0, "t": "17:43:26.870000"},
        {"metric": "requests.outstanding", "n": 4, "v": 1.0, "t": "17:43:26.870000"},
    ]


def test_cut_and_wrapped_json(corpus: Lake) -> None:
    m = (
        "select metric, count(*) n, sum(value) s, strftime(min(ts), '%Y-%m-%d %H:%M:%S') t from metrics"
        " where source_file = $f group by 1 order by 1"
    )
    # Log Cache `/v1/read` gauge envelopes, cut by the author after the first envelope (`},`)
    assert _q(corpus, m, "healthwatch/datadog-2018-log-cache-v1-read-gauge-jq-cut.md") == [
        {"metric": "cpu", "n": 1, "s": 239.2020044624913, "t": "2018-10-03 17:37:38"},
        {"metric": "disk", "n": 1, "s": 235376640.0, "t": "2018-10-03 17:37:38"},
        {"metric": "disk_quota", "n": 1, "s": 1073741824.0, "t": "2018-10-03 17:37:38"},
        {"metric": "memory", "n": 1, "s": 408858624.0, "t": "2018-10-03 17:37:38"},
        {"metric": "memory_quota", "n": 1, "s": 1073741824.0, "t": "2018-10-03 17:37:38"},
    ]
    # Grafana's query inspector inside `<details>`, cut mid-series: 6 + 1 samples, named by the request's PromQL
    f = "healthwatch/grafana-issue-29154-query-inspector-details-truncated.md"
    promql = 'count by (container_label_com_hashicorp_nomad_alloc_id) (abs(time() - container_last_seen{container_label_group="http"}) < 5)'
    assert _q(corpus, m, f) == [{"metric": promql, "n": 7, "s": 7.0, "t": "2020-11-17 10:04:15"}]
    # healthwatch-api alert configurations (thresholds, no samples) behind `curl … \` + `| jq .` and `...`
    f = "healthwatch/hw1-api-alert-configurations-curl-jq-elided.md"
    assert _q(corpus, "select count(*) n from metrics where source_file = $f", f) == [{"n": 0}]
    assert _q(
        corpus, "select source_type, status, quarantined from ingest_files where source_file = $f", f
    ) == [{"source_type": "healthwatch", "status": "ok", "quarantined": 0}]


def test_cf_trace_excerpt_starting_inside_a_response(corpus: Lake) -> None:
    # CF_TRACE of a push polling `/instances` (v6.11): starts in a response's headers and body, ends on `RESPONSE:`
    f = "cf_cli/cli-issue-416-push-trace-v6.11-not-staged-polling-fragment.md"
    got = _q(
        corpus,
        "select strftime(ts, '%H:%M:%S') t, message from events where kind = 'cf_request' and source_file = $f order by ts",
        f,
    )
    uri = "GET api.dev.cf.springer-sbm.com/v2/apps/6531e904-9dc4-4d83-b194-3d4f7ca854c6/instances"
    assert got == [
        {"t": "14:07:29", "message": f"{uri} -> 400 Bad Request in 0 ms"},
        {"t": "14:07:34", "message": f"{uri} -> no response in 0 ms"},
    ]
    # the command is not in the excerpt: no probe
    assert _q(corpus, "select count(*) n from probes where source_file = $f", f) == [{"n": 0}]
    assert _q(corpus, "select quarantined q from ingest_files where source_file = $f", f) == [{"q": 0}]


def test_debug_log_fragments_in_fences(corpus: Lake) -> None:
    logs = (
        "select count(*) n, min(source_line) first, strftime(min(ts), '%Y-%m-%d %H:%M:%S.%f') t"
        " from log_lines where source_file = $f"
    )
    # `bosh task 664 --debug` tail that starts inside a multi-line SQL record: the two lines of that record
    # are quarantined as such, the records after it read
    f = "bosh_debug/paasta-cce-note-2023-task-debug-tail-mid-record.md"
    assert _q(corpus, logs, f) == [{"n": 2, "first": 7, "t": "2023-01-05 09:49:02.059191"}]
    assert [
        r["source_line"]
        for r in _q(corpus, "select source_line, reason from quarantine where source_file = $f", f)
    ] == [5, 6]
    # health_monitor.log excerpts in three fences under a numbered list: the prose between them is no record
    f = "bosh_debug/bosh-issue-2527-hm-log-numbered-fences.md"
    assert _q(corpus, logs, f) == [{"n": 11, "first": 5, "t": "2024-06-04 00:28:59.173218"}]
    assert _q(corpus, "select quarantined q from ingest_files where source_file = $f", f) == [{"q": 0}]


def test_mail_as_a_debugging_server_and_a_mail_client_show_it(corpus: Lake) -> None:
    mail = (
        "select subject, kind, strftime(ts, '%Y-%m-%d %H:%M:%S') t, message_id, sender from alerts"
        " where source_file = $f"
    )
    # Python 3's smtpd DebuggingServer: banners around the mail, each line a bytes repr
    assert _q(corpus, mail, "email/django-tutorial-fr-smtpd-debuggingserver-bytes-repr.md") == [
        {"subject": "Reset password", "kind": "notification", "t": "2020-04-22 20:36:36",
         "message_id": "<20200422203636.28625.36970@pawel-laptop>", "sender": "webmaster@localhost"}
    ]  # fmt: skip
    # s-nail's `[-- Message  1 -- … --]:` banner, the mbox `From ` line, and its `? ` prompt after the body
    f = "email/javail-readme-s-nail-message-display.md"
    assert _q(corpus, mail, f) == [
        {"subject": "Hello", "kind": "notification", "t": "2018-01-24 17:08:43",
         "message_id": "<1225358173.0.1516813723695@jackbox>", "sender": "jack@localhost"}
    ]  # fmt: skip
    assert _q(corpus, "select status, quarantined q from ingest_files where source_file = $f", f) == [
        {"status": "ok", "q": 0}
    ]


def test_create_recovery_plan_dialog(corpus: Lake) -> None:
    # CLI v7: per instance group and problem type, a `#  Description` table and the resolution chosen
    f = "bosh_task/docs-bosh-create-recovery-plan.md"
    got = _q(corpus, CCK.replace("task_id, problem_id", "problem_id"), f)
    assert [(r["problem_id"], r["problem_type"], r["resolution"]) for r in got] == [
        (241, "missing_vm", "recreate_vm_without_wait"),
        (237, "unresponsive_agent", "reboot_vm"),
        (239, "missing_vm", "recreate_vm_without_wait"),
        (242, "missing_vm", "recreate_vm_without_wait"),
        (243, "mount_info_mismatch", "reattach_disk_and_reboot"),
        (240, "missing_vm", "recreate_vm_without_wait"),
        (238, "unresponsive_agent", "reboot_vm"),
    ]
    assert got[0]["instance"] == "cloud_controller_ng/fb4db9d0-3225-49e0-95f0-02926718554f"
    assert {r["task_id"] for r in _q(corpus, CCK, f)} == {223}
    # and `bosh recover`'s plan summary tables are ignorable: nothing of either file is quarantined
    q = "select sum(quarantined) q from ingest_files where source_file in ($f, 'bosh_task/docs-bosh-recover-collapsed-line.md')"
    assert _q(corpus, q, f) == [{"q": 0}]


def test_collapsed_pastes(corpus: Lake) -> None:
    # a whole `bosh deploy` task on one Markdown paragraph line with `\|` escapes: split into its records
    f = "bosh_task/paasta-cubrid-guide-collapsed-md-escaped.md"
    assert _q(corpus, TASKS, f) == [
        {"task_id": 524, "state": "done", "s": "2019-11-18 08:13:12", "e": "2019-11-18 08:20:21"}
    ]
    started = (
        "select count(*) n from events where kind = 'bosh_stage' and ts_role = 'started' and source_file = $f"
    )
    assert _q(corpus, started, f)[0]["n"] > 5
    # the file's lines still add up once each (the collapsed lines count once)
    assert _q(
        corpus,
        "select lines, parsed_lines + quarantined + ignorable n from ingest_files where source_file = $f",
        f,
    ) == [{"lines": 31, "n": 31}]
    # a whole `cf login` on one line after prose: its records read as a cf run (no time: no probe)
    f = "cf_cli/sap-tutorials-issue-18315-login-failed-collapsed-one-line.txt"
    assert _q(
        corpus,
        "select source_type from ingest_segments where source_type is not null and source_file = $f",
        f,
    ) == [{"source_type": "cf_cli"}]
    (err,) = _q(corpus, "select message from events where kind = 'cf_error' and source_file = $f", f)
    assert "Not logged in. Use 'cf login' or 'cf login --sso' to log in" in err["message"]


def test_windows_console_hard_wrapped_at_80_columns(corpus: Lake) -> None:
    # a v6 push copied from cmd.exe: three lines broken at column 80 are one line again
    f = "cf_cli/cf-release-issue-1182-windows-console-hard-wrapped-push.md"
    assert _q(
        corpus,
        "select source_type from ingest_segments where source_type is not null and source_file = $f",
        f,
    ) == [{"source_type": "cf_cli"}]
    assert _q(corpus, "select message from events where kind = 'cf_warning' and source_file = $f", f) == [
        {"message": "timeout connecting to log server, no log will be shown"}
    ]
    # `Using manifest file …` before the push's first marker line stays outside any run: quarantined
    assert _q(corpus, "select source_line from quarantine where source_file = $f", f) == [{"source_line": 3}]
