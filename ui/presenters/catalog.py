"""The Back Office's catalog pages: products listed, searched and edited; categories ordered
and coloured; the catalog exported to and imported from CSV files. Every call runs on a worker.

A refusal the manager fixes in a field comes back as ``refused`` (field → why), a save made
over someone else's as ``stale`` (who and when, and Reload), any other failure as ``failed``;
the pages keep what was typed whichever it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.services.results import (
    CatalogSetup,
    CategoryEntry,
    CsvFileRefused,
    ExportedFile,
    ImportDone,
    ImportPreview,
    ProductEntry,
    ProductForm,
    ProductListing,
    ProductQuery,
    ProductRefused,
    ProductStale,
)
from ui.presenters.background import EmployeePresenter
from ui.workers import Worker

if TYPE_CHECKING:
    from pathlib import Path

    from pos_desktop.services.back_office_catalog import CatalogFiles, CatalogService

LOADING = "Loading the catalog…"
NOT_LOADED = "The store's catalog is still loading. Try again in a moment."
CHECKING_FILE = "Reading the file and checking every row…"
IMPORTING = "Importing…"
EXPORTING = "Exporting the catalog…"


def product_added(entry: ProductEntry) -> str:
    return f"{entry.name} added. Registers sell it after their next sync."


def product_saved(entry: ProductEntry) -> str:
    if not entry.active:
        return f"{entry.name} saved, archived: registers stop selling it after their next sync."
    return f"{entry.name} saved."


def category_added(entry: CategoryEntry) -> str:
    return f"Category {entry.name} added."


def category_saved(entry: CategoryEntry) -> str:
    return f"Category {entry.name} saved."


def exported_word(done: ExportedFile) -> str:
    count = f"{done.products:,} product{'s' if done.products != 1 else ''}"
    return f"Exported {count} to {done.path}"


def imported_word(done: ImportDone) -> str:
    return (
        f"Imported {done.path.name}: {done.created:,} new, {done.updated:,} changed. "
        "Registers get them at their next sync."
    )


def preview_word(preview: ImportPreview) -> str:
    """The preview's headline: what the import would do, or why it cannot."""
    counts = f"{preview.created:,} new, {preview.updated:,} changed"
    if preview.problems:
        lines = len({problem.line for problem in preview.problems})
        return (
            f"{counts} — but {lines:,} row{'s' if lines != 1 else ''} "
            f"{'have' if lines != 1 else 'has'} problems. Nothing is imported until the file is "
            "fixed: correct the rows below, save the file, and pick it again."
        )
    if not preview.can_import:
        return f"{counts}: the catalog already holds this file."
    return f"{counts}. Nothing is written until you tap Import."


class ProductsPresenter(EmployeePresenter):
    setup_loaded = Signal(object)  # CatalogSetup: currency, tax rates, categories
    listed = Signal(object)  # ProductListing: the page of the latest query
    opened = Signal(object)  # ProductEntry, as the server now holds it (Reload)
    saved = Signal(object, str)  # the ProductEntry as now stored, and the word on it
    refused = Signal(object)  # dict: field ("" for none) → why
    stale = Signal(str)  # who saved first and when; the editor offers Reload
    failed = Signal(str)  # not about a field: the page's message room
    listing_changed = Signal(bool)  # a list query is running

    def __init__(
        self,
        service: CatalogService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service
        # The list has its own worker: a search typed never greys out the form being edited.
        self._lister = Worker(self, pool)
        self._lister.busy_changed.connect(self.listing_changed)
        self._query = ProductQuery()
        self._setup: CatalogSetup | None = None

    @property
    def setup(self) -> CatalogSetup | None:
        return self._setup

    @property
    def query(self) -> ProductQuery:
        return self._query

    @property
    def listing(self) -> bool:
        return self._lister.busy

    def reset(self) -> None:
        """The manager left: no answer of theirs reaches the next employee's screen."""
        self._worker.forget_pending()
        self._lister.forget_pending()
        self._query = ProductQuery()
        self._setup = None

    def load(self) -> None:
        """The store's money and categories, then the list as last asked for."""
        self._worker.submit(self._service.setup, self._on_setup, self._failed)
        self.find(self._query)

    def find(self, query: ProductQuery) -> None:
        """List the products ``query`` finds; an answer to an older query is dropped."""
        self._query = query
        self._lister.submit(lambda: self._service.products(query), self._on_listed, self._failed)

    def refresh(self) -> None:
        self.find(self._query)

    def save(self, before: ProductEntry | None, form: ProductForm) -> None:
        """Add a product (``before`` None) or save the form over the version the manager saw."""
        setup = self._setup
        if setup is None:
            self.failed.emit(NOT_LOADED)
            return
        if before is None:
            self._submit_save(
                lambda: self._service.add_product(form, setup.currency), product_added
            )
        else:
            self._submit_save(
                lambda: self._service.update_product(before, form, setup.currency), product_saved
            )

    def reload(self, product_id: uuid.UUID) -> None:
        self._worker.submit(
            lambda: self._service.product(product_id), self.opened.emit, self._failed
        )

    def _submit_save(
        self, job: Callable[[], ProductEntry], word: Callable[[ProductEntry], str]
    ) -> None:
        def done(entry: ProductEntry) -> None:
            self.saved.emit(entry, word(entry))
            self.refresh()

        self._worker.submit(job, done, self._failed)

    def _on_setup(self, setup: CatalogSetup) -> None:
        self._setup = setup
        self.setup_loaded.emit(setup)

    def _on_listed(self, listing: ProductListing) -> None:
        if listing.query == self._query:
            self.listed.emit(listing)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ProductRefused):
            self.refused.emit(dict(error.errors))
        elif isinstance(error, ProductStale):
            self.stale.emit(error.message)
        else:
            self._on_failed(error, self.failed.emit)


class CategoriesPresenter(EmployeePresenter):
    listed = Signal(object)  # tuple[CategoryEntry, ...] in the checkout's order
    saved = Signal(object, str)  # the CategoryEntry as now stored, and the word on it
    refused = Signal(object)  # dict: field ("name", "colour" or "") → why
    failed = Signal(str)

    def __init__(
        self,
        service: CatalogService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service

    def reset(self) -> None:
        self._worker.forget_pending()

    def load(self) -> None:
        self._worker.submit(self._service.categories, self.listed.emit, self._failed)

    def add(self, name: str, colour: str) -> None:
        self._save(lambda: self._service.add_category(name, colour), category_added)

    def rename(self, category: CategoryEntry, name: str) -> None:
        self._save(lambda: self._service.rename_category(category, name), category_saved)

    def set_colour(self, category: CategoryEntry, colour: str) -> None:
        self._save(lambda: self._service.colour_category(category, colour), category_saved)

    def move(self, category: CategoryEntry, index: int) -> None:
        """Put ``category`` at ``index`` (0 first) of the checkout's buttons."""
        self._save(lambda: self._service.move_category(category, index), category_saved)

    def _save(self, job: Callable[[], CategoryEntry], word: Callable[[CategoryEntry], str]) -> None:
        def done(entry: CategoryEntry) -> None:
            self.saved.emit(entry, word(entry))
            self.load()

        self._worker.submit(job, done, self._failed)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ProductRefused):
            self.refused.emit(dict(error.errors))
        elif isinstance(error, ProductStale):
            # Another manager changed it: show the list as it now is, and say so.
            self.failed.emit(error.message)
            self.load()
        else:
            self._on_failed(error, self.failed.emit)


class CatalogFilesPresenter(EmployeePresenter):
    """Export and import, each step on the worker: listing the .csv files, reading one and
    asking the server for a preview, then the import itself."""

    status = Signal(str)  # what is under way ("Reading the file…"), "" when done
    exported = Signal(str)  # where the file went
    files_listed = Signal(object)  # tuple[CsvFile, ...]
    previewed = Signal(object)  # ImportPreview
    file_refused = Signal(str)  # the whole file refused: why
    imported = Signal(object, str)  # ImportDone and the word on it
    failed = Signal(str)

    def __init__(
        self,
        files: CatalogFiles,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._files = files

    @property
    def folders(self) -> tuple[Path, Path]:
        """Where the import looks for .csv files: the data folder's imports/, and home."""
        return self._files.imports, self._files.home

    def reset(self) -> None:
        self._worker.forget_pending()
        self.status.emit("")

    def export(self) -> None:
        def done(file: ExportedFile) -> None:
            self.status.emit("")
            self.exported.emit(exported_word(file))

        def not_saved(error: Exception) -> None:
            if isinstance(error, CsvFileRefused):  # the folder, not a file to import
                self.status.emit("")
                self.failed.emit(error.message)
            else:
                self._failed(error)

        self.status.emit(EXPORTING)
        self._worker.submit(self._files.export, done, not_saved)

    def list_files(self) -> None:
        self._worker.submit(self._files.csv_files, self.files_listed.emit, self._failed)

    def preview(self, path: Path) -> None:
        self.status.emit(CHECKING_FILE)
        self._worker.submit(lambda: self._files.preview(path), self._on_preview, self._failed)

    def run_import(self, preview: ImportPreview) -> None:
        if not preview.can_import:
            return
        self.status.emit(IMPORTING)
        self._worker.submit(
            lambda: self._files.run_import(preview), self._on_imported, self._failed
        )

    def _on_preview(self, preview: ImportPreview) -> None:
        self.status.emit("")
        self.previewed.emit(preview)

    def _on_imported(self, outcome: ImportDone | ImportPreview) -> None:
        self.status.emit("")
        if isinstance(outcome, ImportPreview):
            self.previewed.emit(outcome)  # the store changed since the preview: nothing written
        else:
            self.imported.emit(outcome, imported_word(outcome))

    def _failed(self, error: Exception) -> None:
        self.status.emit("")
        if isinstance(error, CsvFileRefused):
            self.file_refused.emit(error.message)
        else:
            self._on_failed(error, self.failed.emit)
