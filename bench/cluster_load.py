"""Redemptions through the chain's cluster (deploy/local-cluster): what HAProxy and PgBouncer
add, and two servers against one, all on this machine.

    ./dev python bench/cluster_load.py [--duration 10] [--rounds 1]

It starts the local cluster in a temporary folder, sets a store up through PgBouncer, and runs
bench/redeem_load.py's wrk load (a unique Idempotency-Key per request, one card per
connection) at 32 and at 8 connections against, in turn:

1. HAProxy in front of both servers, which reach the primary through PgBouncer;
2. server a alone, straight (no HAProxy), through PgBouncer;
3. a third server straight on the primary (no HAProxy, no PgBouncer);
4. HAProxy with server b stopped: one server behind it.

HAProxy's cost is 4 against 2, PgBouncer's 2 against 3, a second server 1 against 4. On a
2-core machine shared by wrk, PostgreSQL and the servers, the point is the overhead, not the
scaling. The books are checked afterwards as redeem_load.py checks them; the exit status is 1
when they do not balance or a 5xx was seen.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from _server import Running, running_server
from redeem_load import (
    Context,
    Scenario,
    ScenarioResult,
    check_books,
    issue_cards,
    log,
    probe_redeem,
    provision,
    read_books,
    run_scenario,
)

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "local-cluster"
# HAProxy checks every 0.5 s and takes a server out after 2 failed checks.
MARKED_DOWN_SECONDS = 2.0


@contextmanager
def local_cluster(base_port: int) -> Iterator[tuple[Path, dict[str, str]]]:
    folder = Path(tempfile.mkdtemp(prefix="pos-cluster-bench-"))
    folder.chmod(0o755)  # PostgreSQL runs as postgres and keeps its clusters in here
    # A session of its own: the servers and HAProxy it starts are one process group, whose
    # CPU the report shows as the servers'.
    started = subprocess.run(
        [str(SCRIPT), "start", "--dir", str(folder), "--base-port", str(base_port)],
        capture_output=True,
        text=True,
        check=False,
        start_new_session=True,
    )
    try:
        if started.returncode != 0:
            raise RuntimeError(f"local-cluster start failed:\n{started.stderr}")
        addresses = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
        yield folder, {key: value.strip('"') for key, value in addresses.items()}
    finally:
        subprocess.run([str(SCRIPT), "stop", "--dir", str(folder), "--purge"], check=False)


def group_of(folder: Path, name: str) -> int:
    return os.getpgid(int((folder / "run" / f"{name}.pid").read_text()))


def run(args: argparse.Namespace, workdir: Path) -> int:
    with local_cluster(args.base_port) as (folder, addresses):
        # The CLI and every server read the card numbers' key from the same folder.
        os.environ["POS_DATA_DIR"] = addresses["POS_CLUSTER_DATA_DIR"]
        pooled_url = addresses["POS_CLUSTER_DATABASE_URL"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
        primary_url = addresses["POS_CLUSTER_PRIMARY_URL"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
        haproxy = addresses["POS_CLUSTER_URL"]
        server_a = addresses["POS_CLUSTER_SERVERS"].split()[0]
        servers = group_of(folder, "server-a")
        ctx = Context(args=args, admin_url="", workdir=workdir)
        os.environ["POS_DATABASE_TRANSACTION_POOLING"] = "1"
        creds = provision(pooled_url, haproxy, pin="4711")
        ctx.numbers = issue_cards(pooled_url, count=1 + 32 + 8, amount=args.card_balance)
        del os.environ["POS_DATABASE_TRANSACTION_POOLING"]
        probe_card, *cards = ctx.numbers
        probe_redeem(haproxy, creds, probe_card, ctx.numbers[probe_card], args.amount)
        wide = Scenario("32 conns", 32, cards[0:32])
        narrow = Scenario("8 conns", 8, cards[32:40])
        run_id = uuid.uuid4().hex[:12]
        results: dict[str, list[ScenarioResult]] = {}

        def measure(path: str, target: Running) -> None:
            for round_ in range(args.rounds):
                for index, scenario in enumerate((wide, narrow)):
                    key = f"{run_id}-{len(results)}-{round_}-{index}"
                    log(f"{path}, {scenario.name}")
                    result = run_scenario(ctx, target, creds, scenario, key)
                    results.setdefault(f"{path}|{scenario.name}", []).append(result)

        measure("HAProxy, 2 servers, PgBouncer", Running(haproxy, servers))
        measure("server a, PgBouncer", Running(server_a, servers))
        with running_server(primary_url, 1, workdir / "direct.log") as direct:
            measure("a server on the primary", direct)
        os.kill(int((folder / "run" / "server-b.pid").read_text()), signal.SIGTERM)
        time.sleep(MARKED_DOWN_SECONDS)
        measure("HAProxy, 1 server, PgBouncer", Running(haproxy, servers))

        all_results = [r for rs in results.values() for r in rs]
        acknowledged = {probe_card: 1}
        in_flight = {probe_card: 0}
        for r in all_results:
            for card_id, ok in r.ok_per_card.items():
                acknowledged[card_id] = acknowledged.get(card_id, 0) + ok
            for card_id in r.scenario.cards:
                in_flight[card_id] = in_flight.get(card_id, 0) + 1 + r.socket_errors
        primary = addresses["POS_CLUSTER_PRIMARY_URL"]
        books = read_books(primary, list(acknowledged))
        checks = check_books(books, acknowledged, in_flight, args.amount, all_results)
    print_report(results, args)
    print("\nCorrectness")
    for check in checks:
        mark = "ok  " if check.passed else "FAIL"
        print(f"  [{mark}] {check.name}" + (f"  ({check.detail})" if check.detail else ""))
    return 0 if all(check.passed for check in checks) else 1


def print_report(results: dict[str, list[ScenarioResult]], args: argparse.Namespace) -> None:
    def median(path: str, scenario: str, figure: str) -> float:
        runs = results[f"{path}|{scenario}"]
        return statistics.median(getattr(r, figure) for r in runs)

    print(
        f"\nRedemptions through the local cluster ({args.duration} s each, median of "
        f"{args.rounds} round{'s' if args.rounds != 1 else ''}, CPUs: {os.cpu_count()})"
    )
    header = f"{'path':<34}{'conns':>6}{'2xx/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'5xx':>5}"
    print(header)
    print("-" * len(header))
    for key, runs in results.items():
        path, scenario = key.split("|")
        print(
            f"{path:<34}{runs[0].scenario.connections:>6}"
            f"{median(path, scenario, 'redemptions_per_s'):>9.1f}"
            f"{median(path, scenario, 'p50_ms'):>9.1f}{median(path, scenario, 'p99_ms'):>9.1f}"
            f"{sum(r.c5xx for r in runs):>5}"
        )
    two, one = "HAProxy, 2 servers, PgBouncer", "HAProxy, 1 server, PgBouncer"
    straight, primary = "server a, PgBouncer", "a server on the primary"
    print()
    gain = median(two, "32 conns", "redemptions_per_s") / median(
        one, "32 conns", "redemptions_per_s"
    )
    print(f"  2 servers / 1 server behind HAProxy, 32 conns: {gain:.2f}x")
    for what, with_it, without in (("HAProxy", one, straight), ("PgBouncer", straight, primary)):
        added = median(with_it, "8 conns", "p99_ms") - median(without, "8 conns", "p99_ms")
        print(f"  p99 added by {what} at 8 conns: {added:+.1f} ms")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (default 10)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every path (default 1)")
    parser.add_argument("--amount", type=int, default=100, help="minor units per redemption")
    parser.add_argument(
        "--card-balance", type=int, default=100_000_000, help="initial balance of each card"
    )
    parser.add_argument(
        "--base-port", type=int, default=25500, help="the cluster's first port (default 25500)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show wrk's own output")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pos-bench-") as workdir:
        return run(args, Path(workdir))


if __name__ == "__main__":
    sys.exit(main())
