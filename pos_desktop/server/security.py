"""Secrets at rest: PINs (argon2 + keyed lookup hash), tokens and one-time codes (SHA-256).

Tokens and enrollment codes are long random strings, so a fast hash is enough to make a
stolen table useless; PINs are short, so they get argon2 as their verifier.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's minimum argon2id profile (19 MiB, 2 passes): ~20 ms a PIN on a register-class CPU.
_pin_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

# No 0/O or 1/I/L: enrollment codes are read off one screen and typed on another.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def hash_pin(pin: str) -> str:
    return _pin_hasher.hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    try:
        return _pin_hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def pin_lookup(pepper: str, pin: str) -> str:
    return hmac.new(bytes.fromhex(pepper), pin.encode(), hashlib.sha256).hexdigest()


def new_pepper() -> str:
    return secrets.token_hex(32)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enroll_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


def normalize_enroll_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
