"""Blocking HTTP client for the register <-> server contract (shared/API.md).

Blocking on purpose: every call runs on a worker thread (the GUI never waits on it), and a
plain synchronous client keeps the call sites and their tests simple. One ``ServerClient`` is
shared by all workers of a register; httpx's connection pool is thread-safe.
"""

from __future__ import annotations

import email.utils
import importlib.metadata
import logging
import math
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from pos_desktop.contracts import (
    ActivityOut,
    AdjustRequest,
    AlertsOut,
    ApprovalRecord,
    AuditList,
    BackOfficeStore,
    CardActionRequest,
    CardChangeOut,
    CardDetail,
    CardList,
    CardLoadOut,
    CardLoadRef,
    CardOut,
    CardPage,
    CardReloadRequest,
    CardSaleRequest,
    CashOutRequest,
    CategoryCreate,
    CategoryList,
    CategoryOut,
    CategoryUpdate,
    ChainReportOut,
    CreateEmployeeRequest,
    DeductionChallengeOut,
    DeductionCodeRequest,
    EgiftDeliveryOut,
    EmployeeOut,
    EmployeeUpdate,
    EnrollCodeResponse,
    EnrollRequest,
    EnrollResponse,
    ErrorBody,
    ExceptionsReportOut,
    GiftCardReportOut,
    Health,
    ImportReport,
    ImportRequest,
    LiabilityOut,
    LookupRequest,
    MoneyBody,
    ProductCreate,
    ProductDetail,
    ProductPage,
    ProductUpdate,
    PullResponse,
    PushRequest,
    PushResponse,
    RecipientChangeRequest,
    RedeemRequest,
    RedemptionOut,
    RefundOut,
    RegisterInfo,
    RegisterList,
    RegisterUpdate,
    ReplacedCard,
    ReplaceRequest,
    ResendEgiftRequest,
    ReverseRequest,
    SalesReportOut,
    SessionRequest,
    SessionResponse,
    Shift,
    StaffList,
    StaffMember,
    StoreCreditRequest,
    StoreUpdate,
    TenderRefundRequest,
    Ticket,
    VerifyCodeRequest,
)
from pos_desktop.domain.card_filters import CardFilter
from pos_desktop.domain.errors import ErrorCode
from pos_desktop.sync.errors import (
    UNREADABLE_ANSWER_MESSAGE,
    ServerError,
    ServerUnreachable,
    UnexpectedAnswer,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# Sent as X-POS-Version: the Back Office lists each register's app version.
APP_VERSION = importlib.metadata.version("pos-desktop")
DEFAULT_TIMEOUT_SECONDS = 10.0
# A register on a LAN either connects at once or not at all; failing fast lets the cashier
# switch to an offline tender instead of staring at a spinner for the full read timeout.
CONNECT_TIMEOUT_SECONDS = 3.0

M = TypeVar("M", bound=BaseModel)


class _Empty(BaseModel):
    """The ``{}`` body of POSTs that need no fields."""


_EMPTY = _Empty()


def api_root(base_url: str) -> str:
    """Accept both ``http://host:port`` and ``http://host:port/api/v1`` as the server address."""
    root = base_url.rstrip("/")
    if not root.endswith(API_PREFIX):
        root += API_PREFIX
    return root


def _retry_after_seconds(response: httpx.Response, details: dict[str, Any]) -> int | None:
    raw: Any = response.headers.get("Retry-After", details.get("retry_after"))
    if raw is None:
        return None
    text = str(raw).strip()
    try:
        return max(0, math.ceil(float(text)))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - datetime.now(UTC)).total_seconds()))


def error_from_response(response: httpx.Response) -> ServerError:
    """Turn a 4xx/5xx into ``ServerError``, keeping the server's cashier-readable message."""
    try:
        body = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        log.warning("server answered %s without an error body", response.status_code)
        if response.status_code >= 500:
            message = "The server had a problem. Try again; if it keeps happening, call a manager."
        else:
            message = f"The server refused the request (error {response.status_code})."
        return ServerError(response.status_code, ErrorCode.HTTP_ERROR, message)
    details = {k: v for k, v in (body.error.model_extra or {}).items()}
    return ServerError(
        status=response.status_code,
        code=body.error.code,
        message=body.error.message,
        retry_after=_retry_after_seconds(response, details),
        details=details,
    )


class ServerClient:
    """Typed calls to the server; keeps the register token and, after login, the session token."""

    def __init__(
        self,
        base_url: str,
        register_token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.register_token = register_token
        # Finished tickets this register has not pushed yet, sent as X-POS-Outbox so the Back
        # Office can list them; kept current by the outbox relay, None (not sent) until known.
        self.tickets_waiting: int | None = None
        self._session_token: str | None = None
        self._http = httpx.Client(
            base_url=api_root(base_url),
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)),
            transport=transport,
            headers={"Accept": "application/json", "X-POS-Version": APP_VERSION},
        )

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- session -----------------------------------------------------------------------------

    def forget_session(self) -> None:
        """Drop the employee's session token so nothing more is done on their behalf."""
        self._session_token = None

    # -- endpoints ---------------------------------------------------------------------------

    def health(self) -> Health:
        return self._call("GET", "/health", Health)

    def enroll(self, code: str, name: str) -> EnrollResponse:
        """Trade a one-time enroll code for this register's token, and use the token from now on."""
        body = EnrollRequest(code=code, name=name)
        enrolled = self._call("POST", "/registers/enroll", EnrollResponse, json=body)
        self.register_token = enrolled.token
        return enrolled

    def create_enroll_code(self) -> EnrollCodeResponse:
        """A one-time code another register enrolls with (manager session required)."""
        return self._call("POST", "/registers/enroll-codes", EnrollCodeResponse, json=_EMPTY)

    def open_session(self, pin: str) -> SessionResponse:
        session = self._call("POST", "/sessions", SessionResponse, json=SessionRequest(pin=pin))
        self._session_token = session.token
        return session

    def lookup_card(self, number: str) -> CardOut:
        """The card with this full number; the number goes in the body, never in a URL."""
        return self._call("POST", "/giftcards/lookup", CardOut, json=LookupRequest(number=number))

    def search_cards(self, recipient_email: str) -> CardList:
        return self._call(
            "GET", "/giftcards", CardList, params={"recipient_email": recipient_email}
        )

    def search_cards_by_buyer(self, buyer_email: str) -> CardList:
        return self._call("GET", "/giftcards", CardList, params={"buyer_email": buyer_email})

    def search_cards_by_last4(self, last4: str) -> CardList:
        return self._call("GET", "/giftcards", CardList, params={"last4": last4})

    def get_card(self, card_id: uuid.UUID) -> CardDetail:
        return self._call("GET", f"/giftcards/{card_id}", CardDetail)

    def pull(self, cursor: str | None = None) -> PullResponse:
        params = {"cursor": cursor} if cursor else None
        return self._call("GET", "/sync/pull", PullResponse, params=params)

    def push(
        self,
        tickets: Sequence[Ticket],
        approvals: Sequence[ApprovalRecord] = (),
        shifts: Sequence[Shift] = (),
    ) -> PushResponse:
        """Hand finished tickets (and approvals given outside them, and closed drawer shifts)
        over; the server keeps each ticket id, approval id and shift id once, so no key is
        needed."""
        body = PushRequest(tickets=list(tickets), approvals=list(approvals), shifts=list(shifts))
        return self._call("POST", "/sync/push", PushResponse, json=body)

    # -- money: the caller stores the key before calling, and asks again with it after a
    # timeout or a crash; the server then answers as it did the first time.

    def redeem(
        self,
        card_id: uuid.UUID,
        number: str,
        amount: MoneyBody,
        tip: MoneyBody | None,
        ticket_id: uuid.UUID | None,
        idempotency_key: str,
    ) -> RedemptionOut:
        """``number``: the card's full number, read off it now: the server's proof that the
        card is at the counter."""
        body = RedeemRequest(number=number, amount=amount, tip=tip, ticket_id=ticket_id)
        return self._call(
            "POST",
            f"/giftcards/{card_id}/redeem",
            RedemptionOut,
            json=body,
            idempotency_key=idempotency_key,
        )

    def reverse(
        self, activity_id: uuid.UUID, ticket_id: uuid.UUID, idempotency_key: str
    ) -> ActivityOut:
        """Give back a redemption of ``ticket_id``, still open on this register."""
        return self._call(
            "POST",
            f"/activities/{activity_id}/reverse",
            ActivityOut,
            json=ReverseRequest(ticket_id=ticket_id),
            idempotency_key=idempotency_key,
        )

    def request_deduction_code(
        self,
        card_id: uuid.UUID,
        amount: MoneyBody,
        idempotency_key: str,
        *,
        tip: MoneyBody | None = None,
        ticket_id: uuid.UUID | None = None,
    ) -> DeductionChallengeOut:
        """Deduct Funds, step 2: the server e-mails a 6-digit code (nothing is deducted yet)."""
        body = DeductionCodeRequest(amount=amount, tip=tip, ticket_id=ticket_id)
        return self._call(
            "POST",
            f"/giftcards/{card_id}/deduction-codes",
            DeductionChallengeOut,
            json=body,
            idempotency_key=idempotency_key,
        )

    def resend_deduction_code(
        self, challenge_id: uuid.UUID, idempotency_key: str
    ) -> DeductionChallengeOut:
        """A new code for the same deduction; the old one stops working."""
        return self._call(
            "POST",
            f"/deduction-codes/{challenge_id}/resend",
            DeductionChallengeOut,
            json=_EMPTY,
            idempotency_key=idempotency_key,
        )

    def verify_deduction_code(
        self, challenge_id: uuid.UUID, code: str, idempotency_key: str
    ) -> RedemptionOut:
        """Deduct Funds, step 4: the right code deducts at once; asked again with the same key,
        the server replays its first answer (never deducts twice, never counts a code twice)."""
        return self._call(
            "POST",
            f"/deduction-codes/{challenge_id}/verify",
            RedemptionOut,
            json=VerifyCodeRequest(code=code),
            idempotency_key=idempotency_key,
        )

    # -- e-gift delivery (manager session required) ----------------------------------------

    def resend_egift(
        self, card_id: uuid.UUID, reason: str, idempotency_key: str
    ) -> EgiftDeliveryOut:
        """Send a delivered card's e-gift mail again, to its recipient e-mail."""
        return self._call(
            "POST",
            f"/giftcards/{card_id}/resend",
            EgiftDeliveryOut,
            json=ResendEgiftRequest(reason=reason),
            idempotency_key=idempotency_key,
        )

    def change_recipient_email(
        self, card_id: uuid.UUID, email: str, reason: str, idempotency_key: str
    ) -> EgiftDeliveryOut:
        """Point the card's e-gift at another address (a waiting mail follows it)."""
        return self._call(
            "POST",
            f"/giftcards/{card_id}/recipient",
            EgiftDeliveryOut,
            json=RecipientChangeRequest(recipient_email=email, reason=reason),
            idempotency_key=idempotency_key,
        )

    # -- a manager's card actions (a manager's session; cash-out: see its note) ---------------

    def card_action(
        self, card_id: uuid.UUID, action: str, reason: str, idempotency_key: str
    ) -> CardOut:
        """``action``: "block", "unblock" or "void", with the reason the activity records."""
        if action not in ("block", "unblock", "void"):
            raise ValueError(f"not a card action: {action!r}")
        return self._call(
            "POST",
            f"/giftcards/{card_id}/{action}",
            CardOut,
            json=CardActionRequest(reason=reason),
            idempotency_key=idempotency_key,
        )

    def adjust_card(
        self, card_id: uuid.UUID, amount: MoneyBody, reason: str, idempotency_key: str
    ) -> CardChangeOut:
        """A correction of the balance: ``amount`` up (positive) or down (negative)."""
        return self._call(
            "POST",
            f"/giftcards/{card_id}/adjust",
            CardChangeOut,
            json=AdjustRequest(amount=amount, reason=reason),
            idempotency_key=idempotency_key,
        )

    def cash_out_card(
        self, card_id: uuid.UUID, number: str, reason: str | None, idempotency_key: str
    ) -> CardChangeOut:
        """The whole balance paid out in cash; ``number``: the card's, at the counter. A
        manager's, or anyone's where the store's law asks it for a small balance."""
        return self._call(
            "POST",
            f"/giftcards/{card_id}/cash-out",
            CardChangeOut,
            json=CashOutRequest(number=number, reason=reason),
            idempotency_key=idempotency_key,
        )

    def replace_card(
        self, card_id: uuid.UUID, reason: str, number: str | None, idempotency_key: str
    ) -> ReplacedCard:
        """A lost card's balance onto a new card (a blank's ``number``, or one the server
        gives), the old one voided; the answer holds the new full number, this once."""
        return self._call(
            "POST",
            f"/giftcards/{card_id}/replace",
            ReplacedCard,
            json=ReplaceRequest(reason=reason, number=number),
            idempotency_key=idempotency_key,
        )

    def sell_card(self, body: CardSaleRequest, idempotency_key: str) -> CardLoadOut:
        """A gift card on a line of an open ticket, pending until the ticket completes; the
        answer holds the card's full number, this once."""
        return self._call(
            "POST", "/card-loads/sale", CardLoadOut, json=body, idempotency_key=idempotency_key
        )

    def reload_card(self, body: CardReloadRequest, idempotency_key: str) -> CardLoadOut:
        """Value added to the card at the counter on a line of an open ticket, once it
        completes."""
        return self._call(
            "POST", "/card-loads/reload", CardLoadOut, json=body, idempotency_key=idempotency_key
        )

    def cancel_card_load(self, ref: CardLoadRef, idempotency_key: str) -> CardLoadOut:
        """The line left the open ticket (or the ticket was voided): its card is off."""
        return self._call(
            "POST", "/card-loads/cancel", CardLoadOut, json=ref, idempotency_key=idempotency_key
        )

    # -- refunds of completed sales, cash-out -----------------------------------------------

    def refund_tender(self, body: TenderRefundRequest, idempotency_key: str) -> RefundOut:
        """A completed sale's gift-card payment (or part of it) back onto the card that paid."""
        return self._call(
            "POST", "/refunds/tender", RefundOut, json=body, idempotency_key=idempotency_key
        )

    def store_credit(self, body: StoreCreditRequest, idempotency_key: str) -> RefundOut:
        """A completed sale refunded onto a card at the counter, or a new card whose full
        number the answer holds this once."""
        return self._call(
            "POST", "/refunds/store-credit", RefundOut, json=body, idempotency_key=idempotency_key
        )

    # -- plumbing ----------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.register_token:
            headers["X-Register-Token"] = self.register_token
        if self._session_token:
            headers["Authorization"] = f"Bearer {self._session_token}"
        waiting = self.tickets_waiting
        if waiting is not None:
            headers["X-POS-Outbox"] = str(waiting)
        return headers

    def _call(
        self,
        method: str,
        path: str,
        answer: type[M],
        *,
        json: BaseModel | None = None,
        params: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> M:
        response = self._send(
            method, path, json=json, params=params, idempotency_key=idempotency_key
        )
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as exc:
            log.error("%s %s: answer does not match %s: %s", method, path, answer.__name__, exc)
            raise UnexpectedAnswer(
                response.status_code, ErrorCode.UNEXPECTED_ANSWER, UNREADABLE_ANSWER_MESSAGE
            ) from exc

    def _send(
        self,
        method: str,
        path: str,
        *,
        json: BaseModel | None = None,
        params: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """The server's answer to a request, or the ServerError it stands for."""
        # Deterministic serialization: a retry with the same key must be the same request
        # byte for byte, or the server refuses it as a reused key.
        content = json.model_dump_json(exclude_none=True).encode() if json is not None else None
        headers = self._headers()
        # The server logs every line of this request with the same id: the two logs meet.
        request_id = uuid.uuid4().hex
        headers["X-Request-ID"] = request_id
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self._http.request(
                method, path, content=content, params=params, headers=headers
            )
        except httpx.TransportError as exc:
            # Connect refused, DNS, TLS, timeouts, a dropped connection: the cashier can do
            # nothing about which one, so they all read the same; the log keeps the detail.
            log.warning(
                "%s %s: no answer from the server (request %s): %r", method, path, request_id, exc
            )
            raise ServerUnreachable() from exc
        log.info("%s %s: %d (request %s)", method, path, response.status_code, request_id)
        if response.is_error:
            raise error_from_response(response)
        return response

    # -- the Back Office (manager session required) ------------------------------------------

    def backoffice_store(self) -> BackOfficeStore:
        return self._call("GET", "/backoffice/store", BackOfficeStore)

    def update_backoffice_store(self, changes: StoreUpdate) -> BackOfficeStore:
        """Change the settings given; those left ``None`` keep their value on the server."""
        return self._call("PATCH", "/backoffice/store", BackOfficeStore, json=changes)

    def audit_log(self, limit: int = 100) -> AuditList:
        """The store's audit log, newest first (Back Office changes, managers' approvals)."""
        return self._call("GET", "/backoffice/audit", AuditList, params={"limit": str(limit)})

    def list_staff(self) -> StaffList:
        return self._call("GET", "/backoffice/employees", StaffList)

    def update_staff(self, employee_id: uuid.UUID, change: EmployeeUpdate) -> StaffMember:
        """Change what ``change`` names; a field left out keeps its value."""
        return self._call("PATCH", f"/backoffice/employees/{employee_id}", StaffMember, json=change)

    def add_employee(self, new: CreateEmployeeRequest) -> EmployeeOut:
        return self._call("POST", "/employees", EmployeeOut, json=new)

    def categories(self) -> CategoryList:
        return self._call("GET", "/backoffice/categories", CategoryList)

    def add_category(self, new: CategoryCreate) -> CategoryOut:
        return self._call("POST", "/backoffice/categories", CategoryOut, json=new)

    def update_category(self, category_id: uuid.UUID, change: CategoryUpdate) -> CategoryOut:
        return self._call(
            "PATCH", f"/backoffice/categories/{category_id}", CategoryOut, json=change
        )

    def products(
        self,
        *,
        search: str = "",
        category_id: uuid.UUID | None = None,
        archived: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> ProductPage:
        params = {"search": search, "archived": str(archived).lower()}
        params |= {"offset": str(offset), "limit": str(limit)}
        if category_id is not None:
            params["category_id"] = str(category_id)
        return self._call("GET", "/backoffice/products", ProductPage, params=params)

    def product(self, product_id: uuid.UUID) -> ProductDetail:
        return self._call("GET", f"/backoffice/products/{product_id}", ProductDetail)

    def add_product(self, new: ProductCreate) -> ProductDetail:
        return self._call("POST", "/backoffice/products", ProductDetail, json=new)

    def update_product(self, product_id: uuid.UUID, change: ProductUpdate) -> ProductDetail:
        """Refused with ``stale_version`` when another save came after ``change.version``."""
        return self._call("PATCH", f"/backoffice/products/{product_id}", ProductDetail, json=change)

    def export_products(self) -> bytes:
        """The whole catalog as the CSV file the import takes back (UTF-8)."""
        return self._send("GET", "/backoffice/products/export").content

    def import_products(self, request: ImportRequest) -> ImportReport:
        return self._call("POST", "/backoffice/products/import", ImportReport, json=request)

    def list_registers(self) -> RegisterList:
        return self._call("GET", "/backoffice/registers", RegisterList)

    def rename_register(self, register_id: uuid.UUID, name: str) -> RegisterInfo:
        return self._call(
            "PATCH",
            f"/backoffice/registers/{register_id}",
            RegisterInfo,
            json=RegisterUpdate(name=name),
        )

    def revoke_register(self, register_id: uuid.UUID) -> RegisterInfo:
        """The register's token is refused from its next request."""
        return self._call("POST", f"/backoffice/registers/{register_id}/revoke", RegisterInfo)

    def gift_card_page(self, wanted: CardFilter, *, cursor: str | None = None) -> CardPage:
        """A page of the store's cards ``wanted`` finds, newest first, after ``cursor``."""
        params = {"balance_above_zero": str(wanted.with_balance).lower()}
        optional = {
            "status": wanted.status.value if wanted.status is not None else None,
            "issued_from": wanted.issued_from.isoformat() if wanted.issued_from else None,
            "issued_until": wanted.issued_until.isoformat() if wanted.issued_until else None,
            "email": wanted.email,
            "last4": wanted.last4,
            "cursor": cursor,
        }
        params |= {name: value for name, value in optional.items() if value is not None}
        return self._call("GET", "/backoffice/giftcards", CardPage, params=params)

    # -- reports (issue 15): the store's calendar days, both ends included ---------------------

    def sales_report(self, start: date, end: date) -> SalesReportOut:
        return self._call(
            "GET", "/backoffice/reports/sales", SalesReportOut, params=_days(start, end)
        )

    def gift_card_report(
        self, start: date, end: date, *, dormant_months: int = 12
    ) -> GiftCardReportOut:
        params = _days(start, end) | {"dormant_months": str(dormant_months)}
        return self._call("GET", "/backoffice/reports/gift-cards", GiftCardReportOut, params=params)

    def liability(self, at: datetime) -> LiabilityOut:
        """The gift-card liability at the instant ``at`` (aware)."""
        return self._call(
            "GET", "/backoffice/reports/liability", LiabilityOut, params={"at": at.isoformat()}
        )

    def exceptions_report(self, start: date, end: date) -> ExceptionsReportOut:
        return self._call(
            "GET", "/backoffice/reports/exceptions", ExceptionsReportOut, params=_days(start, end)
        )

    def chain_report(self, start: date, end: date) -> ChainReportOut:
        """Every store of the chain (an owner's session only)."""
        return self._call(
            "GET", "/backoffice/reports/chain", ChainReportOut, params=_days(start, end)
        )

    def alerts(self) -> AlertsOut:
        """Registers past a threshold right now (unknown card numbers, wrong PINs)."""
        return self._call("GET", "/backoffice/alerts", AlertsOut)


def _days(start: date, end: date) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}
