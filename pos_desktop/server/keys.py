"""The server's secret: one key in a file beside the database, never in it.

From it come every key the server uses for what must not be readable from a copy of the
database alone: the seal on outbox mail that holds a code or a card number, the encryption
of card numbers (so an e-gift mail can be sent again), the keyed hash that finds a card by
its number, the keyed hash of a Deduct Funds code, the seal on stored answers that hold a
card number, and the fingerprint of idempotent requests (whose bodies may hold a number).

Servers that share a database share the file. Lose it and every card number becomes
unreadable and unfindable: back it up with the database, keep it apart from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pos_desktop.server.mail.seal import Sealer

log = logging.getLogger(__name__)

KEY_FILE_NAME = "server.key"
# Before card numbers were encrypted the same key only sealed mail, under this name.
_OLD_KEY_FILE_NAME = "mail.key"


def key_file(data_dir: Path) -> Path:
    """The key file in ``data_dir``; an older install's ``mail.key`` becomes it."""
    path = data_dir / KEY_FILE_NAME
    old = data_dir / _OLD_KEY_FILE_NAME
    if not path.exists() and old.exists():
        os.replace(old, path)
        log.info("the mail key %s is now the server key %s", old, path)
    return path


def _derive(master: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose; knowing one derived key tells nothing of another."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"pos-desktop {purpose}".encode()
    ).derive(master)


def _fernet_key(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw)


@dataclass(frozen=True, slots=True)
class CardNumbers:
    """Card numbers at rest: a keyed hash to find a card, and a seal to read it back."""

    _lookup_key: bytes
    _sealer: Sealer

    def lookup_hash(self, number: str) -> str:
        return hmac.new(self._lookup_key, number.encode(), hashlib.sha256).hexdigest()

    def matches(self, stored_hash: str, number: str) -> bool:
        return hmac.compare_digest(stored_hash, self.lookup_hash(number))

    def seal(self, number: str) -> bytes:
        return self._sealer.seal(number.encode())

    def open(self, sealed: bytes) -> str:
        return self._sealer.open(sealed).decode()


class ServerKeys:
    def __init__(self, master: bytes) -> None:
        """``master``: a Fernet key (what ``Fernet.generate_key`` makes)."""
        raw = base64.urlsafe_b64decode(master)
        # The mail seal keeps the master itself: mail sealed before this module existed
        # still opens.
        self.mail = Sealer(master)
        self.numbers = CardNumbers(
            _derive(raw, "card-number lookup"), Sealer(_fernet_key(_derive(raw, "card-number")))
        )
        self.answers = Sealer(_fernet_key(_derive(raw, "stored answer")))
        self._code_key = _derive(raw, "deduction code")
        self._fingerprint_key = _derive(raw, "request fingerprint")

    @classmethod
    def from_file(cls, path: Path) -> ServerKeys:
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
        log.info("made the server key %s", path)
        return cls(key)

    @classmethod
    def in_folder(cls, data_dir: Path) -> ServerKeys:
        return cls.from_file(key_file(data_dir))

    @classmethod
    def for_this_run(cls) -> ServerKeys:
        """Keys that die with the process: for tests and benches that keep nothing."""
        return cls(Fernet.generate_key())

    def code_hash(self, challenge_id: uuid.UUID, code: str) -> str:
        """A Deduct Funds code bound to its challenge, so a hash copied onto another challenge
        matches nothing."""
        message = b"deduction-code\x00" + challenge_id.bytes + code.encode()
        return hmac.new(self._code_key, message, hashlib.sha256).hexdigest()

    def fingerprint(self, request: bytes) -> str:
        """What tells two requests under one idempotency key apart; keyed, because a body
        may hold a card number and a plain hash of it would give the number away."""
        return hmac.new(self._fingerprint_key, request, hashlib.sha256).hexdigest()
