"""Domain errors: one class per rule that can refuse, each carrying a stable code.

Only presenters and the server's error handler turn these into text for a person; the
``message`` here is the wording the cashier sees when it is shown as it is.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every error code, one name each: what the server answers in ``error.code`` (shared/API.md,
    docs/api-extensions.md) and what the register's own rules refuse with. The server and the
    register compare these, never loose strings. A newer server may answer a code this enum
    does not know yet: a register keeps it as text and shows the server's message."""

    # The contract's
    INSUFFICIENT_BALANCE = "insufficient_balance"
    CARD_NOT_FOUND = "card_not_found"
    CARD_NOT_REDEEMABLE = "card_not_redeemable"
    INVALID_AMOUNT = "invalid_amount"
    RATE_LIMITED = "rate_limited"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    # Requests the server refuses
    INVALID_REQUEST = "invalid_request"
    INVALID_HEADER = "invalid_header"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    HTTP_ERROR = "http_error"
    ENDPOINT_RETIRED = "endpoint_retired"
    # Registers, employees, sync
    INVALID_ENROLL_CODE = "invalid_enroll_code"
    WRONG_PIN = "wrong_pin"
    INVALID_PIN = "invalid_pin"
    PIN_TAKEN = "pin_taken"
    INVALID_ROLE = "invalid_role"
    INVALID_CURSOR = "invalid_cursor"
    SHIFT_CONFLICT = "shift_conflict"
    # Gift cards
    INVALID_CARD_NUMBER = "invalid_card_number"
    INVALID_SEARCH = "invalid_search"
    CARD_NOT_SENT = "card_not_sent"
    CARD_NOT_SENDABLE = "card_not_sendable"
    CARD_VOIDED = "card_voided"
    OTHER_STORES_CARD = "other_stores_card"
    NO_RECIPIENT_EMAIL = "no_recipient_email"
    ACTIVITY_NOT_FOUND = "activity_not_found"
    NOT_REVERSIBLE = "not_reversible"
    ALREADY_REVERSED = "already_reversed"
    NOT_YOUR_REDEMPTION = "not_your_redemption"
    OTHER_TICKET = "other_ticket"
    TICKET_COMPLETED = "ticket_completed"
    CARD_NUMBER_TAKEN = "card_number_taken"
    LOAD_NOT_FOUND = "load_not_found"
    LINE_TAKEN = "line_taken"
    GIFT_CARD_FOR_GIFT_CARD = "gift_card_for_gift_card"
    REFUND_TOO_LARGE = "refund_too_large"
    SALE_NOT_FOUND = "sale_not_found"
    CARD_EMPTY = "card_empty"
    EGIFT_NOT_SENT = "egift_not_sent"
    SAME_RECIPIENT_EMAIL = "same_recipient_email"
    # Deduct Funds by e-mailed code
    CHALLENGE_NOT_FOUND = "challenge_not_found"
    NO_CODE_ADDRESS = "no_code_address"
    INVALID_CODE = "invalid_code"
    WRONG_CODE = "wrong_code"
    CODE_CANCELLED = "code_cancelled"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    CODE_NOT_YOURS = "code_not_yours"
    # The Back Office
    INVALID_SETTING = "invalid_setting"
    CURRENCY_LOCKED = "currency_locked"
    EMPLOYEE_NOT_FOUND = "employee_not_found"
    EMPLOYEE_INACTIVE = "employee_inactive"
    LAST_MANAGER = "last_manager"
    REGISTER_NOT_FOUND = "register_not_found"
    REGISTER_REVOKED = "register_revoked"
    PRODUCT_NOT_FOUND = "product_not_found"
    CATEGORY_NOT_FOUND = "category_not_found"
    CATEGORY_TAKEN = "category_taken"
    BARCODE_TAKEN = "barcode_taken"
    INVALID_PRODUCT = "invalid_product"
    STALE_VERSION = "stale_version"
    OWN_REGISTER = "own_register"
    # Reports
    INVALID_RANGE = "invalid_range"
    # The register's own: never on the wire
    DOMAIN_ERROR = "domain_error"
    UNEXPECTED_ANSWER = "unexpected_answer"
    CATALOG_NOT_READY = "catalog_not_ready"
    UNKNOWN_BARCODE = "unknown_barcode"
    TICKET_REFUSED = "ticket_refused"
    TENDER_REFUSED = "tender_refused"
    PAYMENT_UNSETTLED = "payment_unsettled"
    NEEDS_SERVER = "needs_server"
    DEDUCTION_REFUSED = "deduction_refused"
    DEDUCTION_UNANSWERED = "deduction_unanswered"
    APPROVAL_REFUSED = "approval_refused"
    SHIFT_REFUSED = "shift_refused"


INSUFFICIENT_BALANCE_MESSAGE = "Fail: The value to redeem exceeds the balance of the card!"


class DomainError(Exception):
    """A rule refused the request; ``code`` is the API error code it maps to, ``details`` what
    the answer says besides the message (e.g. the tries left)."""

    code: ErrorCode = ErrorCode.DOMAIN_ERROR

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidAmount(DomainError):
    code = ErrorCode.INVALID_AMOUNT


class CurrencyMismatch(InvalidAmount):
    """Two amounts in different currencies met; also refused as an invalid amount."""


class InvalidCardNumber(DomainError):
    code = ErrorCode.INVALID_CARD_NUMBER


class InsufficientBalance(DomainError):
    code = ErrorCode.INSUFFICIENT_BALANCE

    def __init__(self, message: str = INSUFFICIENT_BALANCE_MESSAGE) -> None:
        super().__init__(message)


class CardNotRedeemable(DomainError):
    code = ErrorCode.CARD_NOT_REDEEMABLE


class InvalidPin(DomainError):
    code = ErrorCode.INVALID_PIN


class CardNotFound(DomainError):
    """No card of this store has this number, or this id and number together: the same
    answer either way, so an id alone tells nothing and moves nothing."""

    code = ErrorCode.CARD_NOT_FOUND

    def __init__(self, message: str = "No gift card has this number.") -> None:
        super().__init__(message)


class CardVoided(DomainError):
    code = ErrorCode.CARD_VOIDED


class OtherStoresCard(DomainError):
    """A chain-wide card of another store: it pays here, but only its own store changes it."""

    code = ErrorCode.OTHER_STORES_CARD

    def __init__(self, store_name: str) -> None:
        super().__init__(
            f"This card was sold at {store_name}: it pays in every store of the chain, "
            f"but only {store_name} can change it."
        )


class CardNotSendable(DomainError):
    code = ErrorCode.CARD_NOT_SENDABLE


class NoRecipientEmail(DomainError):
    code = ErrorCode.NO_RECIPIENT_EMAIL


class ActivityNotFound(DomainError):
    code = ErrorCode.ACTIVITY_NOT_FOUND

    def __init__(self, message: str = "No card activity has this id.") -> None:
        super().__init__(message)


class NotReversible(DomainError):
    code = ErrorCode.NOT_REVERSIBLE


class AlreadyReversed(DomainError):
    code = ErrorCode.ALREADY_REVERSED


class NotYourRedemption(DomainError):
    code = ErrorCode.NOT_YOUR_REDEMPTION


class OtherTicket(DomainError):
    code = ErrorCode.OTHER_TICKET


class TicketCompleted(DomainError):
    code = ErrorCode.TICKET_COMPLETED


class CardNumberTaken(DomainError):
    code = ErrorCode.CARD_NUMBER_TAKEN


class LoadNotFound(DomainError):
    code = ErrorCode.LOAD_NOT_FOUND


class LineTaken(DomainError):
    code = ErrorCode.LINE_TAKEN


class GiftCardForGiftCard(DomainError):
    code = ErrorCode.GIFT_CARD_FOR_GIFT_CARD

    def __init__(self, message: str = "A gift card cannot pay for a gift card.") -> None:
        super().__init__(message)


class RefundTooLarge(DomainError):
    code = ErrorCode.REFUND_TOO_LARGE


class SaleNotFound(DomainError):
    code = ErrorCode.SALE_NOT_FOUND


class CardEmpty(DomainError):
    code = ErrorCode.CARD_EMPTY


class InvalidRange(DomainError):
    """A report's range that ends before it starts, or is longer than a report covers."""

    code = ErrorCode.INVALID_RANGE


class EgiftNotSent(DomainError):
    """Resend asked of an e-gift that has not gone out the first time yet."""

    code = ErrorCode.EGIFT_NOT_SENT


class SameRecipientEmail(DomainError):
    """The new recipient e-mail is the one the card already has."""

    code = ErrorCode.SAME_RECIPIENT_EMAIL


# Deduct Funds by e-mailed code: raised by the server's rules (server.deductions) and by the
# register reading the server's answer (services.deductions); presenters word them.
class DeductionRefused(DomainError):
    code = ErrorCode.DEDUCTION_REFUSED


class ChallengeNotFound(DeductionRefused):
    code = ErrorCode.CHALLENGE_NOT_FOUND

    def __init__(self, message: str = "No Deduct Funds code was asked for with this id.") -> None:
        super().__init__(message)


class CodeNotYours(DeductionRefused):
    code = ErrorCode.CODE_NOT_YOURS


class NoCodeAddress(DeductionRefused):
    code = ErrorCode.NO_CODE_ADDRESS


class WrongCode(DeductionRefused):
    code = ErrorCode.WRONG_CODE

    def __init__(self, message: str, attempts_left: int) -> None:
        super().__init__(message, attempts_left=attempts_left)
        self.attempts_left = attempts_left


class CodeCancelled(DeductionRefused):
    """Nothing was deducted: the third wrong code (the answer says ``attempts_left`` 0), or a
    newer code for the card, ended it."""

    code = ErrorCode.CODE_CANCELLED

    def __init__(self, message: str, too_many_wrong: bool) -> None:
        if too_many_wrong:
            super().__init__(message, attempts_left=0)
        else:
            super().__init__(message)
        self.too_many_wrong = too_many_wrong


class CodeExpired(DeductionRefused):
    """Nothing was deducted: the code's time ran out."""

    code = ErrorCode.CODE_EXPIRED


class CodeAlreadyUsed(DeductionRefused):
    """The code deducted already (e.g. its answer was lost and a new request came later)."""

    code = ErrorCode.CODE_USED
