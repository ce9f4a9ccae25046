"""Server start-up: from ``python -m pos_desktop.server serve`` started to ``/api/v1/health``
answering 200, the seconds a register's gift cards are refused after a server restarts.

    ./dev python bench/serve_startup.py [--runs 10] [--workers 1] [--postgres URL]

A fresh database (SQLite in a temporary folder, or a throwaway one on ``--postgres``'s server)
is migrated by one unmeasured first start, reported on its own line; then ``--runs`` starts,
each a fresh process, with the health check asked every 10 ms. Prints each start and the
median. Aim: median <= 1.5 s on a quiet machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _postgres import postgres_database
from _server import free_port, start_server, stop_process_group, wait_healthy

AIM_SECONDS = 1.5


def start_once(database_url: str, workers: int, log_path: Path) -> float:
    """Seconds from the process started to the first 200 from the health check."""
    port = free_port()
    started = time.monotonic()
    proc = start_server(database_url, workers, log_path, port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log_path, every=0.01)
        return time.monotonic() - started
    finally:
        stop_process_group(proc)


@contextlib.contextmanager
def database(folder: Path, postgres: str | None) -> Iterator[str]:
    if postgres is None:
        yield f"sqlite:///{folder / 'server.sqlite3'}"
        return
    with postgres_database(postgres, "pos_bench_startup") as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (default SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["POS_DATA_DIR"] = str(folder / "data")
        # As on a server: Python keeps the modules it compiled at the first start.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        log_path = folder / "server.log"
        with database(folder, args.postgres) as url:
            first = start_once(url, args.workers, log_path)
            print(f"first start (migrates a new database): {first:.2f} s", flush=True)
            starts = []
            for run in range(1, args.runs + 1):
                starts.append(start_once(url, args.workers, log_path))
                print(f"start {run:2d}: {starts[-1]:.2f} s", flush=True)
    median = statistics.median(starts)
    verdict = "aim met" if median <= AIM_SECONDS else "AIM MISSED"
    print(f"\nmedian start to healthy, {args.workers} worker(s): {median:.2f} s; ", end="")
    print(f"<= {AIM_SECONDS} s: {verdict}")


if __name__ == "__main__":
    main()
