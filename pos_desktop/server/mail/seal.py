"""Sealing outbox messages that hold a secret (a Deduct Funds code).

The key lives in a file beside the database, never in it: a copy of the database alone reads
no code. A server without a key file seals with a key of its own run; what it could not send
before a restart is then unreadable and is dropped as such (the customer asks for a new code).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)


class SealBroken(Exception):
    """The sealed message cannot be opened with this key."""


class Sealer:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_key_file(cls, path: Path) -> Sealer:
        """The key in ``path``, made (readable by this user only) on first use."""
        try:
            return cls(path.read_bytes().strip())
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return cls(path.read_bytes().strip())
        with os.fdopen(descriptor, "wb") as out:
            out.write(key)
        log.info("made the mail sealing key %s", path)
        return cls(key)

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
