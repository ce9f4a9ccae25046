"""Balance check and recipient search for the Checkout and Gift Cards tabs."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, Signal

from pos_desktop.domain.errors import DomainError
from pos_desktop.services.card_lookup import CardLookupService, CardSummary
from ui.presenters.background import BackgroundPresenter
from ui.presenters.error_text import cashier_message, ends_session


class _CardPresenter(BackgroundPresenter):
    failed = Signal(str)
    # The server no longer accepts this session: the window locks and shows the message.
    session_ended = Signal(str)

    def __init__(
        self,
        service: CardLookupService,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent, pool)
        self._service = service

    def reset(self) -> None:
        """Forget answers still on their way (the register is being locked)."""
        self._worker.forget_pending()

    def _on_failed(self, error: Exception) -> None:
        message = cashier_message(error)
        if ends_session(error):
            self.session_ended.emit(message)
        else:
            self.failed.emit(message)


class BalanceCheckPresenter(_CardPresenter):
    card_found = Signal(object)  # CardSummary

    def check(self, number_text: str) -> None:
        try:
            number = self._service.check_number(number_text)
        except DomainError as exc:
            self.failed.emit(exc.message)
            return
        self._worker.forget_pending()  # only the last card asked for may answer
        self._worker.submit(
            lambda: self._service.check_balance(number), self._on_found, self._on_failed
        )

    def _on_found(self, card: CardSummary) -> None:
        self.card_found.emit(card)


class RecipientSearchPresenter(_CardPresenter):
    results_ready = Signal(str, object)  # the e-mail searched, tuple[CardSummary, ...]

    def search(self, email_text: str) -> None:
        try:
            email = self._service.normalize_email(email_text)
        except DomainError as exc:
            self.failed.emit(exc.message)
            return
        self._worker.forget_pending()
        self._worker.submit(
            lambda: self._service.find_by_recipient(email),
            lambda cards: self.results_ready.emit(email, cards),
            self._on_failed,
        )
