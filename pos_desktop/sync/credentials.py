"""The register's token, kept in ``register.json`` in the data folder between starts.

The token is as good as a password for the register, so the file is created owner-only (0600)
and replaced atomically: a crash while saving leaves the old token, never half a file.
The ``server`` field records which server issued the token, so a register moved to another
server (or from the embedded one to a chain server) enrolls again instead of sending a token
the new server never issued.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

log = logging.getLogger(__name__)

CREDENTIALS_FILE = "register.json"
# What ``server`` says for a token the register's own embedded server issued.
EMBEDDED_ISSUER = "embedded:"


class RegisterCredentials(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    server: str
    register_id: uuid.UUID
    token: str


def credentials_path(data_dir: Path) -> Path:
    return data_dir / CREDENTIALS_FILE


def embedded_issuer(database_url: str) -> str:
    """The issuer of a token from the embedded server over ``database_url``: the token is only
    valid in the database that issued it (the port changes on every start)."""
    return f"{EMBEDDED_ISSUER}{database_url}"


def saved_issuer(path: Path) -> str | None:
    """Which server issued the saved credentials; None when there are none readable."""
    try:
        return RegisterCredentials.model_validate_json(path.read_bytes()).server
    except (OSError, ValidationError):
        return None


def load_credentials(path: Path, server: str) -> RegisterCredentials | None:
    """The saved credentials if they exist, are readable and were issued by ``server``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        saved = RegisterCredentials.model_validate_json(raw)
    except ValidationError:
        log.warning("%s is not valid register credentials; enrolling again", path)
        return None
    if saved.server != server:
        log.info("saved register token is for %s, not %s; enrolling again", saved.server, server)
        return None
    return saved


def save_credentials(path: Path, credentials: RegisterCredentials) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".register-", suffix=".json", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        # mkstemp already creates the file 0600, so the token is never readable by others.
        with os.fdopen(fd, "wb") as handle:
            handle.write(credentials.model_dump_json(indent=2).encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
