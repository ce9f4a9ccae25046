"""The services one register's screens use, built over one server client."""

from __future__ import annotations

from dataclasses import dataclass

from pos_desktop.services.card_lookup import CardLookupService
from pos_desktop.services.session import SessionService
from pos_desktop.services.store_profile import StoreProfileService
from pos_desktop.sync.client import ServerClient


@dataclass(frozen=True, slots=True)
class RegisterServices:
    session: SessionService
    cards: CardLookupService
    store: StoreProfileService

    @classmethod
    def over(cls, client: ServerClient) -> RegisterServices:
        return cls(
            session=SessionService(client),
            cards=CardLookupService(client),
            store=StoreProfileService(client),
        )
