"""/metrics of `serve --workers 2`: whichever worker answers the scrape, it counts every
worker's requests."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import Provisioned
from tests.fixtures.server_process import serve

pytestmark = pytest.mark.e2e

HEALTH = {"method": "GET", "route": "/api/v1/health", "status": "200"}


def health_answers(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "pos_http_requests_total" and sample.labels == HEALTH:
                return sample.value
    return 0.0


def test_metrics_of_two_workers_sum_both(provisioned: Provisioned, tmp_path: Path) -> None:
    """40 health checks on fresh connections, spread by the kernel over two worker processes,
    are 40 (plus the start-up's own checks) in every scrape, whichever worker answers it."""
    args = ("--database-url", provisioned.database_url, "--workers", "2")
    with serve(args, tmp_path / "server.log") as server:
        before = health_answers(httpx.get(f"{server.base_url}/metrics", timeout=30).text)
        for _ in range(40):
            assert httpx.get(f"{server.base_url}/api/v1/health", timeout=30).status_code == 200
        scrapes = [
            health_answers(httpx.get(f"{server.base_url}/metrics", timeout=30).text)
            for _ in range(6)
        ]
        workers = serving_workers(server.process.pid)

    assert workers == 2, server.log()
    assert scrapes == [before + 40] * 6


def serving_workers(supervisor: int) -> int:
    """The supervisor's children that serve: uvicorn's workers (multiprocessing's resource
    tracker aside)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    commands = [Path(f"/proc/{child}/cmdline").read_bytes() for child in children]
    return sum(b"spawn_main" in command for command in commands)
