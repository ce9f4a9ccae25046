"""What the PostgreSQL benches share: a throwaway database, and timing a job in milliseconds."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator

import psycopg
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def postgres_database(admin_url: str, prefix: str, keep: bool = False) -> Iterator[str]:
    """A fresh database named from ``prefix`` on ``admin_url``'s server, dropped after unless
    ``keep`` (to EXPLAIN what the bench ran)."""
    admin = make_url(admin_url)
    libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        if keep:
            print(f'kept database {name}: drop it with DROP DATABASE "{name}"')
        else:
            with psycopg.connect(libpq, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_ms(runs: int, job: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        samples.append((time.perf_counter() - start) * 1000)
    return samples
