"""Sealing what must not sit readable in the database: outbox messages that hold a code or a
card number, card numbers, stored answers that hold one.

Its keys come from the server key (``pos_desktop.server.keys``), which lives in a file beside
the database, never in it: a copy of the database alone reads no code and no number.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class SealBroken(Exception):
    """The sealed message cannot be opened with this key."""


class Sealer:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def for_this_run(cls) -> Sealer:
        return cls(Fernet.generate_key())

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open(self, data: bytes) -> bytes:
        try:
            return self._fernet.decrypt(data)
        except InvalidToken as exc:
            raise SealBroken("the message was sealed with another key") from exc
