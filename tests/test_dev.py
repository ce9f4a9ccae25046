"""``./dev``, the developer entry point, run as a person runs it: from a shell whose PATH lacks
~/.local/bin, where ``./dev`` puts uv. On a machine ``./dev`` has made ready (as the test suite's
own ``./dev test`` does) every step it takes first is already done, so nothing is downloaded."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "dev"
PATIENCE = 300.0  # seconds before ./dev counts as hung (a guard, not a measure)
COMMAND = re.compile(r"^    ([a-z]+)\)$", re.MULTILINE)


def without_local_bin() -> dict[str, str]:
    """This environment with ~/.local/bin taken off PATH, as in a shell opened after ./dev."""
    local_bin = Path.home() / ".local" / "bin"
    path = [entry for entry in os.environ["PATH"].split(os.pathsep) if Path(entry) != local_bin]
    return {**os.environ, "PATH": os.pathsep.join(path)}


def dev(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (the repository's own script)
        [str(DEV), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=without_local_bin(),
        timeout=PATIENCE,
        check=False,
    )


def test_dev_simulate_runs_the_printer_simulator() -> None:
    """``./dev simulate printer --help`` prints the printer simulator's usage and exits 0."""
    result = dev("simulate", "printer", "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m hardware.simulate printer")


def test_dev_server_passes_its_arguments_to_the_server_cli() -> None:
    """``./dev server deduction-codes --help`` prints that server command's usage and exits 0."""
    result = dev("server", "deduction-codes", "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m pos_desktop.server deduction-codes")


def test_dev_python_runs_a_bench_script_in_the_locked_virtualenv() -> None:
    """``./dev python bench/pin_hash.py --help`` runs the bench with its dependencies."""
    result = dev("python", "bench/pin_hash.py", "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: pin_hash.py")


def test_dev_usage_lists_every_command() -> None:
    """``./dev`` alone lists every command the script has, from its header comment."""
    commands = COMMAND.findall(DEV.read_text(encoding="utf-8"))

    result = dev()

    assert result.returncode == 2
    listed = {command for command in commands if f"./dev {command} " in result.stderr}
    assert set(commands) == listed, result.stderr
