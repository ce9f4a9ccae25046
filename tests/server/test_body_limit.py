"""Request bodies over the size limit are refused with 413 before the server reads them.

In-process through the app on SQLite and PostgreSQL, and over a real uvicorn server on a
loopback port, where a 40 MiB upload is refused after its first 64 KiB.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

from pos_desktop.server.app import create_app
from tests.fixtures.server_world import World

KIB = 1024
MIB = 1024 * KIB
ENROLL = "/api/v1/registers/enroll"
PUSH = "/api/v1/sync/push"
JSON = {"Content-Type": "application/json"}

START_SECONDS = 20.0
STOP_SECONDS = 10.0
IO_SECONDS = 5.0


def padded(body: dict[str, Any], size: int) -> bytes:
    """``body`` as JSON followed by spaces, ``size`` bytes in all: still a valid request."""
    text = json.dumps(body).encode()
    assert len(text) <= size
    return text + b" " * (size - len(text))


def chunks(data: bytes, size: int = 16 * KIB) -> Iterator[bytes]:
    """``data`` as a stream: sent chunked, with no Content-Length."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def assert_too_large(response: httpx.Response, limit_kib: int) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert f"{limit_kib} KiB" in error["message"]


def new_enroll_code(world: World) -> str:
    response = world.post("/registers/enroll-codes", who="manager")
    assert response.status_code == 200, response.text
    code: str = response.json()["code"]
    return code


# --- In-process, through the app -----------------------------------------------------------


def test_enroll_body_of_40_mib_is_refused_with_413(world: World) -> None:
    """An anonymous 40 MiB body to /registers/enroll gets 413 payload_too_large naming 64 KiB."""
    response = world.client.post(ENROLL, content=b"x" * (40 * MIB), headers=JSON)

    assert_too_large(response, 64)


def test_enroll_body_of_exactly_64_kib_reaches_the_route(world: World) -> None:
    """A body of exactly 64 KiB is parsed by the route, which refuses its unknown code."""
    body = padded({"code": "NOT-A-CODE", "name": "Register 2"}, 64 * KIB)

    response = world.client.post(ENROLL, content=body, headers=JSON)

    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "invalid_enroll_code"


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_enroll_body_over_the_limit_never_reaches_the_route(world: World, framing: str) -> None:
    """A valid enrollment padded one byte past 64 KiB gets 413, and its code stays unused."""
    code = new_enroll_code(world)
    body = padded({"code": code, "name": "Register 2"}, 64 * KIB + 1)

    refused = world.client.post(
        ENROLL, content=body if framing == "content-length" else chunks(body), headers=JSON
    )
    enrolled = world.client.post(ENROLL, json={"code": code, "name": "Register 2"})

    assert_too_large(refused, 64)
    assert enrolled.status_code == 200, enrolled.text


def test_push_of_1_mib_passes_the_limiter(world: World) -> None:
    """A 1 MiB push from a register is let through: without a token it gets 401, not 413."""
    body = padded({"tickets": []}, 1 * MIB)

    response = world.client.post(PUSH, content=body, headers=JSON)

    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"


def test_push_of_5_mib_is_refused_with_413(world: World) -> None:
    """A 5 MiB push gets 413 naming its own 4 MiB limit, even from an enrolled register."""
    body = padded({"tickets": []}, 5 * MIB)

    response = world.client.post(PUSH, content=body, headers={**JSON, **world.headers()})

    assert_too_large(response, 4 * 1024)


def test_malformed_content_length_is_refused_with_400(world: World) -> None:
    """A Content-Length that is not a number gets 400 invalid_request, not a parse attempt."""
    response = world.client.post(ENROLL, content=b"{}", headers={**JSON, "Content-Length": "12abc"})

    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_request"


# --- Over a real uvicorn server ---------------------------------------------------------------


@pytest.fixture
def live_server(engine: Engine) -> Iterator[tuple[str, int]]:
    """The app on a real uvicorn server in a thread, on a loopback port of its own."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(engine), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("uvicorn did not start")
            time.sleep(0.01)
        host, port = listener.getsockname()
        yield host, port
    finally:
        server.should_exit = True
        thread.join(timeout=STOP_SECONDS)
        listener.close()


def read_until_closed(conn: socket.socket, most: int = 1 * MIB) -> bytes:
    """What the server sends until it closes the connection; the socket's timeout bounds
    each wait, ``most`` the bytes."""
    answer = b""
    while len(answer) < most:
        try:
            data = conn.recv(64 * KIB)
        except ConnectionResetError:
            # It closed with our unread upload in its buffer; its answer arrived before.
            break
        if not data:
            break
        answer += data
    return answer


# The body the limiter guards is the same on every database: run these on SQLite only.
@pytest.mark.e2e
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_uvicorn_answers_413_to_a_40_mib_upload_after_its_first_64_kib(
    live_server: tuple[str, int],
) -> None:
    """uvicorn answers a declared 40 MiB body with 413 and closes, without waiting for it."""
    head = (
        f"POST {ENROLL} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {40 * MIB}\r\n\r\n"
    ).encode()
    with socket.create_connection(live_server, timeout=IO_SECONDS) as conn:
        conn.sendall(head + b"x" * (64 * KIB))
        answer = read_until_closed(conn)

    status, _, rest = answer.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 413 "), answer[:500]
    assert b"content-type: application/json" in headers.lower()
    assert json.loads(body)["error"]["code"] == "payload_too_large"


@pytest.mark.e2e
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_uvicorn_refuses_a_chunked_upload_over_the_limit(live_server: tuple[str, int]) -> None:
    """A streamed body with no Content-Length gets 413 once it passes 64 KiB."""
    host, port = live_server

    response = httpx.post(
        f"http://{host}:{port}{ENROLL}",
        content=chunks(b" " * MIB),
        headers=JSON,
        timeout=IO_SECONDS,
    )

    assert "content-length" not in response.request.headers
    assert_too_large(response, 64)
