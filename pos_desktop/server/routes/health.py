from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from pos_desktop import contracts as c
from pos_desktop.server.deps import SessionsDep

router = APIRouter(tags=["health"])


@router.get("/health", response_model=c.Health)
def health(sessions: SessionsDep) -> c.Health:
    with sessions() as db:
        db.execute(text("SELECT 1"))
        dialect = db.get_bind().dialect.name
        return c.Health(status="ok", database=dialect)
