"""The server's tunables come from the same settings in every mode (served and embedded)."""

from __future__ import annotations

import pytest

from pos_desktop.config import Settings
from pos_desktop.server.config import ServerConfig


def test_server_config_takes_what_the_environment_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """POS_SESSION_TTL_SECONDS and POS_SERVER_THREADS reach the server's configuration."""
    monkeypatch.setenv("POS_SESSION_TTL_SECONDS", "600")
    monkeypatch.setenv("POS_SERVER_THREADS", "2")
    config = ServerConfig.from_settings(Settings())
    assert (config.session_ttl_seconds, config.worker_threads) == (600, 2)


def test_server_config_keeps_its_defaults_when_nothing_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Unset settings leave the server's own defaults."""
    monkeypatch.delenv("POS_SESSION_TTL_SECONDS", raising=False)
    monkeypatch.delenv("POS_SERVER_THREADS", raising=False)
    assert ServerConfig.from_settings(Settings(_env_file=None)) == ServerConfig()
