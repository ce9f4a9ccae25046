"""The mail sender: a thread that delivers the outbox, patiently, once per message.

A message is claimed in one short transaction (its ``next_attempt_at`` pushed past the claim
time, under ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has a single writer), delivered
with no transaction open, and its outcome recorded in another. Two senders (two server
processes) therefore never take the same row, and a slow SMTP server holds no lock. A sender
that dies between delivering and recording leaves the row to be tried again after the claim
runs out: at most a duplicate, never a loss, which is as close to exactly once as SMTP allows.

A row's state, from its columns: sent (``sent_at``), due (never tried and no
``next_attempt_at``, or ``next_attempt_at`` passed), waiting (``next_attempt_at`` ahead: a
back-off or a claim), or given up (tried, not sent, and no ``next_attempt_at``); a given-up
row stays, with ``last_error`` saying why. Setting its ``next_attempt_at`` sends it again.

An e-gift mail is also how a card scheduled for later (``deliver_at``) gets delivered: it
waits with ``next_attempt_at`` at that time, and recording its delivery activates the card in
the same transaction. An e-gift whose card was voided meanwhile is given up, never sent.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import ColumnElement, Engine, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from pos_desktop.server import ledger
from pos_desktop.server.clock import Clock
from pos_desktop.server.database import make_session_factory
from pos_desktop.server.mail.config import MailConfig
from pos_desktop.server.mail.seal import SealBroken, Sealer
from pos_desktop.server.mail.transport import (
    MAIL_ID_HEADER,
    MAIL_KIND_HEADER,
    DeliveryFailed,
    Transport,
    make_transport,
)
from pos_desktop.server.models import GiftCard, MailAttempt, MailOutbox

log = logging.getLogger(__name__)


def due(now: datetime) -> ColumnElement[bool]:
    """Rows the sender may take at ``now``."""
    return and_(
        MailOutbox.sent_at.is_(None),
        or_(
            and_(MailOutbox.next_attempt_at.is_(None), MailOutbox.attempts == 0),
            MailOutbox.next_attempt_at <= now,
        ),
    )


@dataclass(frozen=True, slots=True)
class _Claim:
    id: uuid.UUID
    kind: str
    data: bytes
    sealed: bool
    # What next_attempt_at was before the claim, to give the row back untried.
    was_due_at: datetime | None
    # Why it must not go at all (an e-gift of a card voided since it was queued).
    withheld: str | None = None


@dataclass(frozen=True, slots=True)
class _Outcome:
    delivered: bool
    error: str | None = None
    # No further try can succeed: the row is given up at once.
    final: bool = False


class MailSender:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        transport: Transport,
        *,
        clock: Clock,
        sealer: Sealer,
        config: MailConfig | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._transport = transport
        self._clock = clock
        self._sealer = sealer
        self.config = config or MailConfig()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the mail sender is already running")
        self._stopping.clear()
        # A daemon: a process that quits without stop() must not hang on a slow SMTP server;
        # what it was sending is claimed only for a while and goes later.
        self._thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """Look at the outbox now rather than at the next poll (e.g. after queuing mail)."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Finish the message in hand, give the rest of the batch back, and end the thread."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        self._wake.set()
        thread.join(self.config.smtp_timeout_seconds + 5 if timeout is None else timeout)
        if thread.is_alive():
            log.warning("the mail sender is still delivering; leaving it to end with the process")

    def run_once(self) -> int:
        """Deliver one batch of due messages; the number tried (0: nothing was due)."""
        claims = self._claim()
        try:
            for index, claim in enumerate(claims):
                if self._stopping.is_set():
                    self._give_back(claims[index:])
                    return index
                self._record(claim, self._attempt(claim))
        finally:
            self._transport.close()
        return len(claims)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                # A full batch means more may be waiting: go on without sleeping.
                while self.run_once() == self.config.batch_size:
                    if self._stopping.is_set():
                        return
            except Exception:
                # The database may be away for a moment; the poll tries again.
                log.exception(
                    "the mail sender failed; trying again in %s s", self.config.poll_seconds
                )
            self._wake.wait(self.config.poll_seconds)

    def _claim(self) -> list[_Claim]:
        with self._session_factory() as db, db.begin():
            now = self._clock.now()
            rows = (
                db.execute(
                    select(MailOutbox)
                    .where(due(now))
                    .order_by(MailOutbox.created_at)
                    .limit(self.config.batch_size)
                    .with_for_update(skip_locked=True)
                )
                .scalars()
                .all()
            )
            voided = _voided_cards(db, rows)
            claims = [
                _Claim(
                    row.id,
                    row.kind,
                    row.message,
                    row.sealed,
                    row.next_attempt_at,
                    VOIDED_CARD if row.card_id in voided else None,
                )
                for row in rows
            ]
            for row in rows:
                row.next_attempt_at = now + timedelta(seconds=self.config.claim_seconds)
        return claims

    def _give_back(self, claims: list[_Claim]) -> None:
        with self._session_factory() as db, db.begin():
            for claim in claims:
                row = db.get(MailOutbox, claim.id)
                if row is not None and row.sent_at is None:
                    row.next_attempt_at = claim.was_due_at

    def _attempt(self, claim: _Claim) -> _Outcome:
        if claim.withheld is not None:
            return _Outcome(False, claim.withheld, final=True)
        try:
            data = self._sealer.open(claim.data) if claim.sealed else claim.data
        except SealBroken:
            return _Outcome(
                False,
                "the message was sealed with another key (the server's server.key was replaced "
                "or lost since it was queued) and cannot be opened",
                final=True,
            )
        try:
            self._transport.deliver(self._finished(claim, data))
        except DeliveryFailed as exc:
            return _Outcome(False, exc.reason, final=exc.permanent)
        except Exception as exc:
            # A bug or a malformed message must not stop the rest of the outbox.
            log.exception("mail %s (%s) could not be delivered", claim.id, claim.kind)
            return _Outcome(False, f"{type(exc).__name__}: {exc}")
        return _Outcome(True)

    def _finished(self, claim: _Claim, data: bytes) -> EmailMessage:
        """The queued message with what is only known when it leaves: sender and date."""
        message = message_from_bytes(data, _class=EmailMessage, policy=default_policy)
        for name, value in (
            ("From", self.config.mail_from),
            ("Date", format_datetime(self._clock.now())),
            (MAIL_ID_HEADER, str(claim.id)),
            (MAIL_KIND_HEADER, claim.kind),
        ):
            del message[name]
            message[name] = value
        return message

    def _record(self, claim: _Claim, outcome: _Outcome) -> None:
        with self._session_factory() as db, db.begin():
            now = self._clock.now()
            row = db.get(MailOutbox, claim.id)
            if row is None:  # deleted while in flight (e.g. by an operator): nothing to note
                return
            if outcome.delivered and row.kind == ledger.EGIFT_MAIL_KIND and row.card_id:
                # First, before this row is written: the card's lock comes before its mail's,
                # in the order the routes that change a card take them.
                ledger.activate_delivered(db, row.card_id, now)
            row.attempts += 1
            db.add(
                MailAttempt(
                    mail_id=row.id,
                    attempted_at=now,
                    delivered=outcome.delivered,
                    error=outcome.error,
                )
            )
            if outcome.delivered:
                row.sent_at = now
                row.next_attempt_at = None
                row.last_error = None
                log.debug("mail %s (%s) delivered", row.id, row.kind)
            elif outcome.final or row.attempts >= self.config.max_attempts:
                row.next_attempt_at = None
                row.last_error = f"given up after {_tries(row.attempts)}: {outcome.error}"
                log.error("mail %s (%s) %s", row.id, row.kind, row.last_error)
            else:
                wait = self._back_off(row.attempts)
                row.next_attempt_at = now + wait
                row.last_error = outcome.error
                log.warning(
                    "mail %s (%s) not delivered (try %d), trying again in %s: %s",
                    row.id,
                    row.kind,
                    row.attempts,
                    wait,
                    outcome.error,
                )
            if row.sealed and row.next_attempt_at is None:
                # Sent or given up, a sealed body has no further use: not even the ciphertext
                # of a code stays in the database.
                row.message = b""

    def _back_off(self, attempts: int) -> timedelta:
        seconds = self.config.first_retry_seconds * 2 ** min(attempts - 1, 32)
        return timedelta(seconds=min(seconds, self.config.longest_retry_seconds))


VOIDED_CARD = "the gift card was voided before its e-mail went"


def _voided_cards(db: Session, rows: Sequence[MailOutbox]) -> set[uuid.UUID]:
    """The voided cards among the claimed e-gift mails' cards."""
    card_ids = {row.card_id for row in rows if row.kind == ledger.EGIFT_MAIL_KIND and row.card_id}
    if not card_ids:
        return set()
    return set(
        db.execute(
            select(GiftCard.id).where(GiftCard.id.in_(card_ids), GiftCard.voided.is_(True))
        ).scalars()
    )


def outbox_folder(data_dir: Path) -> Path:
    """Where mail goes as .eml files when no SMTP server is set."""
    return data_dir / "outbox"


def sender_for(
    engine: Engine, data_dir: Path, *, clock: Clock, sealer: Sealer, config: MailConfig
) -> MailSender:
    """The sender a server runs beside its app: SMTP when set, else the data folder's outbox."""
    transport = make_transport(config, outbox_folder(data_dir))
    return MailSender(
        make_session_factory(engine), transport, clock=clock, sealer=sealer, config=config
    )


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"
