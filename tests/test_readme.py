"""README.md as a fresh Debian machine runs it: every command goes through ``./dev`` or is one
the machine has, and the demo data it names is the demo data the server seeds."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from pos_desktop.server.demo import DEMO_PRODUCTS

README = Path(__file__).resolve().parents[1] / "README.md"
# What a fresh Debian machine (with the PostgreSQL the server section asks for) can run as is;
# everything of the project's own goes through ./dev, which installs uv and the virtualenv, or
# through deploy/local-cluster, which readies it with ./dev and names the Debian packages it lacks.
FRESH_MACHINE_COMMANDS = {"./dev", "deploy/local-cluster", "createdb", "export", "psql"}
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# A command run with uv, or with a Python that has the project's dependencies only once uv made
# the virtualenv (`uv` alone, named as a tool, is no command).
NEEDS_UV = re.compile(r"(uv|python3?|\.venv/bin/python3?) ")
FENCE = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
PRODUCT_ROW = re.compile(r"^\| *(\S[^|]*?) *\| *(\$\d+\.\d\d) *\| *`(\d+)` *\|$", re.MULTILINE)


def shell_commands(markdown: str) -> list[list[str]]:
    """The words of each command line in the ``sh`` blocks, continuation lines joined."""
    commands = []
    for block in FENCE.findall(markdown):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(words)
    return commands


def test_readme_shell_blocks_run_only_what_a_fresh_machine_has() -> None:
    """Each command line in an ``sh`` block starts with ./dev (after any VAR=value), or with a
    command a fresh Debian machine has: no bare ``uv run`` or ``python``."""
    commands = shell_commands(README.read_text(encoding="utf-8"))

    programs = []
    for words in commands:
        program = [word for word in words if not ASSIGNMENT.match(word)][:1]
        programs.extend(program)  # a line of VAR=value settings alone runs nothing

    assert "./dev" in programs
    assert set(programs) <= FRESH_MACHINE_COMMANDS, programs


def test_readme_inline_commands_go_through_dev() -> None:
    """No command quoted in the text runs uv or the virtualenv's Python directly."""
    spans = CODE_SPAN.findall(README.read_text(encoding="utf-8"))

    assert [span for span in spans if NEEDS_UV.match(span)] == []


def test_readme_lists_every_demo_product_with_its_barcode() -> None:
    """The README's demo product table has each seeded product's name, price and barcode."""
    seeded = {
        (name, f"${price // 100}.{price % 100:02d}", barcode)
        for name, _category, price, _tax, barcode in DEMO_PRODUCTS
    }

    listed = set(PRODUCT_ROW.findall(README.read_text(encoding="utf-8")))

    assert listed == seeded
