"""GET /metrics: what an operator's Prometheus reads off a server."""

from __future__ import annotations

import gc
import weakref

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from pos_desktop.domain.card_number import generate_card_number
from pos_desktop.server.app import create_app
from pos_desktop.server.config import ServerConfig
from tests.fixtures.server_world import World

REDEEM_ROUTE = "/api/v1/giftcards/{card_id}/redeem"
TOKEN = "prometheus-secret"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def server_config() -> ServerConfig:
    """A server with a metrics token: the test client is no loopback address."""
    return ServerConfig(metrics_token=TOKEN)


def scraped(world: World) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the exposition, by name and labels."""
    response = world.client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_a_redemption_its_amount_its_route_and_its_time(world: World) -> None:
    """A redemption shows as a request of the redeem route (by its template, not the card's
    id) answered 200 and timed, and as a value move of its amount."""
    card = world.issue_card(50_00)
    before = scraped(world)

    assert world.redeem(card["id"], 12_50).status_code == 200

    after = scraped(world)
    ok = {"method": "POST", "route": REDEEM_ROUTE, "status": "200"}
    assert (
        value(after, "pos_http_requests_total", **ok)
        - value(before, "pos_http_requests_total", **ok)
        == 1
    )
    timed = {"method": "POST", "route": REDEEM_ROUTE}
    assert (
        value(after, "pos_http_request_seconds_count", **timed)
        - value(before, "pos_http_request_seconds_count", **timed)
        == 1
    )
    moved = ("pos_value_moved_minor_units_total", {"what": "redeem", "currency": "USD"})
    assert value(after, moved[0], **moved[1]) - value(before, moved[0], **moved[1]) == 12_50
    assert (
        value(after, "pos_value_moves_total", what="redeem")
        - value(before, "pos_value_moves_total", what="redeem")
        == 1
    )
    assert card["id"] not in world.client.get("/metrics", headers=SCRAPER).text


def test_metrics_count_replays_and_rate_limit_refusals(world: World) -> None:
    """A request sent again under its key is a replay; a register over its limit is a 429."""
    card = world.issue_card(50_00)
    before = scraped(world)

    world.redeem(card["id"], 1_00, key="once")
    world.redeem(card["id"], 1_00, key="once")
    for _ in range(30):
        refused = world.redeem(card["id"], 1_00, number=generate_card_number())
    after = scraped(world)

    assert refused.status_code == 429
    assert (
        value(after, "pos_idempotent_replays_total") - value(before, "pos_idempotent_replays_total")
        == 1
    )
    assert value(after, "pos_rate_limited_total") > value(before, "pos_rate_limited_total")


def test_metrics_show_the_mail_outbox_and_the_pool(world: World) -> None:
    """The e-gift mail a sent card queues is in the outbox gauge (no sender runs here); the
    pool gauge is there."""
    before = scraped(world)

    world.issue_card(50_00)  # sent: its recipient's mail is queued

    after = scraped(world)
    assert value(after, "pos_mail_queued") == value(before, "pos_mail_queued") + 1
    assert value(after, "pos_mail_given_up") == 0
    assert ("pos_db_pool_connections_in_use", frozenset()) in after


@pytest.mark.parametrize("sent", [{}, {"Authorization": "Bearer guess"}, {"Authorization": TOKEN}])
def test_metrics_need_the_token_when_the_server_has_one(world: World, sent: dict[str, str]) -> None:
    """No token, a wrong one, or the right one not as a bearer token: 401, no figures."""
    response = world.client.get("/metrics", headers=sent)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert "pos_" not in response.text


def test_metrics_without_a_token_are_for_this_machine_only(world: World) -> None:
    """A server with no metrics token answers a scrape from another machine with 403 (the
    test client is not loopback), and one from this machine with the figures."""
    app = create_app(world.engine, clock=world.clock)

    with TestClient(app) as elsewhere, TestClient(app, client=("127.0.0.1", 50000)) as here:
        refused = elsewhere.get("/metrics")
        answered = here.get("/metrics")

    assert refused.status_code == 403
    assert "for this machine only" in refused.json()["error"]["message"]
    assert answered.status_code == 200
    assert "pos_http_requests_total" in answered.text


def test_metrics_route_keeps_no_app_alive_once_it_is_done(engine: Engine) -> None:
    """An app that served a scrape and a register's request is freed once let go: FastAPI
    caches what it learns of each endpoint function, and a route that closed over its app kept
    every app a process made alive (13,000 objects each, whose garbage collections then
    stalled the process for seconds)."""
    app = create_app(engine, config=ServerConfig(metrics_token=TOKEN))
    with TestClient(app) as client:
        assert client.get("/metrics", headers=SCRAPER).status_code == 200
        assert client.get("/api/v1/sync/pull").status_code == 401
    freed = weakref.ref(app)
    del app, client
    gc.collect()
    assert freed() is None
