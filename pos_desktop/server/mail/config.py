"""How the server delivers its mail: where (SMTP or .eml files) and how patiently."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from pos_desktop.config import SMTP_PORTS, Settings, SmtpSecurity


@dataclass(frozen=True, slots=True)
class MailConfig:
    # No host: each message becomes an .eml file in the data folder's outbox.
    smtp_host: str | None = None
    smtp_port: int = SMTP_PORTS["starttls"]
    smtp_security: SmtpSecurity = "starttls"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "POS Desktop <no-reply@localhost>"
    smtp_timeout_seconds: float = 30.0
    # The sender also wakes when poked; the poll catches mail queued by other processes.
    poll_seconds: float = 5.0
    batch_size: int = 10
    # Back-off after a failed try: doubles from the first to the longest wait.
    first_retry_seconds: float = 30.0
    longest_retry_seconds: float = 3600.0
    # 30 tries with the waits above span about a day; then the message is given up.
    max_attempts: int = 30
    # How long a claimed message is left to its sender before another may take it: longer
    # than a batch can take with every message waiting out the SMTP timeout.
    claim_seconds: float = 900.0

    @classmethod
    def from_settings(cls, settings: Settings) -> MailConfig:
        security = settings.smtp_security
        return cls(
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port or SMTP_PORTS[security],
            smtp_security=security,
            smtp_user=settings.smtp_user,
            smtp_password=settings.smtp_password,
            mail_from=settings.mail_from,
        )
