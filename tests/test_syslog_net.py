"""The syslog receiver: RFC 5424 and RFC 3164 messages read off real UDP and TCP sockets into batches."""

from __future__ import annotations

import datetime as dt
import random
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.collect.framing import MAX_FRAME, Framer
from app.collect.syslog_net import Parsed, Reject, SyslogReceiver, parse_datagram
from app.domain.vocab import FLAG_REPLACED, FLAG_SEVERITY_INFERRED, FLAG_TIME_CHOSEN, Severity
from app.ingest.engine import Assign

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 2, 15, 0, tzinfo=UTC).timestamp()
DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL = (int(s) for s in Severity)
PEER = "192.0.2.50"

# (datagram, ts, severity, host, component, pid, event_code, message contains)
GOOD = [
    # RFC 5424 section 6.5, examples 1-4
    (b"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xef\xbb\xbf'su root' failed for lonvick"
     b" on /dev/pts/8", "2003-10-11T22:14:15.003Z", CRITICAL, "mymachine.example.com", "su", None, "ID47",
     "'su root' failed for lonvick"),
    (b"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
     "2003-08-24T12:14:15.000Z", NOTICE, "192.0.2.1", "myproc", 8710, None, "It's time to make the do-nuts."),
    (b'<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"'
     b' eventSource="Application" eventID="1011"] \xef\xbb\xbfAn application event log entry...',
     "2003-10-11T22:14:15.003Z", NOTICE, "mymachine.example.com", "evntslog", None, "ID47",
     'An application event log entry... [exampleSDID@32473 iut="3"'),
    (b'<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"]'
     b'[examplePriority@32473 class="high"]', "2003-10-11T22:14:15.003Z", NOTICE, "mymachine.example.com",
     "evntslog", None, "ID47", '[examplePriority@32473 class="high"]'),
    # RFC 5424 with NILVALUE host: the sender's address
    (b"<11>1 2026-12-02T14:59:58.5+01:00 - dialer 4242 DPD - DPD timeout on trunk 7",
     "2026-12-02T13:59:58.500Z", ERROR, PEER, "dialer", 4242, "DPD", "DPD timeout on trunk 7"),
    # RFC 3164 section 5.4 and real-looking lines
    (b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
     "2026-10-11T22:14:15.000Z", CRITICAL, "mymachine", "su", None, None, "'su root' failed for lonvick"),
    (b"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!", "2026-02-05T17:32:18.000Z", NOTICE, "10.0.0.99", None, None,
     None, "Use the BFG!"),
    (b"<38>Dec  1 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
     "2026-12-01T06:55:46.000Z", INFO, "LabSZ", "sshd", 24200, None, "Invalid user webmaster"),
    (b"<86>Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0\n",
     "2026-06-14T15:16:01.000Z", INFO, "combo", "sshd(pam_unix)", 19939, None, "authentication failure"),
    # no HOSTNAME field: the tag stands where the host would, so the sender's address is the host
    (b"<28>Nov 30 23:01:02 kernel[0]: eth0 link down", "2026-11-30T23:01:02.000Z", WARNING, PEER, "kernel", 0,
     None, "eth0 link down"),
    (b"<30>Nov 30 23:01:02 ntpd: time reset +0.5 s", "2026-11-30T23:01:02.000Z", INFO, PEER, "ntpd", None, None,
     "time reset"),
    # ISO stamp where RFC 3164 has its stamp (rsyslog's high-precision format), with and without host
    (b"<131>2026-12-02T10:15:30.123456+02:00 fw01 kernel: DROP IN=eth0", "2026-12-02T08:15:30.123Z", ERROR,
     "fw01", "kernel", None, None, "DROP IN=eth0"),
    (b"<134>2026-12-02T10:15:30Z haproxy[77]: backend web down", "2026-12-02T10:15:30.000Z", INFO, PEER, "haproxy",
     77, None, "backend web down"),
    # no <PRI>: a plain syslog line, severity from its words
    (b"Nov 29 08:00:00 web1 nginx[5]: upstream timed out", "2026-11-29T08:00:00.000Z", WARNING, "web1", "nginx", 5,
     None, "upstream timed out"),
]


@pytest.mark.parametrize("data, ts, severity, host, component, pid, code, text", GOOD)
def test_real_looking_messages_are_read(data: bytes, ts: str, severity: int, host: str, component: str | None,
                                        pid: int | None, code: str | None, text: str) -> None:
    got = parse_datagram(data, PEER, now=NOW)
    assert isinstance(got, Parsed), got
    assert (got.ts, got.severity, got.host, got.component, got.pid, got.event_code) == \
        (ts, severity, host, component, pid, code)
    assert text in got.message and not got.message.startswith("\ufeff")
    assert got.raw == data.decode("utf-8").rstrip("\n") and got.peer == PEER


def test_security_facilities_get_the_security_log_type_and_no_pri_is_flagged() -> None:
    auth = parse_datagram(b"<38>Dec  1 06:55:46 LabSZ sshd[1]: Accepted publickey", PEER, now=NOW)
    user = parse_datagram(b"<14>Dec  1 06:55:46 LabSZ app[1]: started", PEER, now=NOW)
    bare = parse_datagram(b"Dec  1 06:55:46 LabSZ app[1]: disk error", PEER, now=NOW)
    assert isinstance(auth, Parsed) and isinstance(user, Parsed) and isinstance(bare, Parsed)
    assert (auth.log_type, auth.raw_level, auth.flags) == ("security", "6", 0)
    assert (user.log_type, user.raw_level) == (None, "6")
    assert (bare.severity, bare.raw_level, bare.flags) == (ERROR, None, FLAG_SEVERITY_INFERRED)


def test_rfc3164_year_follows_the_december_january_rollover() -> None:
    new_year = dt.datetime(2027, 1, 1, 0, 0, 5, tzinfo=UTC).timestamp()
    late = parse_datagram(b"<13>Dec 31 23:59:58 h app: last of the year", PEER, now=new_year)
    early = parse_datagram(b"<13>Jan  1 00:00:03 h app: first of the year", PEER, now=new_year)
    ahead = parse_datagram(b"<13>Jan  1 00:00:01 h app: sender clock a little ahead", PEER,
                           now=dt.datetime(2026, 12, 31, 23, 59, 50, tzinfo=UTC).timestamp())
    assert isinstance(late, Parsed) and isinstance(early, Parsed) and isinstance(ahead, Parsed)
    assert (late.ts, early.ts, ahead.ts) == ("2026-12-31T23:59:58.000Z", "2027-01-01T00:00:03.000Z",
                                             "2027-01-01T00:00:01.000Z")


def test_rfc3164_stamps_are_read_in_the_source_zone() -> None:
    data = b"<13>Jul  4 12:00:00 h app: noon in Berlin"
    berlin = parse_datagram(data, PEER, zone=ZoneInfo("Europe/Berlin"), now=NOW)
    utc = parse_datagram(data, PEER, now=NOW)
    assert isinstance(berlin, Parsed) and isinstance(utc, Parsed)
    assert (berlin.ts, utc.ts) == ("2026-07-04T10:00:00.000Z", "2026-07-04T12:00:00.000Z")
    offset = parse_datagram(b"<13>1 2026-07-04T12:00:00+05:30 h app - - - stamp with its own offset", PEER,
                            zone=ZoneInfo("Europe/Berlin"), now=NOW)
    assert isinstance(offset, Parsed) and offset.ts == "2026-07-04T06:30:00.000Z"


def test_messages_without_a_stamp_take_the_receipt_time_and_say_so() -> None:
    nil = parse_datagram(b"<14>1 - host app - - - no time given", PEER, now=NOW)
    bare = parse_datagram(b"<11>just a message from a tiny device", PEER, now=NOW)
    assert isinstance(nil, Parsed) and isinstance(bare, Parsed)
    assert nil.ts == bare.ts == nil.received == "2026-12-02T15:00:00.000Z"
    assert nil.flags & FLAG_TIME_CHOSEN and bare.flags & FLAG_TIME_CHOSEN
    assert (bare.severity, bare.host, bare.message) == (ERROR, PEER, "just a message from a tiny device")


def test_undecodable_bytes_are_replaced_and_flagged() -> None:
    got = parse_datagram(b"<13>1 2026-12-02T10:00:00Z h app - - - caf\xe9 au lait", PEER, now=NOW)
    assert isinstance(got, Parsed)
    assert got.message == "caf\ufffd au lait" and got.flags & FLAG_REPLACED


BAD = [
    (b"", "empty message"),
    (b"\r\n", "empty message"),
    (b"<13", "malformed <PRI>"),
    (b"<1x3>Oct 11 22:14:15 h a: b", "malformed <PRI>"),
    (b"<>Oct 11 22:14:15 h a: b", "malformed <PRI>"),
    (b"<192>Oct 11 22:14:15 h a: b", "<PRI> 192 out of range 0-191"),
    (b"<13>1 2026-12-02T10:00:00Z host-only", "malformed RFC 5424 header"),
    (b"<13>1 yesterday h app - - - text", "cannot read time stamp 'yesterday'"),
    (b"<13>Feb 30 10:00:00 h app: no such day", "no such date"),
    (b"hello world", "no <PRI> and no time stamp"),
    (b"\xff\xfe\x00\x01binary", "no <PRI> and no time stamp"),
]


@pytest.mark.parametrize("data, reason", BAD)
def test_malformed_messages_become_rejects_with_a_reason(data: bytes, reason: str) -> None:
    got = parse_datagram(data, PEER, now=NOW)
    assert isinstance(got, Reject), got
    assert reason in got.reason
    assert got.raw == data.rstrip(b"\r\n").decode("utf-8", "replace") and got.peer == PEER


def test_random_bytes_never_raise() -> None:
    rng = random.Random(17)
    seeds = [b"<13>", b"<13>1 ", b"<165>1 2003-10-11T22:14:15.003Z ", b"<34>Oct 11 22:14:15 ", b"Oct 11 ", b""]
    for _ in range(3000):
        data = rng.choice(seeds) + bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
        assert isinstance(parse_datagram(data, PEER, now=NOW), Parsed | Reject)


def test_a_parsed_message_becomes_the_row_the_importer_stores() -> None:
    got = parse_datagram(b"<11>1 2026-12-02T10:00:00Z pbx01 dialer 42 DPD - DPD timeout", PEER, now=NOW)
    assert isinstance(got, Parsed)
    row = got.event(Assign(import_id=7, default_type="system", client="Acme", site="Leeds"), 3)
    assert (row.ts, row.severity, row.log_type, row.host, row.component, row.pid, row.event_code) == \
        ("2026-12-02T10:00:00.000Z", ERROR, "system", "pbx01", "dialer", 42, "DPD")
    assert (row.client, row.site, row.import_id, row.line_no, row.raw) == ("Acme", "Leeds", 7, 3, got.raw)
    assert got.event(Assign(import_id=7, default_type="system", forced_type="network"), 1).log_type == "network"


def test_lines_of_real_syslog_files_read_as_they_do_from_the_file(extdata: Path) -> None:
    from app.ingest.clock import Clock
    from app.ingest.formats.base import ParseContext
    from app.ingest.formats.syslog import BsdSyslog

    now = dt.datetime(2026, 12, 2, tzinfo=UTC)
    file_parser = BsdSyslog(ParseContext(clock=Clock(UTC, None, now)))
    for name in ("Linux/Linux_2k.log", "OpenSSH/OpenSSH_2k.log"):
        lines = (extdata / "loghub" / name).read_text(encoding="utf-8", errors="replace").splitlines()
        for line in lines:
            got = parse_datagram(f"<38>{line}".encode(), PEER, now=now.timestamp())
            want = file_parser.parse(line)
            assert isinstance(got, Parsed) and want is not None, line
            assert (got.ts, got.host, got.component, got.pid, got.message) == \
                (want[0], want[3], want[4], want[5], want[7]), line


# -- framing --------------------------------------------------------------------------------------------------


def test_tcp_framing_reads_octet_counting_and_newlines_split_anywhere() -> None:
    msgs = [b"<13>1 2026-12-02T10:00:00Z h a - - - one", b"<13>Dec  1 10:00:00 h a: two",
            b"<13>1 2026-12-02T10:00:00Z h a - - - three\nwith a newline inside", b"<13>Dec  1 10:00:00 h a: four"]
    stream = (b"%d %s" % (len(msgs[0]), msgs[0]) + msgs[1] + b"\r\n" + b"%d %s" % (len(msgs[2]), msgs[2])
              + msgs[3] + b"\n")
    for step in (1, 3, 7, len(stream)):
        framer = Framer()
        out = [f for at in range(0, len(stream), step) for f in framer.feed(stream[at:at + step])]
        assert out == msgs and framer.close() is None
    framer = Framer()
    assert framer.feed(b"<13>Dec  1 10:00:00 h a: unended") == []
    assert framer.close() == b"<13>Dec  1 10:00:00 h a: unended"


def test_an_over_long_frame_is_cut_off_and_the_next_one_still_read() -> None:
    framer = Framer()
    out = framer.feed(b"x" * (MAX_FRAME + 10))
    out += framer.feed(b"yyy\n<13>Dec  1 10:00:00 h a: next\n")
    assert len(out) == 2 and "longer than" in str(out[0]) and out[1] == b"<13>Dec  1 10:00:00 h a: next"


# -- the receiver on real sockets -----------------------------------------------------------------------------


class Batches:
    """``on_batch`` for tests: keeps every batch, counts the items."""

    def __init__(self) -> None:
        self.batches: list[list[Parsed | Reject]] = []
        self.lock = threading.Lock()

    def __call__(self, batch: list[Parsed | Reject]) -> None:
        with self.lock:
            self.batches.append(batch)

    @property
    def items(self) -> list[Parsed | Reject]:
        with self.lock:
            return [i for b in self.batches for i in b]

    def wait_for(self, n: int, timeout: float = 30) -> list[Parsed | Reject]:
        deadline = time.monotonic() + timeout
        while len(self.items) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.items


def _mixed(n: int) -> list[bytes]:
    """Half RFC 5424, half RFC 3164, each carrying its sequence number."""
    out = []
    for i in range(n):
        if i % 2:
            out.append(f"<{i % 192}>1 2026-12-02T10:{i % 60:02d}:00.{i % 1000:03d}Z pbx{i % 5} dialer {i} DPD"
                       f' [meta@1 trunk="{i % 9}"] \ufeffseq={i} DPD timeout'.encode())
        else:
            out.append(f"<{i % 192}>Dec  1 22:{i % 60:02d}:15 host{i % 7} sshd[{i}]: seq={i} Failed password".encode())
    return out


def _seqs(items: list[Parsed | Reject]) -> list[int]:
    return sorted(int(i.message.split("seq=")[1].split()[0]) for i in items if isinstance(i, Parsed))


def _receive(protocol: str, send: Callable[[tuple[str, int], list[bytes]], None], n: int = 10_000
             ) -> tuple[list[Parsed | Reject], SyslogReceiver, float]:
    got = Batches()
    receiver = SyslogReceiver("127.0.0.1", 0, protocol, got)
    receiver.start()
    try:
        started = time.perf_counter()
        send(receiver.address, _mixed(n))
        items = got.wait_for(n)
        rate = len(items) / (time.perf_counter() - started)
    finally:
        receiver.stop()
    return got.items, receiver, rate


def _send_udp(address: tuple[str, int], msgs: list[bytes]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for i, m in enumerate(msgs):
            sock.sendto(m, address)
            if i % 250 == 249:
                time.sleep(0.001)  # a light pace: loopback drops nothing, even without a large buffer


def test_ten_thousand_udp_datagrams_all_arrive(capsys: pytest.CaptureFixture[str]) -> None:
    items, receiver, rate = _receive("udp", _send_udp)
    assert _seqs(items) == list(range(10_000))
    assert (receiver.received, receiver.rejected, receiver.dropped) == (10_000, 0, 0)
    assert all(len(b) <= 500 for b in [items[i:i + 500] for i in range(0, len(items), 500)])
    with capsys.disabled():
        print(f"\nsyslog UDP: 10,000 datagrams at {rate:,.0f}/s")


def _send_tcp(address: tuple[str, int], msgs: list[bytes]) -> None:
    """Eight concurrent clients: odd ones octet-count their frames, even ones end them with a newline."""
    def client(k: int) -> None:
        with socket.create_connection(address) as sock:
            mine = msgs[k::8]
            frames = [b"%d %s" % (len(m), m) if k % 2 else m + b"\n" for m in mine]
            data = b"".join(frames)
            for at in range(0, len(data), 4093):  # chunks that cut frames anywhere
                sock.sendall(data[at:at + 4093])

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_ten_thousand_messages_over_tcp_from_many_clients_all_arrive(capsys: pytest.CaptureFixture[str]) -> None:
    items, receiver, rate = _receive("tcp", _send_tcp)
    assert _seqs(items) == list(range(10_000))
    assert (receiver.received, receiver.rejected) == (10_000, 0)
    with capsys.disabled():
        print(f"\nsyslog TCP: 10,000 messages from 8 clients at {rate:,.0f}/s")


def test_malformed_datagrams_arrive_as_rejects_and_the_listener_keeps_going() -> None:
    got = Batches()
    receiver = SyslogReceiver("127.0.0.1", 0, "udp", got, flush_s=0.05)
    receiver.start()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for data in (b"<999>junk", b"\x00\xff\xfe", b"<13>1 garbage", b"<13>Dec  1 10:00:00 h a: fine"):
                sock.sendto(data, receiver.address)
        items = got.wait_for(4)
    finally:
        receiver.stop()
    assert [type(i).__name__ for i in items] == ["Reject", "Reject", "Reject", "Parsed"]
    assert "out of range" in items[0].reason  # type: ignore[union-attr]
    assert (receiver.received, receiver.rejected) == (4, 3)


def test_stop_hands_over_the_last_batch_and_a_failing_consumer_does_not_stop_the_listener() -> None:
    got = Batches()
    calls = []

    def flaky(batch: list[Parsed | Reject]) -> None:
        calls.append(len(batch))
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        got(batch)

    receiver = SyslogReceiver("127.0.0.1", 0, "tcp", flaky, batch_size=3, flush_s=60)
    receiver.start()
    with socket.create_connection(receiver.address) as sock:
        sock.sendall(b"<13>Dec  1 10:00:00 h a: one\n<13>Dec  1 10:00:00 h a: two\n<13>Dec  1 10:00:00 h a: three\n")
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            time.sleep(0.01)
        sock.sendall(b"<13>Dec  1 10:00:00 h a: four\n<13>Dec  1 10:00:00 h a: five")  # the last one unended
        time.sleep(0.2)
        assert calls == [3]  # two messages wait: the batch is neither full nor a minute old
        receiver.stop()  # while the client is still connected
    assert calls == [3, 2]
    assert [i.message for i in got.items] == ["four", "five"]  # type: ignore[union-attr]
    assert (receiver.errors, receiver.last_error, receiver.received) == (1, "database is locked", 5)


@pytest.mark.parametrize("protocol, kind", [("udp", socket.SOCK_DGRAM), ("tcp", socket.SOCK_STREAM)])
def test_a_port_in_use_is_a_one_line_error_naming_it(protocol: str, kind: int) -> None:
    with socket.socket(socket.AF_INET, kind) as taken:
        taken.bind(("127.0.0.1", 0))
        if kind == socket.SOCK_STREAM:
            taken.listen()
        port = taken.getsockname()[1]
        receiver = SyslogReceiver("127.0.0.1", port, protocol, lambda _b: None)
        with pytest.raises(OSError) as err:
            receiver.start()
        receiver.stop()
    text = str(err.value)
    assert f"{protocol}://127.0.0.1:{port}" in text and f"port {port} is already in use" in text
    assert "\n" not in text and not text.startswith("[Errno")
