"""The Back Office's store settings: checked field by field, audited, pulled by registers."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.fixtures.server_world import World


def patch_store(world: World, body: dict[str, Any], who: str = "manager") -> httpx.Response:
    return world.client.patch("/api/v1/backoffice/store", json=body, headers=world.headers(who))


def audit_entries(world: World) -> list[dict[str, Any]]:
    response = world.get("/backoffice/audit", who="manager")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_backoffice_store_shows_every_setting(world: World) -> None:
    """A manager reads the store's settings, the currency still free to change."""
    response = world.get("/backoffice/store", who="manager")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Test Store"
    assert (body["currency"], body["locale"], body["timezone"]) == (
        "USD",
        "en_US",
        "America/New_York",
    )
    assert body["currency_locked"] is False
    assert body["address"] == "" and body["receipt_footer"] == ""


def test_backoffice_store_change_is_audited_and_pulled(world: World) -> None:
    """A change is saved, written to the audit log with old and new values, and reaches a
    register at its next pull."""
    cursor = world.get("/sync/pull", who=None).json()["cursor"]

    response = patch_store(
        world,
        {
            "name": "Corner Café",
            "address": "1 Main St",
            "receipt_footer": "Thank you!",
            "currency": "EUR",
            "locale": "fr_FR",
            "timezone": "Europe/Paris",
            "prices_include_tax": True,
            "tenders": ["Voucher", "Store credit"],
        },
    )

    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Corner Café"
    pulled = world.get("/sync/pull", who=None, cursor=cursor).json()["settings"]
    assert pulled["store_name"] == "Corner Café"
    assert pulled["currency"] == "EUR" and pulled["timezone"] == "Europe/Paris"
    assert pulled["receipt_footer"] == "Thank you!"
    assert pulled["tenders"] == ["Voucher", "Store credit"]
    [entry] = audit_entries(world)
    assert entry["action"] == "store.updated"
    assert entry["employee"]["name"] == "Morgan Manager"
    assert entry["register"]["name"] == "Register 1"
    assert entry["changes"]["name"] == {"old": "Test Store", "new": "Corner Café"}
    assert entry["changes"]["prices_include_tax"] == {"old": False, "new": True}
    assert "phone" not in entry["changes"]


def test_backoffice_store_unchanged_values_write_nothing(world: World) -> None:
    """Saving the settings as they are neither audits nor makes registers pull again."""
    cursor = world.get("/sync/pull", who=None).json()["cursor"]

    response = patch_store(world, {"name": "Test Store", "currency": "USD"})

    assert response.status_code == 200
    assert audit_entries(world) == []
    assert world.get("/sync/pull", who=None, cursor=cursor).json()["settings"] is None


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"currency": "XYZ"}, "currency", "invalid_setting"),
        ({"currency": "usd"}, "currency", "invalid_setting"),
        ({"locale": "xx_QQ"}, "locale", "invalid_setting"),
        ({"timezone": "Mars/Olympus"}, "timezone", "invalid_setting"),
        ({"name": "   "}, "name", "invalid_request"),
        ({"idle_lock_seconds": 5}, "idle_lock_seconds", "invalid_request"),
        ({"deduction_code_minutes": 61}, "deduction_code_minutes", "invalid_request"),
        ({"max_card_amount": 0}, "max_card_amount", "invalid_request"),
        ({"tip_base": "grand total"}, "tip_base", "invalid_request"),
        ({"pin_digits": 5}, "pin_digits", "invalid_request"),
        ({"tenders": [""]}, "tenders.0", "invalid_request"),
        ({"tip_presets": [10, 15, 10]}, "tip_presets", "invalid_setting"),
        ({"tip_presets": []}, "tip_presets", "invalid_request"),
        ({"tip_presets": [5, 10, 15, 20, 25]}, "tip_presets", "invalid_request"),
        ({"tip_presets": [0]}, "tip_presets.0", "invalid_request"),
        ({"tip_presets": [101]}, "tip_presets.0", "invalid_request"),
        (
            {"tax_rates": [{"name": "Food", "rate_bp": 0}, {"name": "food ", "rate_bp": 500}]},
            "tax_rates",
            "invalid_setting",
        ),
        ({"tax_rates": [{"name": " ", "rate_bp": 500}]}, "tax_rates.0.name", "invalid_request"),
        (
            {"tax_rates": [{"name": "Luxury", "rate_bp": 10_001}]},
            "tax_rates.0.rate_bp",
            "invalid_request",
        ),
        (
            {"tax_rates": [{"name": f"Rate {n}", "rate_bp": n} for n in range(11)]},
            "tax_rates",
            "invalid_request",
        ),
        ({"approvals": ["fly_to_the_moon"]}, "approvals.0", "invalid_request"),
        # Each of these was a 500 on PostgreSQL, or a store that could not hold it.
        ({"tenders": ["Voucher", "Gift\x00card"]}, "tenders.1", "invalid_request"),
        ({"tenders": ["Store\ncredit"]}, "tenders.0", "invalid_request"),
        ({"tenders": ["Tab\tname"]}, "tenders.0", "invalid_request"),
        ({"locale": "en_US@" + "x" * 40}, "locale", "invalid_request"),
        ({"timezone": "America/" + "x" * 57}, "timezone", "invalid_request"),
        ({"currency": 5}, "currency", "invalid_request"),
    ],
)
def test_backoffice_store_refuses_a_bad_value_naming_its_field(
    world: World, body: dict[str, Any], field: str, code: str
) -> None:
    """A value the store cannot hold is refused with its field named; nothing changes."""
    response = patch_store(world, body)

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert field.split(".")[0] in error["message"]
    assert audit_entries(world) == []


def test_backoffice_store_tax_rates_tips_and_approvals_are_audited_and_pulled(
    world: World,
) -> None:
    """Tax rates, tip presets (kept smallest first) and the actions that need a manager's PIN
    are saved, audited old → new, and reach a register at its next pull."""
    cursor = world.get("/sync/pull", who=None).json()["cursor"]
    rates = [{"name": "Standard", "rate_bp": 825}, {"name": "Food", "rate_bp": 0}]

    response = patch_store(
        world,
        {
            "tax_rates": rates,
            "tip_presets": [20, 5, 12],
            "approvals": ["reprint", "void_ticket"],
        },
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tax_rates"] == rates
    assert body["tip_presets"] == [5, 12, 20]
    assert body["approvals"] == ["void_ticket", "reprint"]
    pulled = world.get("/sync/pull", who=None, cursor=cursor).json()["settings"]
    assert pulled["tax_rates"] == rates
    assert pulled["tip_presets"] == [5, 12, 20]
    assert pulled["approvals"] == ["void_ticket", "reprint"]
    [entry] = audit_entries(world)
    assert entry["changes"]["tax_rates"] == {"old": [], "new": rates}
    assert entry["changes"]["tip_presets"] == {"old": [10, 15, 20], "new": [5, 12, 20]}
    assert entry["changes"]["approvals"] == {"old": [], "new": ["void_ticket", "reprint"]}


def test_backoffice_store_same_tips_and_approvals_in_another_order_change_nothing(
    world: World,
) -> None:
    """Tip presets and approvals are sets to the store: the same ones in another order are
    no change, neither audited nor pulled again."""
    patch_store(world, {"tip_presets": [10, 15, 20], "approvals": ["reprint", "refund"]})
    cursor = world.get("/sync/pull", who=None).json()["cursor"]
    before = audit_entries(world)

    response = patch_store(world, {"tip_presets": [20, 10, 15], "approvals": ["refund", "reprint"]})

    assert response.status_code == 200, response.text
    assert audit_entries(world) == before
    assert world.get("/sync/pull", who=None, cursor=cursor).json()["settings"] is None


def test_backoffice_store_currency_is_locked_once_a_card_exists(world: World) -> None:
    """Once a card exists, the currency no longer changes; other settings still do."""
    world.issue_card(10_00)

    refused = patch_store(world, {"currency": "EUR"})
    allowed = patch_store(world, {"phone": "555-0100"})

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "currency_locked"
    assert allowed.status_code == 200
    assert allowed.json()["currency"] == "USD" and allowed.json()["currency_locked"] is True


def test_backoffice_store_currency_is_locked_once_a_ticket_exists(world: World) -> None:
    """A pushed ticket locks the currency too."""
    assert world.push_completed_ticket("00000000-0000-4000-8000-000000000001").status_code == 200

    refused = patch_store(world, {"currency": "EUR"})

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "currency_locked"


def test_backoffice_store_audit_pages_back_with_before(world: World) -> None:
    """The page after an entry holds the older ones; an id that names no entry of this
    store's log is refused."""
    patch_store(world, {"phone": "1"})
    world.clock.advance(seconds=1)
    patch_store(world, {"phone": "2"})
    [newest, oldest] = audit_entries(world)

    page = world.get("/backoffice/audit", who="manager", before=newest["id"])
    unknown = world.get("/backoffice/audit", who="manager", before=str(uuid.uuid4()))
    not_an_id = world.get("/backoffice/audit", who="manager", before="2026-01-01T00:00:00")

    assert [entry["id"] for entry in page.json()["items"]] == [oldest["id"]]
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid_cursor"
    assert not_an_id.status_code == 422


def test_backoffice_store_audit_pages_entries_of_one_instant_whole(world: World) -> None:
    """Entries written at the same instant page back one by one, none lost, none twice, in
    the order of the whole log."""
    for phone in range(7):
        patch_store(world, {"phone": str(phone)})
    world.clock.advance(seconds=1)
    patch_store(world, {"phone": "later"})
    everything = [entry["id"] for entry in audit_entries(world)]
    assert len(everything) == 8

    paged: list[str] = []
    before: dict[str, str] = {}
    for _ in everything:  # a page at least each, and one more to find the end
        page = world.get("/backoffice/audit", who="manager", limit=3, **before)
        assert page.status_code == 200, page.text
        items = [entry["id"] for entry in page.json()["items"]]
        if not items:
            break
        paged += items
        before = {"before": items[-1]}
    else:
        pytest.fail(f"no end to the log after {len(everything)} pages")

    assert paged == everything
