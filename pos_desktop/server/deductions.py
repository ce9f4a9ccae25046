"""Deduct Funds by e-mailed code (seed 000): the rules, inside the caller's transaction.

A cashier asks for a code for an amount; the server e-mails a 6-digit code to the buyer
(or the recipient, or both: the store's setting) and keeps only a keyed hash of it. The
code deducts once, for exactly what it was asked for, on the register and by the employee
that asked. Three wrong tries or the end of its validity cancel it; a newer code for the
card replaces it.

Every operation locks the card row first (as the ledger does), then reads the challenge
again: a verify, a resend and a new request for the same card run one after the other, so
an attempt is never counted from a stale read and a code never deducts twice.
"""

from __future__ import annotations

import hmac
import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from pos_desktop.domain.deduction import CODE_LENGTH, MAX_WRONG_CODES, ensure_deductible
from pos_desktop.domain.email_mask import mask_emails
from pos_desktop.domain.errors import (
    ChallengeNotFound,
    CodeAlreadyUsed,
    CodeCancelled,
    CodeExpired,
    CodeNotYours,
    DomainError,
    NoCodeAddress,
    WrongCode,
)
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.money import Money
from pos_desktop.domain.redemption import RedemptionPlan
from pos_desktop.server import ledger
from pos_desktop.server.card_sales import ensure_ticket_sells_no_card
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.context import EmployeeCaller
from pos_desktop.server.errors import CommittedRefusal
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.mail.message import Mail, queue_mail
from pos_desktop.server.mail.seal import Sealer
from pos_desktop.server.models import (
    DeductionChallenge,
    DeductionCodeSend,
    GiftCard,
    IdempotencyRecord,
    Store,
)
from pos_desktop.server.ratelimit import rate_limited

RATE_WINDOW = timedelta(hours=1)


class ChallengeState(StrEnum):
    OPEN = "open"
    DEDUCTED = "deducted"
    CANCELLED = "cancelled"  # three wrong codes, or the card could no longer pay at verify
    EXPIRED = "expired"
    REPLACED = "replaced"  # a newer code was asked for the same card


@dataclass(frozen=True, slots=True)
class SendLimits:
    per_card_per_hour: int
    resend_cooldown: timedelta

    @classmethod
    def from_config(cls, config: ServerConfig) -> SendLimits:
        return cls(
            per_card_per_hour=config.codes_per_card_per_hour,
            resend_cooldown=timedelta(seconds=config.resend_cooldown_seconds),
        )


@dataclass(frozen=True, slots=True)
class CodeRequest:
    amount: Money
    tip: Money
    ticket_id: uuid.UUID | None


# --- the code ---------------------------------------------------------------------------


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def _code_matches(keys: ServerKeys, challenge: DeductionChallenge, code: str) -> bool:
    return hmac.compare_digest(challenge.code_hash, keys.code_hash(challenge.id, code))


# --- refusals ---------------------------------------------------------------------------


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


_CLOSED = {
    ChallengeState.CANCELLED: "This code was cancelled; nothing was deducted. Ask for a new code.",
    ChallengeState.REPLACED: (
        "A newer code was sent for this card, so this one no longer works; nothing was "
        "deducted with it."
    ),
    ChallengeState.EXPIRED: "This code has expired; nothing was deducted. Ask for a new code.",
    ChallengeState.DEDUCTED: "This code was already used: the amount has been deducted.",
}


def _closed(state: ChallengeState) -> DomainError:
    message = _CLOSED[state]
    if state is ChallengeState.EXPIRED:
        return CodeExpired(message)
    if state is ChallengeState.DEDUCTED:
        return CodeAlreadyUsed(message)
    return CodeCancelled(message, too_many_wrong=False)


# --- the card ---------------------------------------------------------------------------


_WHO = {"buyer": "buyer", "recipient": "recipient", "both": "buyer or recipient"}


def _code_addresses(card: GiftCard, deliver_to: str) -> list[str]:
    """Where the store sends codes; an unknown setting means the buyer, as the seed says."""
    wanted = {
        "recipient": [card.recipient_email],
        "both": [card.buyer_email, card.recipient_email],
    }.get(deliver_to, [card.buyer_email])
    addresses = list(dict.fromkeys(address for address in wanted if address))
    if not addresses:
        who = _WHO.get(deliver_to, "buyer")
        raise NoCodeAddress(f"This card has no {who} e-mail address to send a code to.")
    return addresses


# --- limits -----------------------------------------------------------------------------


def _ensure_send_allowed(
    db: Session,
    card_id: uuid.UUID,
    now: datetime,
    limits: SendLimits,
    last_sent_at: datetime | None = None,
) -> None:
    if last_sent_at is not None:
        ready_at = last_sent_at + limits.resend_cooldown
        if now < ready_at:
            wait = max(1, math.ceil((ready_at - now).total_seconds()))
            raise rate_limited(wait, f"A new code can be sent in {_wait_text(wait)}.")
    since = now - RATE_WINDOW
    count, oldest = db.execute(
        select(func.count(), func.min(DeductionCodeSend.created_at)).where(
            DeductionCodeSend.card_id == card_id, DeductionCodeSend.created_at > since
        )
    ).one()
    if count >= limits.per_card_per_hour and oldest is not None:
        wait = max(1, math.ceil((oldest - since).total_seconds()))
        raise rate_limited(
            wait,
            f"Too many codes were sent for this card. Try again in {_wait_text(wait)}.",
        )


def gate_send(
    db: Session,
    caller: EmployeeCaller,
    idempotency_key: str,
    now: datetime,
    limits: SendLimits,
    *,
    card_id: uuid.UUID | None = None,
    challenge_id: uuid.UUID | None = None,
) -> None:
    """Refuse a send over the limits before it runs, read-only.

    Refused here, the 429 keeps its Retry-After header and is not stored against the
    Idempotency-Key, so the same request goes through once the wait is over. A key that
    already has an answer is left to replay it. The check inside the transaction stays the
    one that holds under races.
    """
    answered = db.execute(
        select(
            exists().where(
                IdempotencyRecord.register_id == caller.register.register_id,
                IdempotencyRecord.key == idempotency_key,
            )
        )
    ).scalar_one()
    if answered:
        return
    last_sent_at: datetime | None = None
    if challenge_id is not None:
        challenge = db.get(DeductionChallenge, challenge_id)
        if (
            challenge is None
            or challenge.store_id != caller.store.id
            or challenge.state != ChallengeState.OPEN
            or challenge.register_id != caller.register.register_id
            or challenge.employee_id != caller.employee_id
        ):
            return  # the operation gives the proper answer
        card_id, last_sent_at = challenge.card_id, challenge.last_sent_at
    elif card_id is not None:
        reached = db.execute(
            select(GiftCard.id).where(GiftCard.id == card_id, ledger.within_reach(caller.store.id))
        ).first()
        if reached is None:
            return  # a card out of the store's reach is unknown, not rate limited
    if card_id is not None:
        _ensure_send_allowed(db, card_id, now, limits, last_sent_at)


# --- mail -------------------------------------------------------------------------------


def _send_code(
    db: Session,
    store: Store,
    card: GiftCard,
    challenge: DeductionChallenge,
    addresses: list[str],
    code: str,
    now: datetime,
    keys: ServerKeys,
) -> None:
    db.add(DeductionCodeSend(card_id=card.id, challenge_id=challenge.id, created_at=now))
    amount = Money(challenge.amount, card.currency).format(store.locale)
    asked = f"{store.name} was asked to deduct {amount} from your gift card ending {card.last4}"
    if challenge.tip:
        tip = Money(challenge.tip, card.currency).format(store.locale)
        asked += f", and a tip of up to {tip} from what is left on it"
    minutes = store.deduction_code_minutes
    paragraphs = (
        "Hello,",
        f"{asked}.",
        f"Your code: {code}",
        f"Give this code to the cashier to confirm. It works for {minutes} minute"
        f"{'s' if minutes != 1 else ''}, once, and only for this amount.",
        "If you did not ask for this, do not share the code.",
    )
    # The subject is stored in the clear beside the sealed message: no code in it.
    subject = f"Your {store.name} gift card code"
    _queue_each(db, "deduction_code", subject, paragraphs, store, card, addresses, now, keys.mail)


def _send_confirmation(
    db: Session,
    store: Store,
    card: GiftCard,
    plan: RedemptionPlan,
    addresses: list[str],
    now: datetime,
) -> None:
    amount = plan.redeemed.format(store.locale)
    deducted = f"{amount} was deducted from your {store.name} gift card ending {card.last4}"
    if plan.tip_covered.is_positive():
        deducted += f", and a tip of {plan.tip_covered.format(store.locale)}"
    paragraphs = (
        "Hello,",
        f"{deducted}.",
        f"Remaining balance: {plan.balance_after.format(store.locale)}.",
        f"If you did not make this purchase, please contact {store.name}.",
    )
    subject = f"{amount} was deducted from your {store.name} gift card"
    _queue_each(db, "deduction_done", subject, paragraphs, store, card, addresses, now)


def _queue_each(
    db: Session,
    kind: str,
    subject: str,
    paragraphs: tuple[str, ...],
    store: Store,
    card: GiftCard,
    addresses: list[str],
    now: datetime,
    sealer: Sealer | None = None,
) -> None:
    """One message per address, the same words for each."""
    for address in addresses:
        mail = Mail(kind, address, subject, store.name, paragraphs)
        queue_mail(db, mail, now, card_id=card.id, sealer=sealer)


# --- operations -------------------------------------------------------------------------


def _store(db: Session, caller: EmployeeCaller) -> Store:
    return db.get_one(Store, caller.store.id)


def _close(challenge: DeductionChallenge, state: ChallengeState, now: datetime) -> None:
    challenge.state = state.value
    challenge.closed_at = now


def request_code(
    db: Session,
    caller: EmployeeCaller,
    card_id: uuid.UUID,
    request: CodeRequest,
    now: datetime,
    *,
    limits: SendLimits,
    keys: ServerKeys,
) -> DeductionChallenge:
    """Open a challenge for ``request`` on the card and e-mail its code (sealed in the outbox)."""
    card = ledger.lock_card(db, card_id, caller.store.id, to_pay=True)
    # Refused as the ledger would refuse the deduction, and a pending card as card_not_sent.
    ledger.plan_payment(card, request.amount, request.tip, ensure_status=ensure_deductible)
    ensure_ticket_sells_no_card(db, caller.store, caller.register.register_id, request.ticket_id)
    store = _store(db, caller)
    addresses = _code_addresses(card, store.deduction_code_to)
    _ensure_send_allowed(db, card.id, now, limits)
    # Close the card's open challenge before opening the new one: one open per card (index).
    still_open = (DeductionChallenge.card_id == card.id) & (
        DeductionChallenge.state == ChallengeState.OPEN.value
    )
    db.execute(
        update(DeductionChallenge)
        .where(still_open, DeductionChallenge.expires_at <= now)
        .values(state=ChallengeState.EXPIRED.value, closed_at=now)
    )
    db.execute(
        update(DeductionChallenge)
        .where(still_open)
        .values(state=ChallengeState.REPLACED.value, closed_at=now)
    )
    challenge_id, code = uuid.uuid4(), new_code()
    challenge = DeductionChallenge(
        id=challenge_id,
        store_id=store.id,
        card_id=card.id,
        amount=request.amount.minor,
        tip=request.tip.minor,
        ticket_id=request.ticket_id,
        employee_id=caller.employee_id,
        register_id=caller.register.register_id,
        code_hash=keys.code_hash(challenge_id, code),
        sent_to=mask_emails(addresses),
        state=ChallengeState.OPEN.value,
        wrong_attempts=0,
        created_at=now,
        last_sent_at=now,
        expires_at=now + timedelta(minutes=store.deduction_code_minutes),
    )
    db.add(challenge)
    db.flush()
    _send_code(db, store, card, challenge, addresses, code, now, keys)
    return challenge


def _locked_challenge(
    db: Session, caller: EmployeeCaller, challenge_id: uuid.UUID
) -> tuple[DeductionChallenge, GiftCard]:
    """The challenge, read again once its card is locked; bound to the caller."""
    found = db.get(DeductionChallenge, challenge_id)
    if found is None or found.store_id != caller.store.id:
        raise ChallengeNotFound()
    card = ledger.lock_card(db, found.card_id, caller.store.id, to_pay=True)
    challenge = db.execute(
        select(DeductionChallenge)
        .where(DeductionChallenge.id == challenge_id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    if (
        challenge.register_id != caller.register.register_id
        or challenge.employee_id != caller.employee_id
    ):
        raise CodeNotYours(
            "This code was asked for on another register or by another employee. "
            "Ask for a new code here."
        )
    return challenge, card


def _ensure_open(challenge: DeductionChallenge, now: datetime) -> None:
    if challenge.state != ChallengeState.OPEN:
        raise _closed(ChallengeState(challenge.state))
    if now >= challenge.expires_at:
        _close(challenge, ChallengeState.EXPIRED, now)
        raise CommittedRefusal.of(_closed(ChallengeState.EXPIRED))


def resend_code(
    db: Session,
    caller: EmployeeCaller,
    challenge_id: uuid.UUID,
    now: datetime,
    *,
    limits: SendLimits,
    keys: ServerKeys,
) -> DeductionChallenge:
    """A new code for the same deduction: the old code dies, 3 fresh tries, a fresh validity.

    An expired challenge is not revived: the seed cancels the deduction when time runs out,
    so the cashier asks for a new one.
    """
    challenge, card = _locked_challenge(db, caller, challenge_id)
    _ensure_open(challenge, now)
    _ensure_send_allowed(db, card.id, now, limits, challenge.last_sent_at)
    store = _store(db, caller)
    addresses = _code_addresses(card, store.deduction_code_to)
    code = new_code()
    challenge.code_hash = keys.code_hash(challenge.id, code)
    challenge.wrong_attempts = 0
    challenge.sent_to = mask_emails(addresses)
    challenge.last_sent_at = now
    challenge.expires_at = now + timedelta(minutes=store.deduction_code_minutes)
    _send_code(db, store, card, challenge, addresses, code, now, keys)
    return challenge


def verify_code(
    db: Session,
    caller: EmployeeCaller,
    challenge_id: uuid.UUID,
    code: str,
    idempotency_key: str,
    now: datetime,
    keys: ServerKeys,
) -> ledger.Redeemed:
    """Deduct what the challenge was asked for when ``code`` is its code.

    A wrong code uses up a try and that stands (``CommittedRefusal``). A right code on a card
    that can no longer pay (its balance fell, or it was blocked, since the code was asked
    for) cancels the challenge: the code has been spoken aloud at the counter, and leaving it
    open would let it deduct later, after another change, without the buyer asking again.
    """
    challenge, card = _locked_challenge(db, caller, challenge_id)
    _ensure_open(challenge, now)
    store = _store(db, caller)
    if not _code_matches(keys, challenge, code):
        challenge.wrong_attempts += 1
        left = attempts_left(challenge)
        if left == 0:
            _close(challenge, ChallengeState.CANCELLED, now)
            raise CommittedRefusal.of(
                CodeCancelled(
                    "Wrong code for the third time: the deduction is cancelled and nothing "
                    "was deducted. Ask for a new code.",
                    too_many_wrong=True,
                )
            )
        tries = f"{left} tr{'ies' if left != 1 else 'y'}"
        raise CommittedRefusal.of(
            WrongCode(f"That is not the code that was sent. {tries} left.", left)
        )
    amount, tip = Money(challenge.amount, card.currency), Money(challenge.tip, card.currency)
    try:
        plan = ledger.plan_payment(card, amount, tip, ensure_status=ensure_deductible)
    except DomainError as refusal:
        _close(challenge, ChallengeState.CANCELLED, now)
        raise CommittedRefusal.of(refusal) from refusal
    done = ledger.debit(
        db,
        card,
        ActivityKind.DEDUCT_BY_CODE,
        plan,
        caller,
        ticket_id=challenge.ticket_id,
        idempotency_key=idempotency_key,
        now=now,
    )
    _close(challenge, ChallengeState.DEDUCTED, now)
    challenge.activity_id = done.activity.id
    _send_confirmation(
        db, store, card, plan, _confirmation_addresses(card, store.deduction_code_to), now
    )
    return done


def _confirmation_addresses(card: GiftCard, deliver_to: str) -> list[str]:
    # The code went there, so the address exists; a card edited since keeps what is left.
    try:
        return _code_addresses(card, deliver_to)
    except NoCodeAddress:
        return []


def attempts_left(challenge: DeductionChallenge) -> int:
    return max(0, MAX_WRONG_CODES - challenge.wrong_attempts)
