"""Receipt -> PDF: one 80 mm page as tall as the receipt, with its text, written atomically.

The page is read back without reportlab: the MediaBox from the file's bytes, the text and page
count with poppler-utils (installed by `.ci/run`; skipped only outside CI when missing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_desktop.domain.receipt import Receipt, RowStyle, receipt_for
from pos_desktop.receipts import files, pdf
from pos_desktop.receipts.pdf import render_pdf
from tests.fixtures.sales import completed_sale, line, split_sale, store

POINTS_PER_MM = 72 / 25.4
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing: CI installs poppler-utils (.ci/run)")
        pytest.skip(f"{tool} is missing (apt-get install poppler-utils)")
    return found


def run(tool: str, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (a poppler tool on a file this test wrote)
        [poppler(tool), *args], capture_output=True, text=True, check=True, timeout=30
    )
    return done.stdout


def page_box(path: Path) -> tuple[float, float]:
    data = path.read_bytes()
    assert len(PAGE.findall(data)) == 1
    (box,) = MEDIA_BOX.findall(data)
    left, bottom, right, top = (float(value) for value in box)
    return right - left, top - bottom


def text_of(path: Path) -> str:
    return run("pdftotext", "-layout", str(path), "-")


@pytest.fixture
def receipt() -> Receipt:
    return receipt_for(split_sale(), store(), "Register 2")


@pytest.fixture
def helvetica_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine without DejaVu Sans."""
    monkeypatch.setattr(pdf, "FONT_FOLDERS", ())
    pdf.pdf_fonts.cache_clear()
    yield
    pdf.pdf_fonts.cache_clear()


def test_writes_a_one_page_pdf_80_mm_wide(receipt: Receipt, tmp_path: Path) -> None:
    path = tmp_path / "receipt.pdf"
    assert render_pdf(receipt, path) == path
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    width, height = page_box(path)
    assert width == pytest.approx(80 * POINTS_PER_MM, abs=0.01)
    assert 60 * POINTS_PER_MM < height < 160 * POINTS_PER_MM
    info = run("pdfinfo", str(path))
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert re.search(r"^Page size:\s+226\.77\d* x ", info, re.MULTILINE)


def test_the_page_grows_with_the_receipt(tmp_path: Path) -> None:
    def receipt_of(items: int) -> Receipt:
        lines = tuple(line(f"Item {number}", 100) for number in range(items))
        return receipt_for(completed_sale(lines, ()), store(), "R")

    short_width, short_height = page_box(render_pdf(receipt_of(2), tmp_path / "short.pdf"))
    long_width, long_height = page_box(render_pdf(receipt_of(42), tmp_path / "long.pdf"))
    assert short_width == long_width
    row_height = pdf.STYLES[RowStyle.PLAIN][1] * pdf.LEADING
    assert long_height - short_height == pytest.approx(40 * row_height)


def test_the_text_has_the_store_the_total_and_only_a_masked_card(
    receipt: Receipt, tmp_path: Path
) -> None:
    text = text_of(render_pdf(receipt, tmp_path / "receipt.pdf"))
    assert "Corner Coffee & Gifts" in text
    assert re.search(r"Total\s+\$35\.25", text)
    assert re.search(r"Gift Card •••• 5184\s+\$20\.00", text)
    assert re.search(r"Card balance\s+\$3\.75", text)
    assert "6035" not in text


def test_renders_to_a_png_80_mm_wide_with_pdftoppm(receipt: Receipt, tmp_path: Path) -> None:
    """The PDF a store saves or e-mails renders to an image (poppler), one roll width wide."""
    path = render_pdf(receipt, tmp_path / "receipt.pdf")
    run("pdftoppm", "-png", "-r", "100", "-singlefile", str(path), str(tmp_path / "receipt"))
    png = (tmp_path / "receipt.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk's width
    assert abs(width - round(80 / 25.4 * 100)) <= 1


def test_the_amounts_of_long_names_stay_inside_the_page(tmp_path: Path) -> None:
    """Every row is measured: nothing is drawn past the right margin or cut off."""
    name = "Single-origin Ethiopia Yirgacheffe whole beans " * 4 + "X" * 80
    sale = completed_sale((line(name, 99_999, 999),), ())
    path = render_pdf(receipt_for(sale, store(), "R"), tmp_path / "long.pdf")
    text = run("pdftotext", "-bbox", str(path), "-")
    page_width = 80 * POINTS_PER_MM
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', text)]
    assert right_edges
    assert max(right_edges) <= page_width - 4 * POINTS_PER_MM + 0.5
    assert "$998,990.01" in text_of(path)


def test_replaces_an_existing_file_and_leaves_no_temporary_file(
    receipt: Receipt, tmp_path: Path
) -> None:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(b"an older receipt")
    render_pdf(receipt, path)
    assert path.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["receipt.pdf"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(
    receipt: Receipt, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(b"an older receipt")

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        render_pdf(receipt, path)
    assert path.read_bytes() == b"an older receipt"
    assert [p.name for p in tmp_path.iterdir()] == ["receipt.pdf"]


def test_a_missing_folder_is_an_os_error(receipt: Receipt, tmp_path: Path) -> None:
    """The receipt service shows the text anyway when the PDF cannot be written."""
    with pytest.raises(OSError):
        render_pdf(receipt, tmp_path / "gone" / "receipt.pdf")


@pytest.mark.usefixtures("helvetica_only")
def test_without_dejavu_helvetica_draws_the_receipt(receipt: Receipt, tmp_path: Path) -> None:
    text = text_of(render_pdf(receipt, tmp_path / "receipt.pdf"))
    assert re.search(r"Total\s+\$35\.25", text)
    assert "5184" in text
    assert "6035" not in text


@pytest.mark.usefixtures("helvetica_only")
def test_without_dejavu_glyphs_helvetica_lacks_are_replaced(tmp_path: Path) -> None:
    sale = completed_sale((line("Chai ₹ masala", 450),), ())
    rupees = receipt_for(sale, store(locale="fr_FR"), "R")
    text = text_of(render_pdf(rupees, tmp_path / "receipt.pdf"))
    assert "Chai ? masala" in text
    assert re.search(r"Total\s+4,87 \$US", text)  # fr_FR groups with U+202F: a plain space
