"""The Back Office's catalog, the register's side: products, categories and CSV files.

A product form is checked here with the rules the server applies (``product_rules``), every
field at once, so a typo costs no round trip and each refusal names its field; what only the
server knows (a barcode another product has, a save made on an older version) comes back as
``ProductRefused`` or ``ProductStale``. CSV files are read and written here too, never on the
GUI thread. Blocking (network, disk): presenters call it on their worker.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from pos_desktop import contracts as c
from pos_desktop.domain import catalog_csv
from pos_desktop.domain import product_rules as rules
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.services.results import (
    PAGE_SIZE,
    CatalogSetup,
    CategoryEntry,
    CsvFile,
    CsvFileRefused,
    ExportedFile,
    ImportDone,
    ImportPreview,
    ImportProblemEntry,
    ProductEntry,
    ProductForm,
    ProductListing,
    ProductQuery,
    ProductRefused,
    ProductStale,
)
from pos_desktop.sync.errors import ServerError

if TYPE_CHECKING:
    from pos_desktop.sync.client import ServerClient

EXPORTS_FOLDER = "exports"
IMPORTS_FOLDER = "imports"
PICK_CATEGORY = "Pick a category."
NOT_SAVED = "Not a value this field takes."
# The largest file the import lists and reads: 50,000 rows of long cells.
MAX_FILE_BYTES = 24 * 1024 * 1024
MAX_CELL = 1000  # characters in one cell (ImportRow)
PRODUCT_FIELDS = frozenset({"name", "category", "price", "tax_rate", "barcodes", "active"})
# What the server calls a field in a request (``tax_rate_bp``), as the form calls it.
_FORM_FIELD = {"tax_rate_bp": "tax_rate", "category_id": "category", "colour": "colour"}


def _field_of(error: ServerError, fields: Iterable[str]) -> str:
    """The form's field the server's refusal names ("body.barcodes.0" is "barcodes"), or ""."""
    known = set(fields)
    for part in str(error.details.get("field", "")).split("."):
        field = _FORM_FIELD.get(part, part)
        if field in known:
            return field
    return ""


def _refusal(error: ServerError, fields: Iterable[str]) -> ProductRefused | ProductStale | None:
    """The server's refusal in the form's terms, or None: any other failure takes the
    presenter's one road as it is."""
    if error.code == ErrorCode.STALE_VERSION:
        return ProductStale(error.message)
    if error.status in (409, 422):
        return ProductRefused({_field_of(error, fields): error.message})
    if error.code in (ErrorCode.PRODUCT_NOT_FOUND, ErrorCode.CATEGORY_NOT_FOUND):
        return ProductRefused({"": error.message})
    return None


def _entry(detail: c.ProductDetail) -> ProductEntry:
    return ProductEntry(
        id=detail.id,
        name=detail.name,
        category_id=detail.category_id,
        category=detail.category,
        price=detail.price.to_money(),
        tax_rate_bp=detail.tax_rate_bp,
        barcodes=tuple(detail.barcodes),
        active=detail.active,
        version=detail.version,
        updated_at=detail.updated_at,
        updated_by=detail.updated_by.name if detail.updated_by is not None else None,
    )


def _category(out: c.CategoryOut) -> CategoryEntry:
    return CategoryEntry(
        id=out.id, name=out.name, position=out.position, colour=out.colour, version=out.version
    )


def checked_product(form: ProductForm, currency: str) -> dict[str, object]:
    """The form's values as the API takes them, or ProductRefused naming every bad field."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {"active": form.active}
    checks: tuple[tuple[str, Callable[[], object]], ...] = (
        ("name", lambda: rules.product_name(form.name)),
        ("price", lambda: rules.price(form.price, currency).minor),
        ("tax_rate_bp", lambda: rules.tax_rate_bp(form.tax_rate)),
        ("barcodes", lambda: rules.barcodes_text(form.barcodes)),
    )
    for key, check in checks:
        try:
            values[key] = check()
        except rules.FieldRefused as refused:
            errors[refused.field] = str(refused)
    if form.category_id is None:
        errors["category"] = PICK_CATEGORY
    else:
        values["category_id"] = form.category_id
    if errors:
        raise ProductRefused(errors)
    return values


class CatalogService:
    """Products and categories on the server, for a manager's session."""

    def __init__(self, client: ServerClient) -> None:
        self._client = client

    # -- what the pages need -------------------------------------------------------------------

    def setup(self) -> CatalogSetup:
        store = self._client.backoffice_store()
        return CatalogSetup(
            currency=store.currency,
            locale=store.locale,
            tax_rates=tuple((rate.name, rate.rate_bp) for rate in store.tax_rates),
            categories=self.categories(),
        )

    def categories(self) -> tuple[CategoryEntry, ...]:
        return tuple(_category(out) for out in self._client.categories().items)

    def products(self, query: ProductQuery) -> ProductListing:
        page = self._client.products(
            search=query.search.strip(),
            category_id=query.category_id,
            archived=query.archived,
            offset=query.offset,
            limit=PAGE_SIZE,
        )
        return ProductListing(
            query=query, items=tuple(_entry(item) for item in page.items), total=page.total
        )

    def product(self, product_id: uuid.UUID) -> ProductEntry:
        try:
            return _entry(self._client.product(product_id))
        except ServerError as exc:
            refusal = _refusal(exc, PRODUCT_FIELDS)
            if refusal is None:
                raise
            raise refusal from exc

    # -- products ------------------------------------------------------------------------------

    def add_product(self, form: ProductForm, currency: str) -> ProductEntry:
        values = checked_product(form, currency)
        try:
            new = c.ProductCreate.model_validate(values)
        except ValidationError as exc:
            raise _not_saved(exc) from exc
        return self._product_call(lambda: self._client.add_product(new))

    def update_product(
        self, before: ProductEntry, form: ProductForm, currency: str
    ) -> ProductEntry:
        """Save the form over ``before`` (the version the manager saw): refused as stale when
        someone saved after it."""
        values = checked_product(form, currency)
        try:
            change = c.ProductUpdate.model_validate({"version": before.version, **values})
        except ValidationError as exc:
            raise _not_saved(exc) from exc
        return self._product_call(lambda: self._client.update_product(before.id, change))

    def _product_call(self, call: Callable[[], c.ProductDetail]) -> ProductEntry:
        try:
            return _entry(call())
        except ServerError as exc:
            refusal = _refusal(exc, PRODUCT_FIELDS)
            if refusal is None:
                raise
            raise refusal from exc

    # -- categories ----------------------------------------------------------------------------

    def add_category(self, name: str, colour: str) -> CategoryEntry:
        try:
            new = c.CategoryCreate(name=_category_name(name), colour=colour)
        except ValidationError as exc:
            raise _not_saved(exc) from exc
        return self._category_call(lambda: self._client.add_category(new))

    def rename_category(self, category: CategoryEntry, name: str) -> CategoryEntry:
        return self._update_category(category, name=_category_name(name))

    def colour_category(self, category: CategoryEntry, colour: str) -> CategoryEntry:
        return self._update_category(category, colour=colour)

    def move_category(self, category: CategoryEntry, position: int) -> CategoryEntry:
        return self._update_category(category, position=max(0, position))

    def _update_category(
        self,
        category: CategoryEntry,
        *,
        name: str | None = None,
        colour: str | None = None,
        position: int | None = None,
    ) -> CategoryEntry:
        try:
            change = c.CategoryUpdate(
                version=category.version, name=name, colour=colour, position=position
            )
        except ValidationError as exc:
            raise _not_saved(exc) from exc
        return self._category_call(lambda: self._client.update_category(category.id, change))

    def _category_call(self, call: Callable[[], c.CategoryOut]) -> CategoryEntry:
        try:
            return _category(call())
        except ServerError as exc:
            if exc.code == ErrorCode.STALE_VERSION:
                # Categories carry no editor's name: the list reloads and the manager goes on.
                raise ProductStale(exc.message) from exc
            if exc.status in (409, 422) or exc.code == ErrorCode.CATEGORY_NOT_FOUND:
                field = _field_of(exc, ("name", "colour"))
                raise ProductRefused({field: exc.message}) from exc
            raise


def _category_name(text: str) -> str:
    try:
        return rules.category_name(text)
    except rules.FieldRefused as refused:
        raise ProductRefused({"name": str(refused)}) from refused


def _not_saved(exc: ValidationError) -> ProductRefused:
    """A value the rules passed and the API's types do not: said at its field, not lost."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        raw = str(error["loc"][0]) if error["loc"] else ""
        field = _FORM_FIELD.get(raw, raw)
        errors.setdefault(field if field in PRODUCT_FIELDS | {"name"} else "", NOT_SAVED)
    return ProductRefused(errors or {"": NOT_SAVED})


# -- CSV files -----------------------------------------------------------------------------------


def utc_now() -> datetime:
    return datetime.now(UTC)


class CatalogFiles:
    """The catalog's CSV files: an export written into the data folder's ``exports/``, and the
    .csv files an import may read from its ``imports/`` and the user's home folder."""

    def __init__(
        self,
        client: ServerClient,
        data_dir: Path,
        home: Path | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._client = client
        self.exports = data_dir / EXPORTS_FOLDER
        self.imports = data_dir / IMPORTS_FOLDER
        self.home = home if home is not None else Path.home()
        self._clock = clock

    def export(self) -> ExportedFile:
        """The whole catalog from the server, saved under a name with the time in it (UTC);
        CsvFileRefused when the folder takes no file."""
        data = self._client.export_products()
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        path = self.exports / f"products-{stamp}.csv"
        partial = path.with_suffix(".csv.part")
        try:
            self.exports.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(data)
            partial.replace(path)
        except OSError as exc:
            raise CsvFileRefused(
                f"The file could not be saved in {self.exports}: {exc.strerror or exc}."
            ) from exc
        # A line a product under the header: no cell of the export holds a line break (names
        # are one line, barcodes are joined by spaces).
        rows = max(0, data.count(b"\n") - 1)
        return ExportedFile(path=path, products=rows)

    def csv_files(self) -> tuple[CsvFile, ...]:
        """The .csv files in ``imports/`` (made if missing, so the manager can find it) and in
        the home folder, newest first in each."""
        # A read-only data folder: the home folder's files are still listed.
        with contextlib.suppress(OSError):
            self.imports.mkdir(parents=True, exist_ok=True)
        found: list[CsvFile] = []
        for folder, label in ((self.imports, IMPORTS_FOLDER), (self.home, "home")):
            found.extend(
                sorted(_csv_files_in(folder, label), key=lambda f: f.modified, reverse=True)
            )
        return tuple(found)

    def preview(self, path: Path) -> ImportPreview:
        """Read ``path`` (CsvFileRefused when it cannot be used at all) and ask the server what
        importing it would do, writing nothing."""
        rows = tuple(read_rows(path))
        report = self._import(rows, dry_run=True)
        return ImportPreview(
            path=path,
            rows=rows,
            created=report.created,
            updated=report.updated,
            problems=tuple(
                ImportProblemEntry(line=p.line, field=p.field, message=p.message)
                for p in report.problems
            ),
        )

    def run_import(self, preview: ImportPreview) -> ImportDone | ImportPreview:
        """Import the rows previewed; if the store changed meanwhile and a row is now refused,
        nothing is written and the new preview comes back instead."""
        report = self._import(preview.rows, dry_run=False)
        if not report.written:
            return ImportPreview(
                path=preview.path,
                rows=preview.rows,
                created=report.created,
                updated=report.updated,
                problems=tuple(
                    ImportProblemEntry(line=p.line, field=p.field, message=p.message)
                    for p in report.problems
                ),
            )
        return ImportDone(path=preview.path, created=report.created, updated=report.updated)

    def _import(self, rows: tuple[catalog_csv.CsvRow, ...], *, dry_run: bool) -> c.ImportReport:
        request = c.ImportRequest(
            rows=[
                c.ImportRow(
                    line=row.line,
                    id=row.id,
                    name=row.name,
                    category=row.category,
                    price=row.price,
                    tax_rate=row.tax_rate,
                    barcodes=row.barcodes,
                    active=row.active,
                )
                for row in rows
            ],
            dry_run=dry_run,
        )
        return self._client.import_products(request)


def read_rows(path: Path) -> list[catalog_csv.CsvRow]:
    """The file's rows, or CsvFileRefused saying why the whole file cannot be used."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CsvFileRefused(
                f"This file is {size // (1024 * 1024)} MB: the import takes files up to "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CsvFileRefused(f"This file cannot be read: {exc.strerror or exc}.") from exc
    try:
        rows = catalog_csv.read_csv(data)
    except catalog_csv.CsvRefused as exc:
        raise CsvFileRefused(str(exc)) from exc
    too_long = next(
        (
            row.line
            for row in rows
            for cell in (
                row.id,
                row.name,
                row.category,
                row.price,
                row.tax_rate,
                row.barcodes,
                row.active,
            )
            if len(cell) > MAX_CELL
        ),
        None,
    )
    if too_long is not None:
        raise CsvFileRefused(f"Line {too_long} has a cell over {MAX_CELL:,} characters.")
    return rows


def _csv_files_in(folder: Path, label: str) -> list[CsvFile]:
    found: list[CsvFile] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return found
    for entry in entries:
        if entry.suffix.lower() != ".csv" or entry.name.startswith("."):
            continue
        try:
            info = entry.stat()
        except OSError:
            continue
        if not entry.is_file():
            continue
        found.append(
            CsvFile(
                path=entry,
                folder=label,
                size=info.st_size,
                modified=datetime.fromtimestamp(info.st_mtime, UTC),
            )
        )
    return found
