"""The Back Office catalog's register side without a screen: the product form checked with the
server's rules (every bad field at once, nothing sent), CSV files read, listed and exported."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_desktop.server.demo import MANAGER_PIN
from pos_desktop.services.back_office_catalog import (
    PICK_CATEGORY,
    CatalogFiles,
    checked_product,
    read_rows,
)
from pos_desktop.services.results import CsvFileRefused, ProductForm, ProductRefused
from pos_desktop.services.session import SessionService
from pos_desktop.sync.client import ServerClient
from tests.fixtures.register import start_server


def form(**fields: object) -> ProductForm:
    values: dict[str, object] = {
        "name": "Latte",
        "category_id": uuid.uuid4(),
        "price": "4.25",
        "tax_rate": "8.25",
        "barcodes": "111, 222 111",
    }
    return ProductForm(**(values | fields))  # type: ignore[arg-type]


def test_checked_product_gives_the_values_the_api_takes() -> None:
    """Typed text becomes minor units, basis points and distinct barcodes in order."""
    checked = checked_product(form(), "USD")

    assert checked["price"] == 4_25
    assert checked["tax_rate_bp"] == 825
    assert checked["barcodes"] == ["111", "222"]


def test_checked_product_names_every_bad_field_at_once() -> None:
    """Each bad field has its own message; none waits for another to be fixed first."""
    with pytest.raises(ProductRefused) as refused:
        checked_product(
            form(name="  ", category_id=None, price="2.505", tax_rate="101", barcodes="a/b"),
            "USD",
        )

    assert refused.value.errors == {
        "name": "Enter the product's name.",
        "category": PICK_CATEGORY,
        "price": "Price: USD amounts have at most 2 decimals.",
        "tax_rate": "Tax rate: a rate cannot be over 100 %.",
        "barcodes": "Barcode “a/b”: use letters, digits, '-' or '.', at most 64.",
    }


def test_read_rows_refuses_what_is_no_file(tmp_path: Path) -> None:
    """A folder, or a file gone, is refused whole with the reason."""
    with pytest.raises(CsvFileRefused, match="cannot be read"):
        read_rows(tmp_path / "gone.csv")


@pytest.fixture
def files(tmp_path: Path) -> Iterator[CatalogFiles]:
    server = start_server(tmp_path / "server.sqlite3")
    try:
        enrolled = server.enroll_local_register("Office")
        with ServerClient(server.base_url, enrolled.token) as client:
            SessionService(client).log_in(MANAGER_PIN)
            yield CatalogFiles(
                client,
                tmp_path / "data",
                home=tmp_path / "home",
                clock=lambda: datetime(2025, 3, 3, 14, 5, 9, tzinfo=UTC),
            )
    finally:
        server.stop()


def test_csv_files_lists_imports_then_home_newest_first(
    files: CatalogFiles, tmp_path: Path
) -> None:
    """The .csv files of imports/ (made for the manager to find) and of the home folder."""
    files.home.mkdir()
    for name, when in (("old.csv", 1_000), ("new.CSV", 2_000), ("notes.txt", 3_000)):
        path = files.home / name
        path.write_text("name,category,price\n", encoding="utf-8")
        os.utime(path, (when, when))

    listed = [(f.folder, f.path.name) for f in files.csv_files()]

    assert files.imports.is_dir()
    assert listed == [("home", "new.CSV"), ("home", "old.csv")]


def test_export_writes_a_timestamped_file_the_import_reads_back(files: CatalogFiles) -> None:
    """The export lands in exports/ under the time it was made, every product in it, and its
    preview changes nothing."""
    done = files.export()

    assert done.path == files.exports / "products-20250303-140509.csv"
    assert done.products == 8
    preview = files.preview(done.path)
    assert (preview.created, preview.updated, preview.problems) == (0, 0, ())
    assert not preview.can_import


def test_export_into_a_folder_that_takes_no_file_says_so(files: CatalogFiles) -> None:
    """A data folder where exports/ cannot be made: refused with the folder named."""
    files.exports.parent.mkdir(parents=True)
    files.exports.write_text("a file where the folder should be", encoding="utf-8")

    with pytest.raises(CsvFileRefused, match="could not be saved in"):
        files.export()
