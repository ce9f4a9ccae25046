"""The Back Office catalog: categories, products and barcodes, versions, CSV export/import."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from pos_desktop.domain import catalog_csv
from tests.fixtures.server_world import World


def patch(world: World, path: str, body: dict[str, Any], who: str = "manager") -> httpx.Response:
    return world.client.patch(f"/api/v1{path}", json=body, headers=world.headers(who))


def made(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def add_category(world: World, name: str) -> dict[str, Any]:
    return made(world.post("/backoffice/categories", {"name": name}, who="manager"))


def add_product(world: World, category: dict[str, Any], **fields: Any) -> httpx.Response:
    body = {"name": "Espresso", "category_id": category["id"], "price": 3_00, **fields}
    return world.post("/backoffice/products", body, who="manager")


def products(world: World, **params: Any) -> dict[str, Any]:
    return made(world.get("/backoffice/products", who="manager", **params))


def import_rows(world: World, text: str, dry_run: bool = False) -> httpx.Response:
    rows = catalog_csv.read_csv(text.encode())
    body = {
        "rows": [
            {field: getattr(row, field) for field in ("line", *catalog_csv.COLUMNS)} for row in rows
        ],
        "dry_run": dry_run,
    }
    return world.post("/backoffice/products/import", body, who="manager")


def test_backoffice_catalog_category_order_and_colour(world: World) -> None:
    """Categories list in the order they were made, each with a palette colour; moving one
    renumbers the rest."""
    coffee = add_category(world, "Coffee")
    add_category(world, "Bakery")
    gifts = add_category(world, "Gifts")

    moved = made(
        patch(world, f"/backoffice/categories/{gifts['id']}", {"version": 1, "position": 0})
    )

    listed = made(world.get("/backoffice/categories", who="manager"))["items"]
    assert [(c["name"], c["position"]) for c in listed] == [
        ("Gifts", 0),
        ("Coffee", 1),
        ("Bakery", 2),
    ]
    assert moved["version"] == 2
    assert coffee["colour"].startswith("#") and len(coffee["colour"]) == 7


def test_backoffice_catalog_category_name_taken(world: World) -> None:
    """A second category of the same name (any case) is refused."""
    add_category(world, "Coffee")

    response = world.post("/backoffice/categories", {"name": "coffee"}, who="manager")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "category_taken"


def test_backoffice_catalog_product_with_barcodes_reaches_registers(world: World) -> None:
    """A new product with two barcodes is listed, audited and pulled with its category."""
    cursor = world.get("/sync/pull", who=None).json()["cursor"]
    coffee = add_category(world, "Coffee")

    product = made(add_product(world, coffee, barcodes=["0012345000017", "ESP-1"]))

    assert product["barcodes"] == ["0012345000017", "ESP-1"]
    assert product["updated_by"]["name"] == "Morgan Manager"
    pulled = world.get("/sync/pull", who=None, cursor=cursor).json()
    assert [(p["name"], p["category"], p["barcodes"]) for p in pulled["products"]] == [
        ("Espresso", "Coffee", ["0012345000017", "ESP-1"])
    ]
    assert pulled["products"][0]["barcode"] == "0012345000017"
    assert [c["name"] for c in pulled["categories"]] == ["Coffee"]
    audit = made(world.get("/backoffice/audit", who="manager"))["items"]
    created = next(entry for entry in audit if entry["action"] == "product.created")
    assert created["target_id"] == product["id"]
    assert created["changes"]["price"] == {"old": None, "new": 3_00}


def test_backoffice_catalog_duplicate_barcode_names_its_product(world: World) -> None:
    """A barcode another product has is refused, naming that product."""
    coffee = add_category(world, "Coffee")
    made(add_product(world, coffee, barcodes=["111"]))

    response = add_product(world, coffee, name="Latte", barcodes=["222", "111"])

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("barcode_taken", "barcodes")
    assert "Espresso" in error["message"]
    assert products(world)["total"] == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"price": -1}, "price"),
        ({"tax_rate_bp": 10_001}, "tax_rate_bp"),
        ({"name": "   "}, "name"),
        ({"barcodes": ["has space"]}, "barcodes"),
    ],
)
def test_backoffice_catalog_refuses_bad_fields(
    world: World, fields: dict[str, Any], field: str
) -> None:
    """A negative price, a tax rate over 100 %, an empty name or a bad barcode is a 422."""
    coffee = add_category(world, "Coffee")

    response = add_product(world, coffee, **fields)

    assert response.status_code == 422, response.text
    assert products(world)["total"] == 0


def test_backoffice_catalog_second_save_is_refused_naming_the_first(world: World) -> None:
    """Two managers edit the same product: the second save, made on the old version, is
    refused with who changed it and when; nothing is overwritten."""
    coffee = add_category(world, "Coffee")
    product = made(add_product(world, coffee))
    path = f"/backoffice/products/{product['id']}"

    first = made(patch(world, path, {"version": product["version"], "price": 3_25}))
    second = patch(world, path, {"version": product["version"], "price": 2_75})

    assert first["version"] == product["version"] + 1
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "stale_version"
    assert "changed by Morgan Manager at" in error["message"]
    assert products(world)["items"][0]["price"]["amount"] == 3_25


def test_backoffice_catalog_reload_gives_the_latest_version(world: World) -> None:
    """After a stale save, the editor reloads the product: the other manager's change, its new
    version and who made it."""
    coffee = add_category(world, "Coffee")
    product = made(add_product(world, coffee, barcodes=["111", "222"]))
    path = f"/backoffice/products/{product['id']}"
    made(patch(world, path, {"version": product["version"], "price": 3_25}))

    latest = made(world.get(path, who="manager"))

    assert (latest["price"]["amount"], latest["version"]) == (3_25, product["version"] + 1)
    assert latest["barcodes"] == ["111", "222"]
    assert latest["updated_by"]["name"] == "Morgan Manager"


def test_backoffice_catalog_archive_keeps_the_product(world: World) -> None:
    """An archived product leaves the list and the registers' grid but stays on file."""
    coffee = add_category(world, "Coffee")
    product = made(add_product(world, coffee))
    cursor = world.get("/sync/pull", who=None).json()["cursor"]

    made(patch(world, f"/backoffice/products/{product['id']}", {"version": 1, "active": False}))

    assert products(world)["total"] == 0
    assert [p["name"] for p in products(world, archived=True)["items"]] == ["Espresso"]
    pulled = world.get("/sync/pull", who=None, cursor=cursor).json()["products"]
    assert [(p["name"], p["active"]) for p in pulled] == [("Espresso", False)]


def test_backoffice_catalog_search_filter_and_pages(world: World) -> None:
    """Search by part of a name or a whole barcode, filter by category, page by offset."""
    coffee = add_category(world, "Coffee")
    bakery = add_category(world, "Bakery")
    for index in range(7):
        made(add_product(world, coffee, name=f"Blend {index}", barcodes=[f"B{index}"]))
    made(add_product(world, bakery, name="Croissant"))

    assert products(world, search="blend")["total"] == 7
    assert [p["name"] for p in products(world, search="B3")["items"]] == ["Blend 3"]
    assert [p["name"] for p in products(world, category_id=bakery["id"])["items"]] == ["Croissant"]
    page = products(world, offset=5, limit=5)
    assert (page["total"], [p["name"] for p in page["items"]]) == (
        8,
        ["Blend 5", "Blend 6", "Croissant"],
    )
    assert products(world, search="100%")["total"] == 0


def test_backoffice_catalog_renamed_category_goes_to_registers_with_its_products(
    world: World,
) -> None:
    """Renaming a category sends its products again, under the new name."""
    coffee = add_category(world, "Coffee")
    made(add_product(world, coffee))
    cursor = world.get("/sync/pull", who=None).json()["cursor"]

    made(
        patch(world, f"/backoffice/categories/{coffee['id']}", {"version": 1, "name": "Hot drinks"})
    )

    pulled = world.get("/sync/pull", who=None, cursor=cursor).json()
    assert [p["category"] for p in pulled["products"]] == ["Hot drinks"]
    assert [c["name"] for c in pulled["categories"]] == ["Hot drinks"]


def test_backoffice_catalog_export_then_import_updates_in_place(world: World) -> None:
    """The export, edited and imported back, changes those products instead of adding copies."""
    coffee = add_category(world, "Coffee")
    made(add_product(world, coffee, barcodes=["111"], tax_rate_bp=825))
    exported = world.get("/backoffice/products/export", who="manager")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == list(catalog_csv.COLUMNS)
    assert rows[1][1:] == ["Espresso", "Coffee", "3.00", "8.25", "111", "yes"]

    unchanged = made(import_rows(world, exported.text))
    unchanged_preview = made(import_rows(world, exported.text, dry_run=True))
    rows[1][3] = "3.40"
    edited = io.StringIO()
    csv.writer(edited).writerows(rows)
    changed_preview = made(import_rows(world, edited.getvalue(), dry_run=True))
    changed = made(import_rows(world, edited.getvalue()))

    assert (unchanged["created"], unchanged["updated"]) == (0, 0)
    # The preview counts as the import does: a row that changes nothing is no change.
    assert (unchanged_preview["created"], unchanged_preview["updated"]) == (0, 0)
    assert (changed_preview["created"], changed_preview["updated"]) == (0, 1)
    assert (changed["created"], changed["updated"], changed["written"]) == (0, 1, True)
    assert [p["price"]["amount"] for p in products(world)["items"]] == [3_40]


def test_backoffice_catalog_import_replaces_the_barcodes_of_products_it_changes(
    world: World,
) -> None:
    """Rows with ids give their products new barcodes (the old ones freed); a product whose
    row changes nothing keeps its own."""
    coffee = add_category(world, "Coffee")
    espresso = made(add_product(world, coffee, barcodes=["111", "112"]))
    mocha = made(add_product(world, coffee, name="Mocha", barcodes=["211"]))
    text = (
        "id,name,category,price,barcodes\n"
        f"{espresso['id']},Espresso,Coffee,3.00,113 111\n"
        f"{mocha['id']},Mocha,Coffee,3.00,211\n"
    )

    report = made(import_rows(world, text))

    assert (report["created"], report["updated"]) == (0, 1)
    assert {p["name"]: p["barcodes"] for p in products(world)["items"]} == {
        "Espresso": ["113", "111"],
        "Mocha": ["211"],
    }
    reused = made(add_product(world, coffee, name="Ristretto", barcodes=["112"]))
    assert reused["barcodes"] == ["112"]


def test_backoffice_catalog_import_lists_every_bad_row_and_writes_nothing(world: World) -> None:
    """Bad price, unknown category, a barcode in use or twice in the file: each row is listed
    with its line and field, and not one product is written."""
    coffee = add_category(world, "Coffee")
    made(add_product(world, coffee, barcodes=["111"]))
    text = (
        "name,category,price,barcodes\n"
        "Good,Coffee,1.00,900\n"
        "Bad price,Coffee,1.005,\n"
        "Nowhere,Teas,2.00,\n"
        "Taken,Coffee,2.00,111\n"
        "Twice,Coffee,2.00,900\n"
        "Negative,Coffee,-1,\n"
    )

    report = made(import_rows(world, text))

    assert report["written"] is False
    assert [(p["line"], p["field"]) for p in report["problems"]] == [
        (3, "price"),
        (4, "category"),
        (5, "barcodes"),
        (6, "barcodes"),
        (7, "price"),
    ]
    assert "Espresso" in report["problems"][2]["message"]
    assert "line 2" in report["problems"][3]["message"]
    assert products(world)["total"] == 1


def test_backoffice_catalog_import_preview_writes_nothing(world: World) -> None:
    """A dry run counts what the import would add; the catalog is unchanged."""
    add_category(world, "Coffee")

    report = made(import_rows(world, "name,category,price\nA,Coffee,1\nB,coffee,2\n", dry_run=True))

    assert (report["created"], report["updated"], report["written"]) == (2, 0, False)
    assert products(world)["total"] == 0
    written = made(import_rows(world, "name,category,price\nA,Coffee,1\nB,coffee,2\n"))
    assert (written["created"], written["written"]) == (2, True)
    assert [p["category"] for p in products(world)["items"]] == ["Coffee", "Coffee"]


def test_backoffice_catalog_is_the_managers_store_only(world: World, other_store: World) -> None:
    """Another store's manager sees none of this store's products and cannot edit them."""
    coffee = add_category(world, "Coffee")
    product = made(add_product(world, coffee))

    assert products(other_store)["total"] == 0
    assert (
        other_store.get(f"/backoffice/products/{product['id']}", who="manager").status_code == 404
    )
    response = patch(
        other_store, f"/backoffice/products/{product['id']}", {"version": 1, "price": 1}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/backoffice/products?search=%00", "/backoffice/giftcards?email=a%00b"]
)
def test_backoffice_text_query_with_a_nul_is_refused_not_a_server_error(
    world: World, path: str
) -> None:
    """PostgreSQL text cannot hold NUL: a search holding one is 422, on either database
    (found by the OpenAPI fuzz test on PostgreSQL, where it was a 500)."""
    response = world.client.get(f"/api/v1{path}", headers=world.headers("manager"))

    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_request"
