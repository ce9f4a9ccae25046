"""Secrets at rest: PINs (argon2 + keyed lookup hash), tokens and one-time codes (SHA-256).

Tokens and enrollment codes are long random strings, so a fast hash is enough to make a
stolen table useless; PINs are short, so they get argon2 as their verifier. Registers receive
every employee's verifier (``/sync/pull``) for offline log-in, so a stolen register is an
offline guesser's copy: the argon2id cost is what stands between it and a 4-digit PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError


@dataclass(frozen=True)
class PinHashProfile:
    """One argon2id cost: ``time_cost`` passes over ``memory_kib`` KiB in ``parallelism`` lanes."""

    name: str
    time_cost: int
    memory_kib: int
    parallelism: int = 1

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            type=Type.ID,
        )


# OWASP's minimum argon2id profile (19 MiB, 2 passes), used until PINs went to registers:
# ~20 ms a verify, so a stolen register's 4-digit PINs fell in about 3 minutes on one core.
# Kept by name for bench/pin_hash.py and for tests of hashes made before the change.
OWASP_MINIMUM = PinHashProfile("owasp-minimum", time_cost=2, memory_kib=19_456)

# The production profile: a verify in about 250 ms, which a person logging in does not notice
# (a register slower than the build machine pays somewhat more). Memory stays at 64 MiB (each
# log-in on the server's thread pool holds it while it runs) and passes make up the time.
# Measured with
#     uv run python bench/pin_hash.py --runs 25
# on the 2-core AMD EPYC build machine: median 222-237 ms a verify over four quiet runs, 253 ms
# with the machine busy (6 passes: 268-281 ms, the nearest other candidate), so a stolen
# register's 4-digit PINs cost ~40 CPU-minutes to try, and 6-digit ones ~2.7 CPU-days.
STRONG = PinHashProfile("strong", time_cost=5, memory_kib=65_536)

# Tests only: hundreds of tests create employees and log in, and must not pay 250 ms each.
# Never set on a server: its new hashes fall to guessing at once. (Two passes, not one, so a
# test can still make a hash cheaper than it, to see a log-in raise it.)
FAST = PinHashProfile("fast", time_cost=2, memory_kib=8)

# Selects the profile: unset (or "strong") is STRONG, "fast" is FAST; tests/conftest.py sets
# "fast". Any other value stops the server at start-up rather than picking a profile for it:
# a typo or a profile name from another product ("owasp", "low") must not quietly decide how
# hard PINs are to guess, in either direction, and a refusal at start-up is seen at once.
PIN_HASH_PROFILE_ENV = "POS_PIN_HASH_PROFILE"
_PROFILES_BY_SETTING = {"": STRONG, STRONG.name: STRONG, FAST.name: FAST}


def pin_hash_profile_from(environ: Mapping[str, str]) -> PinHashProfile:
    """The profile ``environ`` selects (see PIN_HASH_PROFILE_ENV); an unknown one is refused."""
    setting = environ.get(PIN_HASH_PROFILE_ENV, "")
    try:
        return _PROFILES_BY_SETTING[setting]
    except KeyError:
        raise RuntimeError(
            f"{PIN_HASH_PROFILE_ENV}={setting!r} is not a PIN hash profile: leave it unset "
            f"for the strong profile ({FAST.name!r} is for tests only)"
        ) from None


PIN_HASH_PROFILE = pin_hash_profile_from(os.environ)
_pin_hasher = PIN_HASH_PROFILE.hasher()

# No 0/O or 1/I/L: enrollment codes are read off one screen and typed on another.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def hash_pin(pin: str) -> str:
    return _pin_hasher.hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    try:
        return _pin_hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def pin_needs_rehash(pin_hash: str) -> bool:
    """Whether ``pin_hash`` (already verified) is cheaper to guess than this server's profile
    makes them, so the next log-in should store a new one. Only ever upwards: a server run
    with a cheaper profile by mistake must not weaken the verifiers it finds."""
    try:
        stored = extract_parameters(pin_hash)
    except InvalidHashError:
        return True
    return (
        stored.time_cost < PIN_HASH_PROFILE.time_cost
        or stored.memory_cost < PIN_HASH_PROFILE.memory_kib
    )


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
