"""One Settings object for the whole product.

Values come from environment variables with the ``POS_`` prefix, or from ``pos.env`` in the
config folder (platformdirs), environment first.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path, user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "pos-desktop"


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="POS_",
        env_file=config_dir() / "pos.env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    data_dir: Path = Field(default_factory=lambda: user_data_path(APP_NAME, appauthor=False))
    # Register side: a remote server, or None for the embedded one.
    server_url: str | None = None
    enroll_code: str | None = None
    register_name: str = "Register 1"
    # How often finished tickets are pushed and the catalog pulled (a finished ticket also
    # wakes the push at once).
    sync_interval_seconds: float = 30.0
    # Server side.
    database_url: str | None = None
    # Unset: the server's own defaults (pos_desktop.server.config.ServerConfig).
    session_ttl_seconds: int | None = None
    server_threads: int | None = None
    log_level: str = "INFO"

    def embedded_database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'server.sqlite3'}"
