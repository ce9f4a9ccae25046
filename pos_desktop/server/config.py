"""Server tunables; the process-wide Settings feed these, tests build their own."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pos_desktop.config import Settings
from pos_desktop.server.mail.config import MailConfig


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` in any ``window_seconds``."""

    count: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class ServerConfig:
    session_ttl_seconds: int = 12 * 3600
    enroll_code_ttl_seconds: int = 24 * 3600
    wrong_pin_limit: int = 5
    unknown_card_limit: int = 10
    # Searches by e-mail or last 4 digits, per register and per employee: enough for a busy
    # counter (the Gift Cards window makes two per e-mail: recipient and buyer), far too few
    # to list a store's cards 4 digits at a time.
    card_search_limit: int = 30
    rate_window_seconds: int = 300
    # How long a verified register token or PIN session is trusted without asking the database.
    auth_cache_seconds: float = 5.0
    worker_threads: int = 4
    mail: MailConfig = field(default_factory=MailConfig)
    # Deduct Funds codes: each send is a fresh 3 guesses, so this caps guesses per card too.
    codes_per_card_per_hour: int = 5
    resend_cooldown_seconds: int = 30
    # The Back Office's front-page alerts: a register with this many unknown card numbers, or
    # wrong PINs, in the window (GET /backoffice/alerts). At or under the rate limits above, so
    # a manager hears of a guesser by the time the register is shut out.
    alert_unknown_cards: Limit = field(default_factory=lambda: Limit(5, 600))
    alert_wrong_pins: Limit = field(default_factory=lambda: Limit(5, 600))
    # GET /metrics: with a token, for whoever sends it as a bearer token; without one, for
    # this machine alone (loopback), since the figures are the store's business.
    metrics_token: str | None = None

    @property
    def unknown_cards(self) -> Limit:
        return Limit(self.unknown_card_limit, self.rate_window_seconds)

    @property
    def card_searches(self) -> Limit:
        return Limit(self.card_search_limit, self.rate_window_seconds)

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerConfig:
        """What the environment sets (``POS_SESSION_TTL_SECONDS``, ...); the rest default."""
        config = cls(mail=MailConfig.from_settings(settings))
        if settings.session_ttl_seconds is not None:
            config = replace(config, session_ttl_seconds=settings.session_ttl_seconds)
        if settings.server_threads is not None:
            config = replace(config, worker_threads=settings.server_threads)
        if settings.metrics_token is not None:
            config = replace(config, metrics_token=settings.metrics_token.get_secret_value())
        return config
