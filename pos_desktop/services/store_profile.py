"""The store's settings as the register last pulled them, for headers and number formats."""

from __future__ import annotations

from pos_desktop.db import catalog
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.domain.catalog import StoreRules
from pos_desktop.services.results import DEFAULT_STORE_RULES


class StoreProfileService:
    def __init__(self, database: RegisterDatabase) -> None:
        self._database = database

    def current(self) -> StoreRules:
        """What the register database holds (the sync loop keeps it current); no network."""
        with self._database.session() as db:
            return catalog.store_rules(db) or DEFAULT_STORE_RULES
