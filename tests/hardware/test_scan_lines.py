"""Serial scan framing: terminators, prefix and suffix, and what counts as a readable code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.scan_lines import (
    LineSplitter,
    Scan,
    ScanFormat,
    Terminator,
    Unreadable,
    UnreadableReason,
    parse_affix,
    read_line,
)

CR = ScanFormat(Terminator.CR)


def reasons(results: list[Scan | Unreadable]) -> list[UnreadableReason]:
    return [r.reason for r in results if isinstance(r, Unreadable)]


@pytest.mark.parametrize(
    ("terminator", "stream"),
    [
        (Terminator.CR, b"4006381333931\r012345678905\r"),
        (Terminator.LF, b"4006381333931\n012345678905\n"),
        (Terminator.CRLF, b"4006381333931\r\n012345678905\r\n"),
    ],
)
def test_splitter_cuts_lines_at_each_terminator(terminator: Terminator, stream: bytes) -> None:
    """Each terminator ends a code; two codes in one chunk are two scans."""
    results = LineSplitter(ScanFormat(terminator)).feed(stream)
    assert results == [Scan("4006381333931"), Scan("012345678905")]


def test_splitter_joins_a_code_sent_in_pieces() -> None:
    """A code split over reads, even inside a CR LF, is one scan."""
    splitter = LineSplitter(ScanFormat(Terminator.CRLF))
    assert splitter.feed(b"40063") == []
    assert splitter.feed(b"81333931\r") == []
    assert splitter.feed(b"\n") == [Scan("4006381333931")]


def test_splitter_ignores_the_stray_half_of_a_crlf() -> None:
    """A scanner sending CR LF to a register set to CR gives codes, not unreadable LFs."""
    splitter = LineSplitter(CR)
    assert splitter.feed(b"111111\r\n222222\r\n") == [Scan("111111"), Scan("222222")]


def test_read_line_strips_prefix_and_suffix() -> None:
    """The configured prefix and suffix are framing, not part of the code."""
    fmt = ScanFormat(Terminator.CR, prefix=b"\x02]E0", suffix=b"\x03")
    assert read_line(b"\x02]E04006381333931\x03", fmt) == Scan("4006381333931")


def test_read_line_without_the_configured_prefix_is_unreadable() -> None:
    """A line missing its prefix began before the reader listened: not a whole scan."""
    fmt = ScanFormat(Terminator.CR, prefix=b"\x02")
    result = read_line(b"4006381333931", fmt)
    assert isinstance(result, Unreadable)
    assert result.reason is UnreadableReason.MISSING_PREFIX


def test_read_line_without_the_configured_suffix_is_unreadable() -> None:
    fmt = ScanFormat(Terminator.CR, suffix=b"#")
    result = read_line(b"4006381333931", fmt)
    assert isinstance(result, Unreadable)
    assert result.reason is UnreadableReason.MISSING_SUFFIX


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"40063\x0081333931", UnreadableReason.NOT_PRINTABLE),
        (b"\xff\xfe\x80\x81", UnreadableReason.NOT_PRINTABLE),
        (b"caf\xc3\xa9", UnreadableReason.NOT_PRINTABLE),
        (b"   ", UnreadableReason.EMPTY),
        (b"9" * 65, UnreadableReason.TOO_LONG),
    ],
)
def test_read_line_refuses_noise(raw: bytes, reason: UnreadableReason) -> None:
    """Control bytes, non-ASCII, blank and over-long lines are unreadable, never a scan."""
    result = read_line(raw, CR)
    assert isinstance(result, Unreadable)
    assert result.reason is reason


def test_read_line_accepts_a_code_of_the_longest_length() -> None:
    assert read_line(b"9" * 64, CR) == Scan("9" * 64)


def test_splitter_reports_an_endless_line_once_and_recovers() -> None:
    """Noise with no terminator is one unreadable scan, bounded in memory; the next line
    after a terminator reads again."""
    splitter = LineSplitter(CR)
    results = []
    for _ in range(100):
        results += splitter.feed(b"x" * 50)
    assert reasons(results) == [UnreadableReason.TOO_LONG]
    assert len(splitter._buffer) <= CR.max_line
    assert splitter.feed(b"yyy\r123456\r") == [Scan("123456")]


def test_splitter_flush_reports_a_half_line_as_cut_off() -> None:
    """A line the disconnect cut off is unreadable, and the buffer starts empty again."""
    splitter = LineSplitter(CR)
    assert splitter.feed(b"400638") == []
    cut = splitter.flush()
    assert cut is not None
    assert cut.reason is UnreadableReason.CUT_OFF
    assert splitter.flush() is None
    assert splitter.feed(b"123456\r") == [Scan("123456")]


def test_parse_affix_reads_hex_escapes() -> None:
    r"""``\x02`` in a setting is the STX byte; ``\\`` a backslash."""
    assert parse_affix(r"\x02]E0") == b"\x02]E0"
    assert parse_affix("a\\\\b") == b"a\\b"
    with pytest.raises(ValueError):
        parse_affix("€")


def test_terminator_by_name() -> None:
    assert Terminator.named(" CrLf ") is Terminator.CRLF
    with pytest.raises(ValueError):
        Terminator.named("tab")


@given(
    chunks=st.lists(st.binary(max_size=80), max_size=20),
    terminator=st.sampled_from(Terminator),
    prefix=st.sampled_from([b"", b"\x02", b"]C1"]),
    suffix=st.sampled_from([b"", b"\x03", b"#"]),
)
def test_splitter_never_raises_and_never_yields_control_characters(
    chunks: list[bytes], terminator: Terminator, prefix: bytes, suffix: bytes
) -> None:
    """Whatever bytes arrive, in whatever chunks: no exception, and every scan is printable
    ASCII, not empty, no longer than the limit."""
    fmt = ScanFormat(terminator, prefix, suffix)
    splitter = LineSplitter(fmt)
    results: list[Scan | Unreadable] = []
    for chunk in chunks:
        results += splitter.feed(chunk)
        assert len(splitter._buffer) <= fmt.max_line
    cut = splitter.flush()
    if cut is not None:
        results.append(cut)
    for result in results:
        if isinstance(result, Scan):
            assert result.code
            assert len(result.code) <= fmt.max_length
            assert all(" " <= char <= "~" for char in result.code)
            assert result.code == result.code.strip()
