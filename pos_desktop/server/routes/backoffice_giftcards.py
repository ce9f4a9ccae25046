"""The Back Office's list of gift cards (managers only): filtered, newest first, by pages.

Reading only: the actions on a card (block, void, adjust...) are the gift-card routes'. The
query lives in pos_desktop.server.card_list; a card's details and activities are
``GET /giftcards/{id}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from pos_desktop import contracts as c
from pos_desktop.domain.card_filters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, card_filter
from pos_desktop.domain.giftcard import CardStatus
from pos_desktop.server import card_list
from pos_desktop.server.deps import WITHOUT_NUL, ManagerDep
from pos_desktop.server.replica import ReadingDep

router = APIRouter(prefix="/backoffice", tags=["back office"])

Instant = Annotated[AwareDatetime | None, Query()]


@router.get("/giftcards", response_model=c.CardPage)
def list_giftcards(
    manager: ManagerDep,
    reading: ReadingDep,
    status: CardStatus | None = None,
    balance_above_zero: bool = False,
    issued_from: Instant = None,
    issued_until: Instant = None,
    email: Annotated[str | None, Query(max_length=254, pattern=WITHOUT_NUL)] = None,
    last4: Annotated[str | None, Query(max_length=64, pattern=WITHOUT_NUL)] = None,
    cursor: Annotated[str | None, Query(max_length=512, pattern=WITHOUT_NUL)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> c.CardPage:
    """The store's cards that match every filter given, newest first; ``issued_from`` is
    inclusive and ``issued_until`` exclusive; ``email`` is the recipient's or the buyer's."""
    wanted = card_filter(
        status=status,
        with_balance=balance_above_zero,
        issued_from=issued_from,
        issued_until=issued_until,
        email=email,
        last4=last4,
    )
    with reading.session() as (db, lag):
        page = card_list.list_cards(db, manager.store.id, wanted, limit=limit, cursor=cursor)
    page.replica_lag_ms = lag
    return page
