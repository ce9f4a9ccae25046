"""The store's settings as the register last pulled them, for headers and number formats."""

from __future__ import annotations

from pos_desktop.db import catalog
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.catalog import StoreRules

# Shown until the first pull has brought the store's settings; amounts carry their own
# currency, so only the locale's number format can be off in the meantime.
DEFAULT_STORE_RULES = StoreRules(
    name="POS Desktop",
    currency="USD",
    locale="en_US",
    timezone="UTC",
    prices_include_tax=False,
    idle_lock_seconds=300,
    tenders=(),
)


class StoreProfileService:
    def __init__(self, database: RegisterDatabase) -> None:
        self._database = database

    def current(self) -> StoreRules:
        """What the register database holds (the sync loop keeps it current); no network."""
        with self._database.session() as db:
            return catalog.store_rules(db) or DEFAULT_STORE_RULES
