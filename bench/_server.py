"""What the benches that start ``python -m pos_desktop.server serve`` share: a free port, the
server in a process group of its own, waiting for its health check, and stopping it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HEALTH = "/api/v1/health"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    database_url: str, workers: int, log_path: Path, port: int, *extra: str
) -> subprocess.Popen[bytes]:
    """``serve`` on ``port``, its output in ``log_path``, in a process group of its own."""
    cmd = [
        sys.executable,
        "-m",
        "pos_desktop.server",
        "serve",
        "--database-url",
        database_url,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *extra,
    ]
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            cmd, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )


@dataclass(frozen=True)
class Running:
    base_url: str
    group: int  # the process group of the server and its workers


@contextlib.contextmanager
def running_server(database_url: str, workers: int, log_path: Path) -> Iterator[Running]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    proc = start_server(database_url, workers, log_path, port)
    try:
        wait_healthy(base_url, proc, log_path)
        yield Running(base_url, proc.pid)
    finally:
        stop_process_group(proc)


def cpu_seconds(group: int) -> tuple[float, float]:
    """CPU time (user + system) used so far by the processes of ``group`` and by PostgreSQL's
    processes on this machine, from /proc (Linux); a process that ended is not counted."""
    ticks = os.sysconf("SC_CLK_TCK")
    ours = postgres = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = int(fields[11]) + int(fields[12])
        if int(fields[2]) == group:
            ours += used
        elif name == "postgres":
            postgres += used
    return ours / ticks, postgres / ticks


def wait_healthy(
    base_url: str, proc: subprocess.Popen[bytes], log_path: Path, every: float = 0.2
) -> None:
    """Until the health check answers 200, asking ``every`` seconds; 60 s at most."""
    deadline = time.monotonic() + 60
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited ({proc.returncode}):\n{tail(log_path)}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{base_url}{HEALTH}").status_code == 200:
                    return
            time.sleep(every)
    raise RuntimeError(f"server not healthy after 60 s:\n{tail(log_path)}")


def stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
