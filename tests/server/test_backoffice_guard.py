"""Every Back Office endpoint, and every other manager-only one, refuses a cashier (403) and a
caller without a session (401), read from the app's OpenAPI document so a new endpoint
cannot slip through untested."""

from __future__ import annotations

import importlib
import pkgutil
import re
import uuid

import httpx
import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from sqlalchemy import create_engine

from pos_desktop.server import routes
from pos_desktop.server.app import API_PREFIX, create_app
from pos_desktop.server.deps import current_manager
from tests.fixtures.server_world import World

BACK_OFFICE = f"{API_PREFIX}/backoffice"


def _depends_on_manager(route: APIRoute) -> bool:
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        if dependant.call is current_manager:
            return True
        pending.extend(dependant.dependencies)
    return False


def _guarded_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation under /backoffice, and of every other one that
    asks for a manager (found in every router of pos_desktop.server.routes); the document
    is read from an app on a database never opened."""
    app = create_app(create_engine("sqlite://"))
    routers: list[APIRouter] = [
        importlib.import_module(f"{routes.__name__}.{module.name}").router
        for module in pkgutil.iter_modules(routes.__path__)
    ]
    managers = {
        (method, f"{API_PREFIX}{route.path}")
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and _depends_on_manager(route)
        for method in route.methods
    }
    operations = [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if path.startswith(BACK_OFFICE) or (method.upper(), path) in managers
    ]
    return sorted(operations)


GUARDED = _guarded_operations()


def _call(
    world: World, method: str, path: str, who: str | None, session: bool = True
) -> httpx.Response:
    url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
    headers = world.headers(who, key=uuid.uuid4().hex) if session else {}
    body = None if method == "GET" else {}
    return world.client.request(method, url, json=body, headers=headers)


def test_backoffice_guard_covers_every_back_office_area() -> None:
    """The guarded list holds the store, staff, registers and audit endpoints."""
    paths = {path for _, path in GUARDED}

    for area in ("store", "employees", "registers", "audit"):
        assert any(path.startswith(f"{BACK_OFFICE}/{area}") for path in paths), area
    assert ("POST", f"{API_PREFIX}/employees") in GUARDED


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_backoffice_guard_cashier_is_refused(world: World, method: str, path: str) -> None:
    """A cashier's session gets 403 forbidden, whatever the register shows."""
    response = _call(world, method, path, "cashier")

    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_backoffice_guard_without_a_session_is_401(world: World, method: str, path: str) -> None:
    """A register without a logged-in employee, or no register at all, gets 401."""
    for session in (True, False):
        response = _call(world, method, path, None, session)

        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "unauthorized"
