"""The Back Office's Gift Cards page, by taps as a manager against the real embedded server:
filters narrow the list, Next and Previous turn its pages, a card tapped shows its details
and activities; a cashier never sees the page."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from PySide6.QtWidgets import QTreeWidget
from pytestqt.qtbot import QtBot

from pos_desktop.server.demo import CASHIER_PIN, DEMO_CARDS, MANAGER_PIN, RECIPIENT_EMAIL
from tests.ui.back_office_support import WAIT_MS, tap
from tests.ui.catalog_support import Store, open_page, pick_in_combo
from tests.ui.support import TAP, child, type_into
from ui.gift_card_list_page import GiftCardListPage
from ui.main_window import MainWindow
from ui.presenters.card_lookup import MINUS

DEMO_COUNT = len(DEMO_CARDS)


def open_gift_cards(qtbot: QtBot, window: MainWindow) -> GiftCardListPage:
    open_page(qtbot, window, "Gift Cards")
    back_office = window.tab_frame.back_office_view
    assert back_office is not None
    page = child(back_office, GiftCardListPage, "giftCardListPage")
    qtbot.waitUntil(lambda: page.cards.topLevelItemCount() > 0, timeout=WAIT_MS)
    wait_listed(qtbot, window)
    return page


def wait_listed(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.card_list.listing, timeout=WAIT_MS)


def column(tree: QTreeWidget, index: int) -> list[str]:
    return [tree.topLevelItem(row).text(index) for row in range(tree.topLevelItemCount())]


def issue_cards(store: Store, count: int) -> None:
    """``count`` more cards, issued by the manager at another register of the store."""
    enrolled = store.server.enroll_local_register("Back room")
    headers = {"X-Register-Token": enrolled.token}
    with httpx.Client(base_url=f"{store.server.base_url}/api/v1", timeout=5) as http:
        session = http.post("/sessions", json={"pin": MANAGER_PIN}, headers=headers)
        headers["Authorization"] = f"Bearer {session.json()['token']}"
        for number in range(count):
            body = {"amount": {"amount": 10_00}, "reason": f"promotion {number}"}
            made = http.post(
                "/giftcards", json=body, headers=headers | {"Idempotency-Key": f"k{number}"}
            )
            assert made.status_code == 201, made.text


def test_gift_cards_status_filter_narrows_the_list(qtbot: QtBot, catalog_store: Store) -> None:
    """Picking "Used" lists only the used cards."""
    window = catalog_store.window
    page = open_gift_cards(qtbot, window)
    assert page.cards.topLevelItemCount() == DEMO_COUNT

    pick_in_combo(qtbot, page.status_filter, "Used")
    qtbot.waitUntil(lambda: page.cards.topLevelItemCount() == 2, timeout=WAIT_MS)
    assert column(page.cards, 1) == ["Used", "Used"], column(page.cards, 1)


def test_gift_cards_balance_and_email_filters_narrow_together(
    qtbot: QtBot, catalog_store: Store
) -> None:
    """ "Balance above zero" leaves out the emptied card; an e-mail keeps only its cards."""
    window = catalog_store.window
    page = open_gift_cards(qtbot, window)

    tap(qtbot, page.balance_toggle)
    qtbot.waitUntil(lambda: page.cards.topLevelItemCount() == DEMO_COUNT - 1, timeout=WAIT_MS)
    assert "$0.00" not in column(page.cards, 2)
    type_into(qtbot, window, page.email_filter, RECIPIENT_EMAIL)
    qtbot.waitUntil(lambda: page.cards.topLevelItemCount() == 2, timeout=WAIT_MS)


def test_gift_cards_last4_finds_the_card(qtbot: QtBot, catalog_store: Store) -> None:
    """The last 4 digits of a card's number list that card."""
    window = catalog_store.window
    page = open_gift_cards(qtbot, window)
    last4 = DEMO_CARDS[1].number[-4:]

    type_into(qtbot, window, page.last4_filter, last4)

    qtbot.waitUntil(lambda: column(page.cards, 0) == [f"•••• {last4}"], timeout=WAIT_MS)


def test_gift_cards_reversed_period_is_refused(qtbot: QtBot, catalog_store: Store) -> None:
    """An issued period that ends before it starts says so instead of listing."""
    window = catalog_store.window
    page = open_gift_cards(qtbot, window)
    page.issued_from.setDate(page.issued_from.date().currentDate())
    page.issued_until.setDate(page.issued_from.date().addDays(-3))

    qtbot.waitUntil(lambda: "before its start" in page.banner.text(), timeout=WAIT_MS)
    assert page.cards.topLevelItemCount() == 0


def test_gift_cards_next_and_previous_turn_pages(qtbot: QtBot, catalog_store: Store) -> None:
    """With more cards than a page holds, Next shows the rest and Previous the first again."""
    issue_cards(catalog_store, 50)
    window = catalog_store.window
    page = open_gift_cards(qtbot, window)
    first = column(page.cards, 0)
    assert len(first) == 50 and page.next_button.isEnabled()
    assert not page.previous_button.isEnabled()

    tap(qtbot, page.next_button)
    qtbot.waitUntil(lambda: page.cards.topLevelItemCount() == DEMO_COUNT, timeout=WAIT_MS)
    assert not set(column(page.cards, 0)) & set(first[-1:])
    assert page.span.text().startswith("Page 2")
    assert not page.next_button.isEnabled()

    tap(qtbot, page.previous_button)
    qtbot.waitUntil(lambda: column(page.cards, 0) == first, timeout=WAIT_MS)


def test_gift_cards_details_show_activities(qtbot: QtBot, catalog_store: Store) -> None:
    """A used card tapped shows its balance, recipient and activities with the employee."""
    window = catalog_store.window
    page = open_gift_cards(qtbot, window)
    row = column(page.cards, 0).index(f"•••• {DEMO_CARDS[2].number[-4:]}")
    item = page.cards.topLevelItem(row)

    qtbot.mouseClick(page.cards.viewport(), TAP, pos=page.cards.visualItemRect(item).center())

    qtbot.waitUntil(lambda: page.details.currentWidget() is page.details_page, timeout=WAIT_MS)
    assert page.fields["status"].text() == "Used"
    assert page.fields["balance"].text() == "$3.75"
    assert RECIPIENT_EMAIL in page.fields["recipient"].text().replace("\u200b", "")
    kinds = [text.split("\n") for text in column(page.activities, 1)]
    assert kinds[0][0].startswith(f"Redeemed {MINUS}$") and kinds[-1][0].startswith("Issued +$")
    assert all(employee for _kind, employee in kinds)


def test_gift_cards_page_never_shown_to_a_cashier(
    window: MainWindow, log_in: Callable[..., None]
) -> None:
    """A cashier's register shows no Back Office, so no Gift Cards page either."""
    log_in(window, CASHIER_PIN)

    assert window.tab_frame.employee_label.text().endswith("Cashier")
    assert not window.tab_frame.back_office_shown
