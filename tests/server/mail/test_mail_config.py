"""POS_SMTP_* and POS_MAIL_FROM reach the server's mail settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pos_desktop.config import Settings
from pos_desktop.server.config import ServerConfig

SMTP_VARIABLES = (
    "POS_SMTP_HOST",
    "POS_SMTP_PORT",
    "POS_SMTP_SECURITY",
    "POS_SMTP_USER",
    "POS_SMTP_PASSWORD",
    "POS_MAIL_FROM",
)


@pytest.fixture(autouse=True)
def _no_smtp_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SMTP_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_mail_config_takes_the_smtp_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every variable lands in ServerConfig.mail; the password stays a secret in reprs."""
    monkeypatch.setenv("POS_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("POS_SMTP_PORT", "2525")
    monkeypatch.setenv("POS_SMTP_SECURITY", "SSL")
    monkeypatch.setenv("POS_SMTP_USER", "shop")
    monkeypatch.setenv("POS_SMTP_PASSWORD", "hunter2")
    monkeypatch.setenv("POS_MAIL_FROM", "Corner Shop <gifts@corner.example>")

    mail = ServerConfig.from_settings(Settings(_env_file=None)).mail

    assert (mail.smtp_host, mail.smtp_port, mail.smtp_security) == ("mail.example.com", 2525, "ssl")
    assert mail.smtp_user == "shop"
    assert mail.smtp_password is not None
    assert mail.smtp_password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(mail)
    assert mail.mail_from == "Corner Shop <gifts@corner.example>"


@pytest.mark.parametrize(("security", "port"), [("none", 25), ("starttls", 587), ("ssl", 465)])
def test_mail_config_port_defaults_to_the_one_of_its_security(
    monkeypatch: pytest.MonkeyPatch, security: str, port: int
) -> None:
    """Without POS_SMTP_PORT the port is the usual one for the connection's security."""
    monkeypatch.setenv("POS_SMTP_SECURITY", security)

    assert Settings(_env_file=None).smtp_port == port


@pytest.mark.parametrize(
    ("name", "value"),
    [("POS_SMTP_SECURITY", "tls"), ("POS_SMTP_PORT", "0"), ("POS_MAIL_FROM", "no address")],
)
def test_mail_config_refuses_bad_values(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """A wrong security, port or sender is an error at start-up, not a silent default."""
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_mail_config_without_a_host_means_the_outbox_folder() -> None:
    """No SMTP settings (the embedded default): no host, so mail goes to .eml files."""
    assert ServerConfig.from_settings(Settings(_env_file=None)).mail.smtp_host is None
