"""The serial scanner reader against a real pty: the test writes into the master end as a
scanner would, the reader opens the slave end through a symlink the test can take away."""

from __future__ import annotations

import os
import threading
import tty
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hardware.scan_lines import Terminator, Unreadable, UnreadableReason
from hardware.scanner import SerialScanner
from hardware.scanner_settings import ScannerSettings, ScannerStatus

# A reader thread that dies of an exception instead of reporting the port lost is a failure.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
# Only how long a broken test waits before failing; nothing here is timed.
WAIT_S = 10.0
RETRY_S = 0.05


class Pty:
    """A pty pair in raw mode (no echo, CR stays CR), its slave reachable through ``link``."""

    def __init__(self, link: Path) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.link = link
        link.symlink_to(os.ttyname(self.slave))

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def vanish(self) -> None:
        """The scanner is unplugged: its device node goes, and the port fails."""
        self.link.unlink(missing_ok=True)
        for fd in (self.master, self.slave):
            os.close(fd)


class Recorder:
    """What the reader called back with, as it arrives on the reader's threads."""

    def __init__(self) -> None:
        self.scans: list[str] = []
        self.unreadable: list[Unreadable] = []
        self.statuses: list[ScannerStatus] = []
        self.raw = bytearray()
        self._changed = threading.Condition()

    def _add(self, items: list, item: object) -> None:  # type: ignore[type-arg]
        with self._changed:
            items.append(item)
            self._changed.notify_all()

    def scan(self, code: str) -> None:
        self._add(self.scans, code)

    def bad(self, unreadable: Unreadable) -> None:
        self._add(self.unreadable, unreadable)

    def status(self, status: ScannerStatus) -> None:
        self._add(self.statuses, status)

    def got_raw(self, data: bytes) -> None:
        with self._changed:
            self.raw += data
            self._changed.notify_all()

    def wait(self, done: Callable[[], bool], what: str) -> None:
        with self._changed:
            assert self._changed.wait_for(done, WAIT_S), f"no {what}; got {self}"

    @property
    def connected(self) -> bool:
        return bool(self.statuses) and self.statuses[-1].connected

    def wait_connected(self, times: int = 1) -> None:
        self.wait(
            lambda: sum(s.connected for s in self.statuses) >= times and self.connected,
            f"connection #{times}",
        )

    def __repr__(self) -> str:
        return f"scans={self.scans} unreadable={self.unreadable} statuses={self.statuses}"


# ``start(**options)``: a running reader on ``link`` with ``ScannerSettings.parse`` options.
Start = Callable[..., tuple[Recorder, SerialScanner]]


@pytest.fixture
def link(tmp_path: Path) -> Path:
    return tmp_path / "ttyScanner"


@pytest.fixture
def start(link: Path) -> Iterator[Start]:
    scanners: list[SerialScanner] = []

    def do(**options: object) -> tuple[Recorder, SerialScanner]:
        recorder = Recorder()
        settings = ScannerSettings.parse(str(link), retry_seconds=RETRY_S, **options)  # type: ignore[arg-type]
        scanner = SerialScanner(
            settings,
            on_scan=recorder.scan,
            on_unreadable=recorder.bad,
            on_status=recorder.status,
            on_raw=recorder.got_raw,
        )
        scanners.append(scanner)
        scanner.start()
        return recorder, scanner

    yield do
    for scanner in scanners:
        scanner.stop()


@pytest.mark.parametrize("terminator", list(Terminator))
def test_scanner_reads_lines_with_each_terminator(
    start: Start, link: Path, terminator: Terminator
) -> None:
    """Codes ended by CR, LF or CR LF, as set, arrive as scans in order."""
    pty = Pty(link)
    recorder, _ = start(terminator=terminator.name.lower())
    recorder.wait_connected()
    end = terminator.value
    pty.write(b"4006381333931" + end + b"0123" + b"45678905" + end)
    recorder.wait(lambda: len(recorder.scans) == 2, "two scans")
    assert recorder.scans == ["4006381333931", "012345678905"]
    assert recorder.unreadable == []
    pty.vanish()


def test_scanner_strips_prefix_and_suffix(start: Start, link: Path) -> None:
    """STX ... ETX framing set as \\x02 and \\x03 is taken off the code."""
    pty = Pty(link)
    recorder, _ = start(prefix=r"\x02", suffix=r"\x03")
    recorder.wait_connected()
    pty.write(b"\x024006381333931\x03\r")
    recorder.wait(lambda: bool(recorder.scans), "a scan")
    assert recorder.scans == ["4006381333931"]
    pty.vanish()


def test_scanner_reports_noise_as_unreadable_and_reads_on(start: Start, link: Path) -> None:
    """Binary noise, garbage and an over-long line are unreadable, never scans; a good code
    after them reads."""
    pty = Pty(link)
    recorder, _ = start()
    recorder.wait_connected()
    pty.write(b"\x00\xff\x1b[2J\x80\r")  # binary noise
    pty.write(b"caf\xc3\xa9\r")  # not ASCII: a wrong baud rate looks like this
    pty.write(b"9" * 200 + b"\r")  # over-long
    pty.write(b"\x07\x07\x07\r")  # control bytes only
    pty.write(b"4006381333931\r")
    recorder.wait(lambda: bool(recorder.scans), "the good scan")
    assert recorder.scans == ["4006381333931"]
    assert [u.reason for u in recorder.unreadable] == [
        UnreadableReason.NOT_PRINTABLE,
        UnreadableReason.NOT_PRINTABLE,
        UnreadableReason.TOO_LONG,
        UnreadableReason.NOT_PRINTABLE,
    ]
    pty.vanish()


def test_scanner_half_line_cut_by_a_disconnect_is_unreadable(start: Start, link: Path) -> None:
    """A code the disconnect cut in half is reported unreadable, not scanned."""
    pty = Pty(link)
    recorder, _ = start()
    recorder.wait_connected()
    pty.write(b"400638")
    recorder.wait(lambda: len(recorder.raw) == 6, "the half line read")
    pty.vanish()
    recorder.wait(lambda: not recorder.connected, "the disconnect")
    recorder.wait(lambda: bool(recorder.unreadable), "an unreadable scan")
    assert [u.reason for u in recorder.unreadable] == [UnreadableReason.CUT_OFF]
    assert recorder.scans == []


def test_scanner_port_vanishes_and_comes_back_and_scanning_resumes(
    start: Start, link: Path
) -> None:
    """Unplugged: disconnected is reported and the reader keeps trying; plugged back in (a new
    device behind the same path), it reconnects and reads without a restart."""
    first = Pty(link)
    recorder, scanner = start()
    recorder.wait_connected()
    first.write(b"111111\r")
    recorder.wait(lambda: recorder.scans == ["111111"], "the first scan")

    first.vanish()
    recorder.wait(lambda: not recorder.connected, "the disconnect")
    # Retries find no device yet; the failure is said once, not at every retry.
    recorder.wait(lambda: "cannot open" in recorder.statuses[-1].reason, "a failed reopen")
    assert scanner.running

    second = Pty(link)
    recorder.wait_connected(times=2)
    second.write(b"222222\r")
    recorder.wait(lambda: recorder.scans == ["111111", "222222"], "the scan after the return")
    assert recorder.unreadable == []
    assert [s.connected for s in recorder.statuses] == [True, False, False, True]
    second.vanish()


def test_scanner_without_a_device_at_start_connects_when_it_appears(
    start: Start, link: Path
) -> None:
    """A register started before its scanner is plugged in picks it up when it is."""
    recorder, _ = start()
    recorder.wait(lambda: bool(recorder.statuses), "a status")
    assert not recorder.connected
    pty = Pty(link)
    recorder.wait_connected()
    pty.write(b"123456\r")
    recorder.wait(lambda: recorder.scans == ["123456"], "the scan")
    pty.vanish()


def test_scanner_stop_joins_its_thread(start: Start, link: Path) -> None:
    """stop() closes the port and returns with no thread left reading."""
    pty = Pty(link)
    recorder, scanner = start()
    recorder.wait_connected()
    scanner.stop()
    assert not scanner.running
    assert not any(t.name.startswith("scanner") for t in threading.enumerate())
    pty.vanish()
