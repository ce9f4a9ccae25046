"""The simulator's ESC/POS decoder reads back what python-escpos's Dummy printer emits."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.simulate.escpos_decode import (
    Align,
    BarcodeLine,
    EscposDecoder,
    ImageLine,
    Job,
    TextLine,
    decode,
)
from hardware.simulate.paper_png import render_job


def printer() -> Dummy:
    dummy = Dummy()
    dummy.hw("INIT")
    return dummy


def text_lines(job: Job) -> list[TextLine]:
    return [line for line in job.lines if isinstance(line, TextLine)]


def only_job(data: bytes) -> Job:
    jobs = decode(data)
    assert len(jobs) == 1
    return jobs[0]


def test_decode_accents_and_currency_signs_through_code_pages() -> None:
    """Text python-escpos spread over several code pages decodes back to the same text."""
    dummy = printer()
    dummy.textln("Café €5.00 £3 ñ")
    dummy.textln("Größe ¥100 Ørsted")

    job = only_job(dummy.output)

    assert b"\x1bt" in dummy.output  # the text really switched code pages
    assert [line.text for line in text_lines(job)] == ["Café €5.00 £3 ñ", "Größe ¥100 Ørsted"]


@pytest.mark.parametrize("codec,page", [("cp437", 0), ("cp850", 2), ("cp1252", 16), ("cp866", 17)])
def test_decode_reads_text_in_the_selected_code_page(codec: str, page: int) -> None:
    """ESC t n selects the code page the following bytes are read in."""
    text = "Ünïcödé" if codec != "cp866" else "Привет"

    job = only_job(b"\x1bt" + bytes([page]) + text.encode(codec) + b"\n")

    assert job.lines[0].text == text


def test_decode_bold_centred_double_height() -> None:
    """set(bold, align, double_height) gives a bold, centred, twice-as-tall line; then normal."""
    dummy = printer()
    dummy.set(bold=True, align="center", double_height=True)
    dummy.textln("TOTAL")
    dummy.set(bold=False, align="left", normal_textsize=True)
    dummy.textln("after")

    first, second = text_lines(only_job(dummy.output))

    style = first.spans[0].style
    assert (first.text, first.align, style.bold, style.height, style.width) == (
        "TOTAL",
        Align.CENTER,
        True,
        2,
        1,
    )
    assert (second.align, second.spans[0].style.bold, second.height) == (Align.LEFT, False, 1)


def test_decode_double_width_and_right_alignment() -> None:
    """Double width and height with right alignment; GS ! custom sizes too."""
    dummy = printer()
    dummy.set(double_width=True, double_height=True, align="right")
    dummy.textln("BIG")
    dummy.set(custom_size=True, width=3, height=4)
    dummy.textln("huge")

    big, huge = text_lines(only_job(dummy.output))

    assert (big.align, big.spans[0].style.width, big.spans[0].style.height) == (Align.RIGHT, 2, 2)
    assert (huge.spans[0].style.width, huge.spans[0].style.height) == (3, 4)


def test_decode_barcode_cut_and_drawer_kick() -> None:
    """A CODE128 barcode reads as its data, the cut ends the job, the drawer kick is noted."""
    dummy = printer()
    dummy.textln("Receipt")
    dummy.barcode("{B123456", "CODE128", function_type="B")
    dummy.cut()
    dummy.cashdraw(2)

    first, second = decode(dummy.output)

    barcodes = [line for line in first.lines if isinstance(line, BarcodeLine)]
    assert [(code.symbology, code.data) for code in barcodes] == [("CODE128", "123456")]
    assert "[CODE128 123456]" in first.text_lines()
    assert first.cut == "full"
    assert first.text_lines()[0] == "Receipt"
    assert second.drawer_kicks == [2]
    assert "[drawer kick pin 2]" in second.text_lines()


def test_decode_type_a_barcode_and_feed_lines() -> None:
    """An EAN13 (NUL-terminated) barcode and ESC d feeds, which print empty lines."""
    dummy = printer()
    dummy.barcode("123456789012", "EAN13")
    dummy.print_and_feed(3)

    job = only_job(dummy.output)

    assert job.text_lines()[0] == "[EAN13 123456789012]"
    assert job.text_lines()[1:] == ["", "", ""]


def test_decode_raster_image_from_qr() -> None:
    """A QR code printed as a raster image arrives as an image line of the right size."""
    dummy = printer()
    dummy.qr("hello", size=3)

    images = [line for line in only_job(dummy.output).lines if isinstance(line, ImageLine)]

    assert len(images) == 1
    assert len(images[0].rows) == images[0].width // 8 * images[0].height


def test_decoder_takes_a_job_split_into_single_bytes() -> None:
    """Bytes arriving one at a time decode as the whole stream does."""
    dummy = printer()
    dummy.set(bold=True)
    dummy.textln("Café €5")
    dummy.barcode("{B42", "CODE128", function_type="B")
    dummy.cut()
    decoder = EscposDecoder()

    jobs = [job for byte in dummy.output for job in decoder.feed(bytes([byte]))]

    assert [job.text_lines() for job in jobs] == [job.text_lines() for job in decode(dummy.output)]


def test_decoder_answers_status_queries_as_online_with_paper() -> None:
    """DLE EOT 1 and 4 (python-escpos's is_online / paper_status) get a reply."""
    decoder = EscposDecoder()

    decoder.feed(b"\x10\x04\x01\x10\x04\x04")

    assert bytes(decoder.replies) == b"\x16\x12"


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000))
def test_decode_never_raises_on_any_bytes(data: bytes) -> None:
    """Arbitrary bytes decode to something; the paper of each job renders."""
    for job in decode(data):
        render_job(job, 58)


@settings(max_examples=100, deadline=None)
@given(
    chunks=st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from(
                [b"\x1b", b"\x1d", b"\x1dk", b"\x1dv0", b"\x1d(k", b"\x1bt", b"\x1dV", b"\x10\x04"]
            ),
        ),
        max_size=40,
    )
)
def test_decoder_never_raises_on_commands_cut_anywhere(chunks: list[bytes]) -> None:
    """Command prefixes cut off at any point and fed in pieces never crash the decoder."""
    decoder = EscposDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
    decoder.finish()
