"""The store's name, currency and locale as the server's settings give them."""

from __future__ import annotations

from dataclasses import dataclass

from pos_desktop.contracts import StoreSettings
from pos_desktop.sync.client import ServerClient


@dataclass(frozen=True, slots=True)
class StoreProfile:
    name: str
    currency: str
    locale: str
    timezone: str

    @classmethod
    def from_wire(cls, settings: StoreSettings) -> StoreProfile:
        return cls(
            name=settings.store_name,
            currency=settings.currency,
            locale=settings.locale,
            timezone=settings.timezone,
        )


# Shown until the server's settings arrive; amounts carry their own currency, so only the
# locale's number format can be off in the meantime.
DEFAULT_STORE_PROFILE = StoreProfile(
    name="POS Desktop", currency="USD", locale="en_US", timezone="UTC"
)


class StoreProfileService:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    def fetch(self) -> StoreProfile:
        settings = self._client.pull().settings
        return StoreProfile.from_wire(settings) if settings else DEFAULT_STORE_PROFILE
