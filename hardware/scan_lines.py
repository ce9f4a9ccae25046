"""What a serial barcode scanner's bytes mean: pure rules, no port, no thread, no Qt.

A serial scanner sends each code as one line: an optional prefix, the code, an optional
suffix, then its terminator (CR, LF or CR LF, set on the scanner and in the register's
settings). ``LineSplitter`` cuts the byte stream into lines, ``read_line`` turns one line into
a ``Scan`` or an ``Unreadable``. A code is readable when it is printable ASCII (space to ``~``),
not empty and at most ``max_length`` characters; anything else (binary noise, a line too long,
accents or control bytes from a wrong baud rate, a line cut by a disconnect, a configured
prefix or suffix missing) is ``Unreadable`` and is never passed on as a scan.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

DEFAULT_MAX_LENGTH = 64


class Terminator(enum.Enum):
    CR = b"\r"
    LF = b"\n"
    CRLF = b"\r\n"

    @classmethod
    def named(cls, name: str) -> Terminator:
        """``"cr"``, ``"lf"`` or ``"crlf"``, in any case."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown terminator {name!r}: use cr, lf or crlf") from None


class UnreadableReason(enum.Enum):
    NOT_PRINTABLE = "not printable"
    TOO_LONG = "too long"
    CUT_OFF = "cut off"
    MISSING_PREFIX = "prefix missing"
    MISSING_SUFFIX = "suffix missing"
    EMPTY = "empty"


@dataclass(frozen=True)
class Scan:
    code: str


@dataclass(frozen=True)
class Unreadable:
    reason: UnreadableReason
    raw: bytes


ScanResult = Scan | Unreadable

_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|(\\))")


def parse_affix(text: str) -> bytes:
    r"""A prefix or suffix as typed in the settings: text, with ``\xNN`` for a byte such as
    STX (``\x02``) and ``\\`` for a backslash. Raises ValueError beyond one byte a character."""

    def byte(match: re.Match[str]) -> str:
        return "\\" if match.group(2) else chr(int(match.group(1), 16))

    try:
        return _ESCAPE.sub(byte, text).encode("latin-1")
    except UnicodeEncodeError as exc:
        raise ValueError(f"a scanner prefix or suffix is bytes: {text!r} is not") from exc


@dataclass(frozen=True)
class ScanFormat:
    """How a scanner frames its codes."""

    terminator: Terminator = Terminator.CR
    prefix: bytes = b""
    suffix: bytes = b""
    max_length: int = DEFAULT_MAX_LENGTH

    @property
    def max_line(self) -> int:
        """The longest line a readable code can arrive in (a stray CR or LF of a terminator
        set differently on the scanner is allowed for)."""
        return self.max_length + len(self.prefix) + len(self.suffix) + 2


def _printable(char: str) -> bool:
    return " " <= char <= "~"


def read_line(raw: bytes, fmt: ScanFormat) -> ScanResult | None:
    """One line without its terminator: a scan, unreadable, or None for a blank line (what is
    left of a CR LF when the register is set to CR, or LF, and nothing else)."""
    # A scanner set to CR LF while the register expects CR (or the reverse) leaves a bare
    # CR or LF at a line's edge: framing, not content.
    line = raw.strip(b"\r\n")
    if not line:
        return None
    if fmt.prefix:
        if not line.startswith(fmt.prefix):
            return Unreadable(UnreadableReason.MISSING_PREFIX, raw)
        line = line[len(fmt.prefix) :]
    if fmt.suffix:
        if not line.endswith(fmt.suffix):
            return Unreadable(UnreadableReason.MISSING_SUFFIX, raw)
        line = line[: len(line) - len(fmt.suffix)]
    text = line.decode("latin-1")  # every byte is a character: checked below, not trusted
    if not all(_printable(char) for char in text):
        return Unreadable(UnreadableReason.NOT_PRINTABLE, raw)
    code = text.strip(" ")
    if not code:
        return Unreadable(UnreadableReason.EMPTY, raw)
    if len(code) > fmt.max_length:
        return Unreadable(UnreadableReason.TOO_LONG, raw)
    return Scan(code)


class LineSplitter:
    """Cuts a byte stream into scans, whatever the chunks it arrives in.

    Memory is bounded: a line growing past ``fmt.max_line`` with no terminator is reported
    unreadable once, and its bytes are dropped up to the next terminator.
    """

    def __init__(self, fmt: ScanFormat) -> None:
        self.fmt = fmt
        self._buffer = bytearray()
        self._overflowing = False

    def feed(self, data: bytes) -> list[ScanResult]:
        results: list[ScanResult] = []
        terminator = self.fmt.terminator.value
        self._buffer.extend(data)
        while True:
            end = self._buffer.find(terminator)
            if end < 0:
                break
            line = bytes(self._buffer[:end])
            del self._buffer[: end + len(terminator)]
            if self._overflowing:
                # The tail of a line already reported too long.
                self._overflowing = False
                continue
            result = read_line(line, self.fmt)
            if result is not None:
                results.append(result)
        if len(self._buffer) > self.fmt.max_line:
            if not self._overflowing:
                results.append(Unreadable(UnreadableReason.TOO_LONG, bytes(self._buffer)))
                self._overflowing = True
            # Keep the last bytes: they may be the first half of a terminator (CR of CR LF).
            keep = len(terminator) - 1
            del self._buffer[: len(self._buffer) - keep]
        return results

    def flush(self) -> Unreadable | None:
        """The connection ended: a line begun and never finished is a cut-off scan."""
        rest, overflowing = bytes(self._buffer), self._overflowing
        self._buffer.clear()
        self._overflowing = False
        if overflowing or not rest.strip(b"\r\n"):
            return None
        return Unreadable(UnreadableReason.CUT_OFF, rest)
