"""Pull the catalog, employees and settings changed since the saved cursor."""

from __future__ import annotations

import logging

from pos_desktop.db import catalog
from pos_desktop.db.catalog import CatalogChange
from pos_desktop.db.database import RegisterDatabase
from pos_desktop.sync.client import ServerClient

log = logging.getLogger(__name__)


class CatalogSync:
    def __init__(self, database: RegisterDatabase, client: ServerClient) -> None:
        self._database = database
        self._client = client

    def pull_once(self) -> CatalogChange:
        """One pull, saved with its cursor in one transaction; raises the client's errors."""
        # The cursor is read in a session of its own: no transaction stays open over HTTP.
        with self._database.session() as db:
            cursor = catalog.sync_cursor(db)
        pulled = self._client.pull(cursor)
        with self._database.session() as db:
            change = catalog.save_pull(db, pulled)
            db.commit()
        if change.any:
            log.info(
                "catalog pulled: %d products, %d employees changed, settings %s",
                change.products,
                change.employees,
                "changed" if change.settings else "unchanged",
            )
        return change
