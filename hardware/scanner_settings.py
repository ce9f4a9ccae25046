"""What a serial scanner is set to and how it stands: plain values, no port, no thread.

Kept apart from ``hardware.scanner``, which opens the port with pyserial, so that settings
screens and the register's stored device settings can name a scanner without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.scan_lines import DEFAULT_MAX_LENGTH, ScanFormat, Terminator, parse_affix

DEFAULT_RETRY_SECONDS = 3.0


@dataclass(frozen=True)
class ScannerSettings:
    port: str
    baudrate: int = 9600
    terminator: Terminator = Terminator.CR
    prefix: bytes = b""
    suffix: bytes = b""
    max_length: int = DEFAULT_MAX_LENGTH
    retry_seconds: float = DEFAULT_RETRY_SECONDS

    @classmethod
    def parse(
        cls,
        port: str,
        *,
        baudrate: int = 9600,
        terminator: str = "cr",
        prefix: str = "",
        suffix: str = "",
        retry_seconds: float = DEFAULT_RETRY_SECONDS,
    ) -> ScannerSettings:
        """From settings as typed: terminator by name, prefix and suffix with ``\\xNN``."""
        return cls(
            port=port,
            baudrate=baudrate,
            terminator=Terminator.named(terminator),
            prefix=parse_affix(prefix),
            suffix=parse_affix(suffix),
            retry_seconds=retry_seconds,
        )

    @property
    def format(self) -> ScanFormat:
        return ScanFormat(self.terminator, self.prefix, self.suffix, self.max_length)


@dataclass(frozen=True)
class ScannerStatus:
    port: str
    connected: bool
    reason: str = ""  # why not connected, for the log
