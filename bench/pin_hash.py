"""Checking one PIN against its argon2id verifier: median ms per verify for the server's
current profile and a few candidates, and what that costs an offline guesser.

    uv run python bench/pin_hash.py [--runs 9]

Registers keep every employee's PIN verifier for offline log-in, so whoever takes a register
can guess PINs offline. For each profile the bench makes one hash of a 4-digit PIN, verifies it
once unmeasured (the first call allocates the memory), then times ``runs`` verifies of the
right PIN and reports their median, and the time one core needs to try a whole 4-digit
(10^4 x the median) and 6-digit (10^6 x the median) PIN space. A guesser with more cores or a
GPU divides those times; argon2id's memory cost is what keeps the GPU's share small.

The candidates hold memory at 64 MiB and add passes: the server verifies log-ins on its thread
pool, each holding the whole memory cost while it runs, so a burst of log-ins must stay within
a small server's RAM; a register pays the same per offline log-in.

Aim: a verify near 250 ms, which a person logging in does not notice. The profile nearest it
is marked; the figures depend on the machine and on what else it runs, so nothing is asserted.
``POS_PIN_HASH_PROFILE`` does not matter here: every profile is named explicitly.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pos_desktop.server.security import OWASP_MINIMUM, STRONG, PinHashProfile

AIM_MS = 250.0
PIN = "4821"
MIB = 1024

CANDIDATES = (
    OWASP_MINIMUM,
    *(
        PinHashProfile(f"64 MiB x {passes}", time_cost=passes, memory_kib=64 * MIB)
        for passes in (2, 3, 4, 5, 6, 7)
    ),
)


def cost(profile: PinHashProfile) -> tuple[int, int, int]:
    return (profile.time_cost, profile.memory_kib, profile.parallelism)


def median_verify_ms(profile: PinHashProfile, runs: int) -> float:
    hasher = profile.hasher()
    pin_hash = hasher.hash(PIN)
    hasher.verify(pin_hash, PIN)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        hasher.verify(pin_hash, PIN)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def duration(seconds: float) -> str:
    for unit, size in (("days", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print(f"argon2id, median of {args.runs} verifies each; guessing times on one core")
    print(
        f"{'profile':18} {'t':>2} {'MiB':>4} {'p':>2} {'verify':>10} "
        f"{'4 digits':>10} {'6 digits':>10}"
    )
    figures = [(profile, median_verify_ms(profile, args.runs)) for profile in CANDIDATES]
    nearest = min(figures, key=lambda pair: abs(pair[1] - AIM_MS))[0]
    for profile, median in figures:
        marks = []
        if cost(profile) == cost(OWASP_MINIMUM):
            marks.append("the old default")
        if cost(profile) == cost(STRONG):
            marks.append("the server's default")
        if profile == nearest:
            marks.append(f"nearest {AIM_MS:g} ms")
        print(
            f"{profile.name:18} {profile.time_cost:>2} {profile.memory_kib // MIB:>4} "
            f"{profile.parallelism:>2} {median:7.1f} ms {duration(10**4 * median / 1000):>10} "
            f"{duration(10**6 * median / 1000):>10}  {', '.join(marks)}".rstrip()
        )


if __name__ == "__main__":
    main()
