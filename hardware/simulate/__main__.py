"""``python -m hardware.simulate scanner|printer``: devices to run the register against.

scanner  makes a virtual serial port (a pty), prints its path, and sends each line read from
         stdin as one scan with the chosen terminator.
printer  listens on a TCP port (as a network printer on 9100 does) or on a pty, decodes the
         ESC/POS it receives, and for each job (a cut, or the connection closing) prints the
         text and writes a PNG of the paper into --out, numbered on after the PNGs already
         there (job-0001.png, ...).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import select
import signal
import socket
import sys
import tty
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TextIO

from hardware.scan_lines import Terminator
from hardware.simulate.escpos_decode import EscposDecoder, Job
from hardware.simulate.paper_png import default_columns, save_job

READ_SIZE = 4096


# -- scanner -----------------------------------------------------------------------------------


@contextlib.contextmanager
def virtual_port(link: Path | None = None) -> Iterator[tuple[int, str]]:
    """A pty pair: yields the master's descriptor and the path a program opens as the port.

    The far end is held open here too, so the port survives the register closing and reopening
    it. With ``link``, a symlink there points at the path while the port exists.
    """
    master, slave = os.openpty()
    tty.setraw(slave)  # bytes pass as they are: no CR/LF translation, no echo
    path = os.ttyname(slave)
    linked: Path | None = None
    try:
        if link is not None:
            if link.is_symlink():
                link.unlink()  # a stale link from an earlier run; never a real file
            link.symlink_to(path)
            linked = link
        yield master, path
    finally:
        if linked is not None:
            with contextlib.suppress(OSError):
                linked.unlink()
        os.close(master)
        os.close(slave)


def run_scanner(terminator: bytes, link: Path | None, lines: TextIO, out: TextIO) -> int:
    with virtual_port(link) as (master, path):
        print(path, file=out, flush=True)
        if link is not None:
            print(f"linked at {link}", file=out, flush=True)
        for line in lines:
            scan = line.rstrip("\r\n")
            if not scan:
                continue
            os.write(master, scan.encode("utf-8") + terminator)
    return 0


# -- printer -----------------------------------------------------------------------------------


JOB_PNG = re.compile(r"job-(\d+)\.png")


def last_job_number(folder: Path) -> int:
    """The highest N of the ``job-N.png`` files in ``folder`` (0 when there are none)."""
    numbers = (JOB_PNG.fullmatch(path.name) for path in folder.iterdir())
    return max((int(match[1]) for match in numbers if match), default=0)


class PaperOut:
    """Prints each finished job and writes its PNG; numbers jobs on from the last PNG already in
    the folder, so a restarted simulator never overwrites the paper of an earlier run."""

    def __init__(self, folder: Path, paper_mm: int, columns: int, out: TextIO) -> None:
        self.folder = folder
        self.paper_mm = paper_mm
        self.columns = columns
        self.out = out
        self.count = last_job_number(folder)

    def _png(self, number: int) -> Path:
        return self.folder / f"job-{number:04d}.png"

    def job(self, job: Job) -> None:
        self.count += 1
        while self._png(self.count).exists():  # another simulator prints into the same folder
            self.count += 1
        rule = "-" * self.columns
        print(f"--- job {self.count} {rule}"[: self.columns + 4], file=self.out)
        for text in job.text_lines():
            print(text, file=self.out)
        if job.lines:
            path = self._png(self.count)
            save_job(job, path, self.paper_mm, self.columns)
            print(f"--- paper: {path}", file=self.out)
        self.out.flush()


def serve_tcp(server: socket.socket, decoder: EscposDecoder, paper: PaperOut) -> None:
    """One connection at a time, as a network printer takes them; each close ends a job."""
    while True:
        connection, _ = server.accept()
        with connection:
            while True:
                try:
                    data = connection.recv(READ_SIZE)
                except OSError:
                    data = b""
                if not data:
                    break
                for job in decoder.feed(data):
                    paper.job(job)
                if decoder.replies:
                    with contextlib.suppress(OSError):
                        connection.sendall(bytes(decoder.replies))
                    decoder.replies.clear()
        last = decoder.finish()
        if last is not None:
            paper.job(last)


def serve_pty(master: int, decoder: EscposDecoder, paper: PaperOut) -> None:
    """Reads the pty for ever; a pause of a second with no bytes ends an uncut job."""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if not ready:
            last = decoder.finish()
            if last is not None:
                paper.job(last)
            continue
        try:
            data = os.read(master, READ_SIZE)
        except OSError:
            continue  # nobody has the port open right now
        for job in decoder.feed(data):
            paper.job(job)
        if decoder.replies:
            os.write(master, bytes(decoder.replies))
            decoder.replies.clear()


def run_printer(args: argparse.Namespace, out: TextIO) -> int:
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    columns = args.columns or default_columns(args.width)
    paper = PaperOut(folder, args.width, columns, out)
    decoder = EscposDecoder(args.profile)
    if args.pty:
        with virtual_port(args.link) as (master, path):
            print(f"printer listening on {path}", file=out, flush=True)
            if args.link is not None:
                print(f"linked at {args.link}", file=out, flush=True)
            serve_pty(master, decoder, paper)
        return 0
    with socket.create_server((args.host, args.tcp), reuse_port=False) as server:
        host, port = server.getsockname()[:2]
        print(f"printer listening on tcp:{host}:{port}", file=out, flush=True)
        serve_tcp(server, decoder, paper)
    return 0


# -- command line ------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m hardware.simulate", description=__doc__)
    devices = cli.add_subparsers(dest="device", required=True)

    scanner = devices.add_parser("scanner", help="a serial barcode scanner on a virtual port")
    terminators = [terminator.name.lower() for terminator in Terminator]
    scanner.add_argument("--terminator", choices=terminators, default="cr")
    scanner.add_argument("--link", type=Path, help="a symlink to the port, a stable path")

    printer = devices.add_parser("printer", help="an ESC/POS receipt printer")
    where = printer.add_mutually_exclusive_group()
    where.add_argument("--tcp", type=int, metavar="PORT", default=9100, help="default 9100")
    where.add_argument("--pty", action="store_true", help="a virtual serial port instead")
    printer.add_argument("--host", default="127.0.0.1")
    printer.add_argument("--link", type=Path, help="with --pty: a symlink to the port")
    printer.add_argument("--out", default="printed", help="folder for the PNGs (./printed)")
    printer.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper, mm")
    printer.add_argument("--columns", type=int, help="font A columns (default 32 / 42)")
    printer.add_argument("--profile", default="default", help="python-escpos printer profile")
    return cli


def _stop(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not cut the cleanup short
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)  # a clean exit removes the --link symlink
    try:
        if args.device == "scanner":
            return run_scanner(
                Terminator.named(args.terminator).value, args.link, sys.stdin, sys.stdout
            )
        return run_printer(args, sys.stdout)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
