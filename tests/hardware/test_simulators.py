"""``python -m hardware.simulate``: the printer over a real socket, the scanner over a real pty."""

from __future__ import annotations

import io
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial
from escpos.printer import Dummy
from PIL import Image

from hardware.simulate.__main__ import PaperOut
from hardware.simulate.escpos_decode import decode

REPO = Path(__file__).resolve().parents[2]
PATIENCE = 30.0  # seconds before a silent simulator counts as hung (a guard, not a measure)


class Simulator:
    """A simulator subprocess whose stdout lines a thread collects (no read can hang a test)."""

    def __init__(self, *args: str) -> None:
        self.process = _start(*args)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def read_line(self) -> str:
        try:
            line = self.lines.get(timeout=PATIENCE)
        except queue.Empty:
            raise AssertionError("the simulator printed nothing") from None
        if line is None:
            stderr = self.process.stderr.read() if self.process.stderr else ""
            raise AssertionError(f"the simulator ended: {stderr}")
        return line

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=PATIENCE)
        self._reader.join(PATIENCE)  # it ends with the simulator's stdout
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "hardware.simulate", *args],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )


@pytest.fixture
def printer_sim(tmp_path: Path) -> Iterator[tuple[Simulator, int]]:
    sim = Simulator("printer", "--tcp", "0", "--out", str(tmp_path), "--width", "58")
    try:
        banner = sim.read_line()
        assert banner.startswith("printer listening on tcp:127.0.0.1:")
        yield sim, int(banner.rsplit(":", 1)[1])
    finally:
        sim.stop()


def test_printer_simulator_prints_a_job_sent_over_tcp(
    printer_sim: tuple[Simulator, int], tmp_path: Path
) -> None:
    """A job sent to the TCP port comes out as decoded text and a PNG of 58 mm paper."""
    sim, port = printer_sim
    job = Dummy()
    job.hw("INIT")
    job.set(bold=True, align="center", double_height=True)
    job.textln("Café Été")
    job.set(bold=False, align="left", normal_textsize=True)
    job.textln("Gift Card €20.00")
    job.barcode("{B3f9c21ab", "CODE128", function_type="B")
    job.cut()

    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as connection:
        connection.sendall(job.output)

    printed = []
    while not (line := sim.read_line()).startswith("--- paper: "):
        printed.append(line)
    png = Path(line.removeprefix("--- paper: "))
    assert png.parent == tmp_path
    with Image.open(png) as paper:
        assert paper.format == "PNG"
        assert paper.width == 384
    assert printed[1:3] == ["Café Été", "Gift Card €20.00"]
    assert "[CODE128 3f9c21ab]" in printed
    assert printed[-1] == "[full cut]"


def one_line_job(text: str) -> bytes:
    """ESC/POS for a job of one printed line, cut."""
    job = Dummy()
    job.hw("INIT")
    job.textln(text)
    job.cut()
    return bytes(job.output)


def test_printer_simulator_restarted_numbers_on_after_the_last_png(tmp_path: Path) -> None:
    """A simulator started on a folder holding job-0007.png saves its first job as
    job-0008.png and leaves the earlier paper as it was."""
    earlier = tmp_path / "job-0007.png"
    earlier.write_bytes(b"paper of an earlier run")
    (tmp_path / "job-0003.png").write_bytes(b"older still")
    sim = Simulator("printer", "--tcp", "0", "--out", str(tmp_path), "--width", "58")
    try:
        port = int(sim.read_line().rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as connection:
            connection.sendall(one_line_job("After the restart"))

        while not (line := sim.read_line()).startswith("--- paper: "):
            pass
    finally:
        sim.stop()

    assert Path(line.removeprefix("--- paper: ")) == tmp_path / "job-0008.png"
    assert earlier.read_bytes() == b"paper of an earlier run"


def test_paper_out_skips_a_png_another_simulator_wrote_meanwhile(tmp_path: Path) -> None:
    """A job whose number another simulator took in the same folder after this one started
    is saved under the next free number."""
    paper = PaperOut(tmp_path, 58, 32, io.StringIO())
    theirs = tmp_path / "job-0001.png"
    theirs.write_bytes(b"the other simulator's paper")

    (job,) = decode(one_line_job("Ours"))
    paper.job(job)

    assert theirs.read_bytes() == b"the other simulator's paper"
    assert (tmp_path / "job-0002.png").is_file()


def test_printer_simulator_answers_is_online(
    printer_sim: tuple[Simulator, int],
) -> None:
    """python-escpos's status query gets an "online" answer from the simulated printer."""
    _, port = printer_sim
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as connection:
        connection.sendall(b"\x10\x04\x01")
        answer = connection.recv(1)

    assert answer == b"\x16"


@pytest.mark.parametrize("name,terminator", [("cr", b"\r"), ("lf", b"\n"), ("crlf", b"\r\n")])
def test_scanner_simulator_sends_stdin_lines_as_scans(
    tmp_path: Path, name: str, terminator: bytes
) -> None:
    """Each line written to the simulator's stdin arrives on its pty with the terminator."""
    link = tmp_path / "scanner"
    sim = Simulator("scanner", "--terminator", name, "--link", str(link))
    process = sim.process
    try:
        path = sim.read_line()
        assert sim.read_line() == f"linked at {link}"
        assert link.resolve() == Path(path).resolve()
        with serial.Serial(str(link), timeout=PATIENCE) as port:
            assert process.stdin is not None
            process.stdin.write("6035718492055184\n0123456789012\n")
            process.stdin.flush()

            first = port.read_until(terminator)
            second = port.read_until(terminator)

        assert first == b"6035718492055184" + terminator
        assert second == b"0123456789012" + terminator
    finally:
        if process.stdin is not None:
            process.stdin.close()  # the end of stdin ends the simulator
        process.wait(timeout=PATIENCE)
        sim.stop()
    assert not link.is_symlink()  # removed when the simulator ends
