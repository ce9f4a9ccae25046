"""ESC/POS bytes back to paper: what a receipt printer would print, as styled lines.

The decoder reads the stream python-escpos emits (and any other ESC/POS a program sends) the
way a printer does: text in the code page last chosen with ``ESC t n`` (looked up in the
printer profile python-escpos ships, so ``ESC t 16`` is cp1252 on the default profile), print
modes (``ESC !``, ``ESC E``, ``ESC -``, ``ESC M``, ``GS !``), alignment (``ESC a``), feeds
(``LF``, ``ESC d``), barcodes (``GS k``), raster images (``GS v 0``), the cut (``GS V``) and
the drawer kick (``ESC p``). Everything else is skipped by its length where the command set
gives one, or as a two-byte command where it does not; no input makes it raise.

``EscposDecoder`` is incremental: ``feed`` takes bytes as they arrive and returns the jobs
completed by a cut; ``finish`` ends the stream (a connection closed) and returns what is left.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field, replace
from enum import StrEnum

from escpos.capabilities import get_profile
from escpos.codepages import CodePages

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
LF = 0x0A
CR = 0x0D
HT = 0x09

TAB_STOP = 8
MAX_BARCODE = 255  # a type-A barcode longer than this lost its NUL terminator
MAX_IMAGE_BYTES = 4 * 1024 * 1024  # a raster header declaring more is noise, not an image
MAX_IMAGE_WIDTH_BYTES = 256  # 2048 dots: wider than any receipt roll
MAX_FEED = 255

# GS k m: barcode systems, function A (0..6, data ends with NUL) and B (65.., data counted).
_BARCODES_A = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "NW7"}
_BARCODES_B = {
    65: "UPC-A",
    66: "UPC-E",
    67: "EAN13",
    68: "EAN8",
    69: "CODE39",
    70: "ITF",
    71: "NW7",
    72: "CODE93",
    73: "CODE128",
    74: "GS1-128",
    75: "GS1 DATABAR OMNIDIRECTIONAL",
    76: "GS1 DATABAR TRUNCATED",
    77: "GS1 DATABAR LIMITED",
    78: "GS1 DATABAR EXPANDED",
}

# Commands that are only skipped: (prefix, command byte) -> number of parameter bytes.
_SKIP = {
    (ESC, ord(" ")): 1,  # character spacing
    (ESC, ord("$")): 2,  # absolute position
    (ESC, ord("%")): 1,  # user-defined characters on/off
    (ESC, ord("2")): 0,  # default line spacing
    (ESC, ord("3")): 1,  # line spacing
    (ESC, ord("<")): 0,  # return home
    (ESC, ord("=")): 1,  # peripheral device
    (ESC, ord("?")): 1,  # cancel user-defined character
    (ESC, ord("G")): 1,  # double-strike
    (ESC, ord("J")): 1,  # feed n dots
    (ESC, ord("K")): 1,  # reverse feed n dots
    (ESC, ord("L")): 0,  # page mode
    (ESC, ord("R")): 1,  # international character set
    (ESC, ord("S")): 0,  # standard mode
    (ESC, ord("T")): 1,  # page-mode direction
    (ESC, ord("U")): 1,  # unidirectional printing
    (ESC, ord("V")): 1,  # rotation
    (ESC, ord("\\")): 2,  # relative position
    (ESC, ord("c")): 2,  # ESC c 3/4/5 n: paper sensors, panel buttons
    (ESC, ord("e")): 1,  # reverse feed n lines
    (ESC, ord("i")): 0,  # partial cut (legacy)
    (ESC, ord("m")): 0,  # partial cut (legacy)
    (ESC, ord("r")): 1,  # colour
    (ESC, ord("u")): 1,  # peripheral status
    (ESC, ord("v")): 0,  # paper sensor status
    (ESC, ord("{")): 1,  # upside-down
    (GS, ord("B")): 1,  # white on black
    (GS, ord("H")): 1,  # barcode text position
    (GS, ord("I")): 1,  # printer ID
    (GS, ord("L")): 2,  # left margin
    (GS, ord("P")): 2,  # motion units
    (GS, ord("W")): 2,  # printing area width
    (GS, ord("a")): 1,  # automatic status back
    (GS, ord("b")): 1,  # smoothing
    (GS, ord("f")): 1,  # barcode text font
    (GS, ord("h")): 1,  # barcode height
    (GS, ord("r")): 1,  # status
    (GS, ord("w")): 1,  # barcode module width
    (FS, ord("!")): 1,  # kanji print mode
    (FS, ord("&")): 0,  # kanji on
    (FS, ord("-")): 1,  # kanji underline
    (FS, ord(".")): 0,  # kanji off
    (FS, ord("C")): 1,  # kanji code system
    (FS, ord("S")): 2,  # kanji spacing
    (FS, ord("W")): 1,  # kanji quadruple size
    (FS, ord("p")): 2,  # print NV bit image
    (DLE, 0x05): 1,  # real-time request
    (DLE, 0x14): 3,  # real-time pulse / clear
}


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


_ALIGNMENTS = {1: Align.CENTER, 49: Align.CENTER, 2: Align.RIGHT, 50: Align.RIGHT}


@dataclass(frozen=True, slots=True)
class Style:
    bold: bool = False
    underline: bool = False
    width: int = 1  # character width multiplier, 1..8
    height: int = 1  # character height multiplier, 1..8
    small_font: bool = False  # font B


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    style: Style


@dataclass(frozen=True, slots=True)
class TextLine:
    spans: tuple[Span, ...]
    align: Align

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)

    @property
    def height(self) -> int:
        return max((span.style.height for span in self.spans), default=1)


@dataclass(frozen=True, slots=True)
class BarcodeLine:
    symbology: str
    data: str  # as printed under the bars (CODE128 code-set selectors removed)
    align: Align
    height_dots: int
    module_dots: int
    text_below: bool

    @property
    def text(self) -> str:
        return f"[{self.symbology} {self.data}]"


@dataclass(frozen=True, slots=True)
class ImageLine:
    width: int  # dots
    height: int
    rows: bytes  # row-major, one bit a dot, ``(width + 7) // 8`` bytes a row, MSB first
    align: Align

    @property
    def text(self) -> str:
        return f"[image {self.width}x{self.height}]"


@dataclass(frozen=True, slots=True)
class QrLine:
    data: str
    align: Align

    @property
    def text(self) -> str:
        return f"[QR {self.data}]"


PaperLine = TextLine | BarcodeLine | ImageLine | QrLine


@dataclass(slots=True)
class Job:
    """What came out of the printer between two cuts (or the start and the end of the stream)."""

    lines: list[PaperLine] = field(default_factory=list)
    cut: str | None = None  # "full" or "partial" when a cut ended the job
    drawer_kicks: list[int] = field(default_factory=list)  # connector pins pulsed (2 or 5)

    def text_lines(self) -> list[str]:
        """The job as plain text, one string a paper line, events in brackets."""
        out: list[str] = []
        for line in self.lines:
            out.append(line.text.rstrip() if isinstance(line, TextLine) else line.text)
        out.extend(f"[drawer kick pin {pin}]" for pin in self.drawer_kicks)
        if self.cut:
            out.append(f"[{self.cut} cut]")
        return out

    @property
    def is_empty(self) -> bool:
        return not self.lines and not self.drawer_kicks and self.cut is None


class _Unfinished(Exception):
    """The buffer ends inside a command: wait for more bytes."""


def codepage_table(profile: str = "default") -> dict[int, str]:
    """``ESC t n`` -> Python codec name, from python-escpos's printer profile."""
    table: dict[int, str] = {}
    for number, name in get_profile(profile).codePages.items():
        try:
            encoding = CodePages.get_encoding(name)
        except KeyError:
            continue
        codec = encoding.get("python_encode")
        if codec:
            try:
                codecs.lookup(codec)
            except LookupError:
                continue
            table[int(number)] = codec
    return table


class EscposDecoder:
    """Feeds ESC/POS bytes through a printer's state; returns jobs as cuts complete them."""

    def __init__(self, profile: str = "default") -> None:
        self._codepages = codepage_table(profile)
        self._buffer = bytearray()
        self._job = Job()
        self.replies = bytearray()  # what the printer answers (status queries); the caller sends it
        self._reset()

    def _reset(self) -> None:
        self._style = Style()
        self._align = Align.LEFT
        self._codepage = 0
        self._spans: list[Span] = []
        self._line_align: Align | None = None
        self._pending = bytearray()  # text bytes not yet decoded, in the current code page/style
        self._barcode_height = 162
        self._barcode_module = 3
        self._barcode_text = False
        self._qr_data = ""

    # -- public --------------------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Job]:
        """Take ``data``; return the jobs a cut finished in it."""
        self._buffer.extend(data)
        done: list[Job] = []
        pos = 0
        buf = bytes(self._buffer)
        while pos < len(buf):
            try:
                pos, job = self._step(buf, pos)
            except _Unfinished:
                break
            if job is not None:
                done.append(job)
        del self._buffer[:pos]
        return done

    def finish(self) -> Job | None:
        """End of the stream: an unfinished command is dropped, the open job is returned."""
        self._buffer.clear()
        self._flush_text()
        if self._spans:
            self._end_line()
        job, self._job = self._job, Job()
        return None if job.is_empty else job

    # -- the command set ------------------------------------------------------------------------

    def _step(self, buf: bytes, pos: int) -> tuple[int, Job | None]:
        byte = buf[pos]
        if byte >= 0x20:
            end = pos
            while end < len(buf) and buf[end] >= 0x20:
                end += 1
            self._text(buf[pos:end])
            return end, None
        if byte == LF:
            self._end_line()
            return pos + 1, None
        if byte == HT:
            self._flush_text()
            column = sum(len(span.text) for span in self._spans)
            self._add_text(" " * (TAB_STOP - column % TAB_STOP))
            return pos + 1, None
        if byte in (ESC, GS, FS, DLE):
            command = _at(buf, pos + 1)
            return self._command(buf, pos, byte, command)
        return pos + 1, None  # CR and other control bytes: nothing on paper

    def _command(self, buf: bytes, pos: int, prefix: int, command: int) -> tuple[int, Job | None]:
        args = pos + 2
        if prefix == ESC:
            if command == ord("@"):
                self._flush_text()
                if self._spans:
                    self._end_line()
                self._reset()
                return args, None
            if command == ord("!"):
                mode = _at(buf, args)
                self._set_style(
                    small_font=bool(mode & 0x01),
                    bold=bool(mode & 0x08),
                    height=2 if mode & 0x10 else 1,
                    width=2 if mode & 0x20 else 1,
                    underline=bool(mode & 0x80),
                )
                return args + 1, None
            if command == ord("E"):
                self._set_style(bold=bool(_at(buf, args) & 1))
                return args + 1, None
            if command == ord("-"):
                self._set_style(underline=_at(buf, args) in (1, 2, 49, 50))
                return args + 1, None
            if command == ord("M"):
                self._set_style(small_font=_at(buf, args) in (1, 49))
                return args + 1, None
            if command == ord("a"):
                value = _at(buf, args)
                self._align = _ALIGNMENTS.get(value, Align.LEFT)
                return args + 1, None
            if command == ord("t"):
                self._flush_text()
                self._codepage = _at(buf, args)
                return args + 1, None
            if command == ord("d"):
                lines = _at(buf, args)
                self._feed_lines(lines)
                return args + 1, None
            if command == ord("p"):
                pin = _at(buf, args)
                _at(buf, args + 2)
                self._job.drawer_kicks.append(5 if pin in (1, 49) else 2)
                return args + 3, None
            if command == ord("*"):
                mode = _at(buf, args)
                count = _at(buf, args + 1) + 256 * _at(buf, args + 2)
                size = count * (3 if mode in (32, 33) else 1)
                _at(buf, args + 2 + size)
                self._end_partial_line()
                return args + 3 + size, None
            if command == ord("("):
                return _skip_counted(buf, args), None
        elif prefix == GS:
            if command == ord("!"):
                size = _at(buf, args)
                self._set_style(width=(size >> 4 & 0x07) + 1, height=(size & 0x07) + 1)
                return args + 1, None
            if command == ord("V"):
                mode = _at(buf, args)
                end = args + 1
                if mode in (65, 66, 97, 98, 103, 104):
                    _at(buf, end)
                    end += 1
                return end, self._cut("partial" if mode in (1, 49, 66, 98, 104) else "full")
            if command == ord("k"):
                return self._barcode(buf, args)
            if command == ord("v"):
                return self._raster(buf, args)
            if command == ord("h"):
                self._barcode_height = _at(buf, args) or 1
                return args + 1, None
            if command == ord("w"):
                self._barcode_module = _at(buf, args) or 1
                return args + 1, None
            if command == ord("H"):
                self._barcode_text = _at(buf, args) in (2, 3, 50, 51)
                return args + 1, None
            if command == ord("("):
                return self._gs_paren(buf, args)
            if command == ord("8"):
                _at(buf, args + 5)  # GS 8 L p1 p2 p3 p4: a 32-bit length
                count = int.from_bytes(buf[args + 1 : args + 5], "little")
                end = args + 5 + count
                if count > MAX_IMAGE_BYTES:
                    return args + 5, None
                _at(buf, end - 1)
                return end, None
        elif prefix == DLE and command == 0x04:
            # Real-time status (python-escpos's is_online / paper_status): online, paper in.
            query = _at(buf, args)
            self.replies.extend(b"\x16" if query == 1 else b"\x12")
            return args + 1, None
        elif prefix == FS and command == ord("("):
            return _skip_counted(buf, args), None
        skip = _SKIP.get((prefix, command))
        if skip is None:
            _at(buf, pos + 1)
            return pos + 2, None  # unknown: the prefix and the command byte, nothing more
        if skip:
            _at(buf, args + skip - 1)
        return args + skip, None

    # -- commands with payloads --------------------------------------------------------------------

    def _barcode(self, buf: bytes, args: int) -> tuple[int, Job | None]:
        system = _at(buf, args)
        if system in _BARCODES_A:
            end = buf.find(b"\x00", args + 1, args + 2 + MAX_BARCODE)
            if end < 0:
                if len(buf) - args - 1 <= MAX_BARCODE:
                    raise _Unfinished
                return args + 1, None  # no terminator: not a barcode
            data, after = buf[args + 1 : end], end + 1
            name = _BARCODES_A[system]
        else:
            count = _at(buf, args + 1)
            after = args + 2 + count
            if count:
                _at(buf, after - 1)
            data = buf[args + 2 : after]
            name = _BARCODES_B.get(system, f"BARCODE {system}")
        self._end_partial_line()
        shown = data.decode("ascii", errors="replace")
        if name in ("CODE128", "GS1-128"):
            shown = _code128_text(shown)
        self._job.lines.append(
            BarcodeLine(
                symbology=name,
                data=shown,
                align=self._align,
                height_dots=self._barcode_height,
                module_dots=self._barcode_module,
                text_below=self._barcode_text,
            )
        )
        return after, None

    def _raster(self, buf: bytes, args: int) -> tuple[int, Job | None]:
        # GS v 0 m xL xH yL yH d1...dk
        _at(buf, args + 5)
        width_bytes = buf[args + 2] + 256 * buf[args + 3]
        height = buf[args + 4] + 256 * buf[args + 5]
        size = width_bytes * height
        start = args + 6
        if size > MAX_IMAGE_BYTES:
            return start, None  # a header this large is noise: skip it and read on
        if size:
            _at(buf, start + size - 1)
        self._end_partial_line()
        if 0 < width_bytes <= MAX_IMAGE_WIDTH_BYTES and height:
            self._job.lines.append(
                ImageLine(width_bytes * 8, height, bytes(buf[start : start + size]), self._align)
            )
        return start + size, None

    def _gs_paren(self, buf: bytes, args: int) -> tuple[int, Job | None]:
        # GS ( fn pL pH ...: QR codes are GS ( k with cn=49; store (fn=80) and print (fn=81).
        kind = _at(buf, args)
        end = _skip_counted(buf, args)
        body = buf[args + 3 : end]
        if kind == ord("k") and len(body) >= 2 and body[0] == 49:
            if body[1] == 80:
                self._qr_data = body[3:].decode("utf-8", errors="replace")
            elif body[1] == 81:
                self._end_partial_line()
                self._job.lines.append(QrLine(self._qr_data, self._align))
        return end, None

    # -- paper ---------------------------------------------------------------------------------

    def _text(self, raw: bytes) -> None:
        if self._line_align is None:
            self._line_align = self._align
        self._pending.extend(raw)

    def _flush_text(self) -> None:
        if not self._pending:
            return
        codec = self._codepages.get(self._codepage, "ascii")
        text = bytes(self._pending).decode(codec, errors="replace")
        self._pending.clear()
        self._add_text(text)

    def _add_text(self, text: str) -> None:
        if self._line_align is None:
            self._line_align = self._align
        if self._spans and self._spans[-1].style == self._style:
            self._spans[-1] = Span(self._spans[-1].text + text, self._style)
        else:
            self._spans.append(Span(text, self._style))

    def _set_style(self, **changes: bool | int) -> None:
        self._flush_text()
        self._style = replace(self._style, **changes)  # type: ignore[arg-type]

    def _end_line(self) -> None:
        self._flush_text()
        align = self._line_align if self._line_align is not None else self._align
        spans = tuple(self._spans) or (Span("", self._style),)
        self._job.lines.append(TextLine(spans, align))
        self._spans = []
        self._line_align = None

    def _end_partial_line(self) -> None:
        """Text waiting in the line buffer is printed before a barcode or an image."""
        self._flush_text()
        if self._spans:
            self._end_line()

    def _feed_lines(self, count: int) -> None:
        self._flush_text()
        if self._spans:
            self._end_line()
            count -= 1
        for _ in range(max(0, min(count, MAX_FEED))):
            self._end_line()

    def _cut(self, kind: str) -> Job:
        self._end_partial_line()
        job, self._job = self._job, Job()
        job.cut = kind
        return job


def _at(buf: bytes, index: int) -> int:
    if index >= len(buf):
        raise _Unfinished
    return buf[index]


def _skip_counted(buf: bytes, args: int) -> int:
    """``X ( fn pL pH d1..dk``: the end of the command, after its ``pL + 256 * pH`` bytes."""
    _at(buf, args + 2)
    count = buf[args + 1] + 256 * buf[args + 2]
    end = args + 3 + count
    if count:
        _at(buf, end - 1)
    return end


def _code128_text(data: str) -> str:
    """What a printer prints under a CODE128: the data without ``{A``/``{B``/``{C`` selectors."""
    out: list[str] = []
    index = 0
    while index < len(data):
        char = data[index]
        if char == "{" and index + 1 < len(data):
            following = data[index + 1]
            if following == "{":
                out.append("{")
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def decode(data: bytes, profile: str = "default") -> list[Job]:
    """Every job in ``data``: one per cut, and one for what follows the last cut, if anything."""
    decoder = EscposDecoder(profile)
    jobs = decoder.feed(data)
    last = decoder.finish()
    if last is not None:
        jobs.append(last)
    return jobs
