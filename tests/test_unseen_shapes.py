"""Log shapes no built-in family was written for: the learned layout finds time, level, host and component.

The lines are composed for these tests in the shapes real systems use (HPC and supercomputer RAS
logs, cluster syslog dumps behind an epoch, Windows CBS, Spark, a proxy client, OpenStack services
behind their file names, a health app's pipes); no sample file is copied.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain import timeutil
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database

CASES = {
    "ras.log": (
        "- 1764684309 2025.12.02 R11-M0-N3-C:J04-U01 2025-12-02-14.05.09.123456 R11-M0-N3-C:J04-U01 RAS KERNEL INFO "
        "ddr error corrected\n"
        "- 1764684312 2025.12.02 R11-M0-N3-C:J04-U01 2025-12-02-14.05.12.000001 R11-M0-N3-C:J04-U01 RAS APP FATAL "
        "ciod: lost contact with io node\n"
        "KERNDTLB 1764684315 2025.12.02 R12-M1-N0-I:J18-U01 2025-12-02-14.05.15.500000 R12-M1-N0-I:J18-U01 RAS "
        "KERNEL WARNING data TLB error interrupt\n",
        ["2025-12-02T14:05:09.000Z", "2025-12-02T14:05:12.000Z", "2025-12-02T14:05:15.000Z"],
        [1, 5, 3], ["R11-M0-N3-C:J04-U01", "R11-M0-N3-C:J04-U01", "R12-M1-N0-I:J18-U01"], [None] * 3),
    "nodes.log": (
        "88001 node-12 unix.hw state_change.unavailable 1764684309 1 Component alt0 unavailable\n"
        "88002 node-7 action start 1764684310 1 clusterAddMember (command 77)\n"
        "88003 node-12 node status 1764684311 1 running\n",
        ["2025-12-02T14:05:09.000Z", "2025-12-02T14:05:10.000Z", "2025-12-02T14:05:11.000Z"],
        None, ["node-12", "node-7", "node-12"], [None] * 3),
    "cluster.log": (
        "- 1764684309 2025.12.02 cn104 Dec 2 14:05:09 cn104/cn104 crond(pam_unix)[2915]: session closed for root\n"
        "- 1764684310 2025.12.02 cn7 Dec 2 14:05:10 cn7/cn7 sshd[3001]: Accepted publickey for agent12\n"
        "- 1764684311 2025.12.02 cn104 Dec 2 14:05:11 cn104/cn104 crond[2916]: (root) CMD (run-parts)\n",
        ["2025-12-02T14:05:09.000Z", "2025-12-02T14:05:10.000Z", "2025-12-02T14:05:11.000Z"],
        None, ["cn104", "cn7", "cn104"], ["crond(pam_unix)", "sshd", "crond"]),
    "cbs.log": (
        "2025-12-02 14:05:09, Info                  CBS    Loaded servicing stack for the softphone update\n"
        "2025-12-02 14:05:10, Error                 CBS    Failed to open package [HRESULT = 0x800f0805]\n"
        "2025-12-02 14:05:11, Warning               CSI    Pending reboot for the CRM client\n",
        ["2025-12-02T14:05:09.000Z", "2025-12-02T14:05:10.000Z", "2025-12-02T14:05:11.000Z"],
        [1, 4, 3], [None] * 3, [None] * 3),
    "spark.log": (
        "25/12/02 14:05:09 INFO storage.BlockManager: Registered block manager for the dialer job\n"
        "25/12/02 14:05:10 WARN util.NativeCodeLoader: Unable to load native library\n"
        "25/12/02 14:05:11 ERROR executor.Executor: Exception in task 3.0\n"
        "java.lang.IllegalStateException: queue closed\n"
        "\tat org.acme.dialer.Queue.take(Queue.java:88)\n",
        ["2025-12-02T14:05:09.000Z", "2025-12-02T14:05:10.000Z", "2025-12-02T14:05:11.000Z"],
        [1, 3, 4], [None] * 3, ["storage.BlockManager", "util.NativeCodeLoader", "executor.Executor"]),
    "proxy.log": (
        "[12.02 14:05:09] softphone.exe - sbc.acme.example:5061 open through proxy gw1.acme.example:3128 HTTPS\n"
        "[12.02 14:05:10] crm-client.exe - crm.acme.example:443 close, 1200 bytes sent\n"
        "[12.02 14:05:11] softphone.exe - sbc.acme.example:5061 error : Could not connect through proxy\n",
        ["2025-12-02T14:05:09.000Z", "2025-12-02T14:05:10.000Z", "2025-12-02T14:05:11.000Z"],
        None, [None] * 3, ["softphone.exe", "crm-client.exe", "softphone.exe"]),
    "services.log": (
        "ticket-api.log.1.2025-12-02_14:00:00 2025-12-02 14:05:09.008 25746 INFO acme.ticket.api.server "
        "[req-0a1b] 10.1.2.3 \"GET /v2/tickets HTTP/1.1\" status: 200\n"
        "ticket-worker.log.1.2025-12-02_14:00:00 2025-12-02 14:05:10.500 2931 WARNING acme.ticket.worker "
        "[req-0a1c] retry 2 of 5 for ticket INC-000202\n",
        ["2025-12-02T14:05:09.008Z", "2025-12-02T14:05:10.500Z"],
        [1, 3], [None] * 2, ["acme.ticket.api.server", "acme.ticket.worker"]),
    "steps.log": (
        "20251202-14:05:9:606|Step_LSC|30002312|onStandStepChanged 3579\n"
        "20251202-14:5:10:15|Step_SPUtils|30002312|getTodayTotalDetailSteps\n"
        "20251203-0:1:5:9|Step_LSC|30002312|onExtend 1514038530000 14 0 4\n",
        ["2025-12-02T14:05:09.606Z", "2025-12-02T14:05:10.150Z", "2025-12-03T00:01:05.900Z"],
        None, [None] * 3, [None] * 3),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_unseen_shape_reads_time_level_host_and_component(tmp_path: Path, name: str) -> None:
    text, times, severities, hosts, components = CASES[name]
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    with Database.open(tmp_path / "l.db") as db:
        [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC, year=2025))
        assert r.ok and r.rejected == 0, r.message
        rows = db.rows("SELECT * FROM events ORDER BY line_no")
    assert [e["ts"] for e in rows] == times
    if severities is not None:
        assert [e["severity"] for e in rows] == severities
        assert not any(e["flags"] & 8 for e in rows)  # read from the level field, not guessed
    else:
        assert all(e["flags"] & 8 for e in rows)  # no level field: every severity is flagged as inferred
    assert [e["host"] for e in rows] == hosts
    assert [e["component"] for e in rows] == components


@pytest.mark.parametrize("fmt", ["generic", "applog", None])
def test_forcing_a_text_format_still_finds_stamps_that_do_not_open_the_line(tmp_path: Path, fmt: str | None) -> None:
    f = tmp_path / "dialer.log"
    f.write_text("[dialer-03] 2025/12/02-14:05:09 ERROR campaign=outbound7 call dropped\n"
                 "[dialer-03] 2025/12/02-14:05:10 INFO campaign=outbound7 call placed\n", encoding="utf-8")
    with Database.open(tmp_path / "l.db") as db:
        [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC, format=fmt))
        rows = db.rows("SELECT ts, severity FROM events ORDER BY line_no")
    assert r.ok and r.accepted == 2
    assert [(e["ts"], e["severity"]) for e in rows] == [("2025-12-02T14:05:09.000Z", 4),
                                                         ("2025-12-02T14:05:10.000Z", 1)]
