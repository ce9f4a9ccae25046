"""register.json: owner-only, atomic, and only reused with the server that issued it."""

from __future__ import annotations

import stat
import sys
import uuid
from pathlib import Path

import pytest

from pos_desktop.sync.credentials import (
    RegisterCredentials,
    credentials_path,
    load_credentials,
    save_credentials,
)

SERVER = "https://pos.example.com"


def _credentials(server: str = SERVER) -> RegisterCredentials:
    return RegisterCredentials(server=server, register_id=uuid.uuid4(), token="secret-token")


def test_credentials_round_trip(tmp_path: Path) -> None:
    """What is saved is loaded back for the same server."""
    saved = _credentials()
    save_credentials(credentials_path(tmp_path), saved)
    assert load_credentials(credentials_path(tmp_path), SERVER) == saved


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_credentials_file_is_owner_only(tmp_path: Path) -> None:
    """The token file is readable and writable by its owner only (0600)."""
    path = credentials_path(tmp_path)
    save_credentials(path, _credentials())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_credentials_for_another_server_are_not_used(tmp_path: Path) -> None:
    """A token issued by another server is ignored, so the register enrolls again."""
    save_credentials(credentials_path(tmp_path), _credentials("embedded:sqlite:///old.sqlite3"))
    assert load_credentials(credentials_path(tmp_path), SERVER) is None


def test_credentials_missing_file_is_none(tmp_path: Path) -> None:
    """No file yet means not enrolled."""
    assert load_credentials(credentials_path(tmp_path), SERVER) is None


def test_credentials_corrupt_file_is_none(tmp_path: Path) -> None:
    """A damaged file is treated as not enrolled rather than crashing the start."""
    path = credentials_path(tmp_path)
    path.write_text("{not json")
    assert load_credentials(path, SERVER) is None


def test_credentials_save_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    """Saving twice keeps only the last credentials and no stray temporary file."""
    path = credentials_path(tmp_path)
    save_credentials(path, _credentials())
    second = _credentials()
    save_credentials(path, second)
    assert load_credentials(path, SERVER) == second
    assert [p.name for p in tmp_path.iterdir()] == ["register.json"]
