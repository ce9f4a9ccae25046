"""API errors in the shape of shared/API.md: ``{"error": {"code", "message", ...}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pos_desktop.domain.errors import DomainError, ErrorCode

# The HTTP status of each refusal the ledger's rules raise; any other domain error is a 422.
_DOMAIN_STATUS = {
    ErrorCode.INSUFFICIENT_BALANCE: 409,
    ErrorCode.CARD_NOT_FOUND: 404,
    ErrorCode.CARD_NOT_REDEEMABLE: 409,
    ErrorCode.CARD_NOT_SENT: 409,
    ErrorCode.CARD_NOT_SENDABLE: 409,
    ErrorCode.CARD_VOIDED: 409,
    ErrorCode.OTHER_STORES_CARD: 409,
    ErrorCode.ACTIVITY_NOT_FOUND: 404,
    ErrorCode.NOT_REVERSIBLE: 409,
    ErrorCode.ALREADY_REVERSED: 409,
    ErrorCode.NOT_YOUR_REDEMPTION: 403,
    ErrorCode.OTHER_TICKET: 409,
    ErrorCode.TICKET_COMPLETED: 409,
    ErrorCode.CARD_NUMBER_TAKEN: 409,
    ErrorCode.LOAD_NOT_FOUND: 404,
    ErrorCode.LINE_TAKEN: 409,
    ErrorCode.GIFT_CARD_FOR_GIFT_CARD: 409,
    ErrorCode.REFUND_TOO_LARGE: 409,
    ErrorCode.SALE_NOT_FOUND: 404,
    ErrorCode.CARD_EMPTY: 409,
    ErrorCode.CHALLENGE_NOT_FOUND: 404,
    ErrorCode.CODE_NOT_YOURS: 403,
    ErrorCode.CODE_CANCELLED: 410,
    ErrorCode.CODE_EXPIRED: 410,
    ErrorCode.CODE_USED: 410,
    ErrorCode.EGIFT_NOT_SENT: 409,
    ErrorCode.SAME_RECIPIENT_EMAIL: 409,
    ErrorCode.NO_RECIPIENT_EMAIL: 422,
    ErrorCode.SHIFT_CONFLICT: 409,
    ErrorCode.INVALID_RANGE: 422,
}

# Request fields whose validation failures are amount errors in the contract's terms.
_AMOUNT_FIELDS = {"amount", "tip"}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.extra = extra

    @classmethod
    def from_domain(cls, error: DomainError) -> ApiError:
        status = _DOMAIN_STATUS.get(error.code, 422)
        return cls(status, error.code, error.message, None, **error.details)

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


class CommittedRefusal(ApiError):
    """A refusal whose own changes must stand: e.g. a wrong Deduct Funds code, which uses up
    one of the code's attempts. ``run_once`` commits them with the stored answer."""

    @classmethod
    def of(cls, error: DomainError | ApiError) -> CommittedRefusal:
        """``error``, answered the same, with the changes made before it kept."""
        api = error if isinstance(error, ApiError) else ApiError.from_domain(error)
        return cls(api.status, api.code, api.message, headers=api.headers, **api.extra)


def unauthorized(message: str = "This register is not enrolled or its token is wrong.") -> ApiError:
    return ApiError(401, ErrorCode.UNAUTHORIZED, message)


def forbidden(message: str = "Only a manager can do this.") -> ApiError:
    return ApiError(403, ErrorCode.FORBIDDEN, message)


def _validation_error(exc: RequestValidationError) -> ApiError:
    errors = exc.errors()
    first = errors[0] if errors else {}
    location = [str(part) for part in first.get("loc", ())]
    field = ".".join(location[1:]) or "request"
    if len(location) > 2 and location[-1] == "currency":
        # An amount's currency (``{"amount": {"currency": ...}}``), not the store's setting.
        return ApiError(
            422,
            ErrorCode.INVALID_AMOUNT,
            "A currency is a three-letter code in capitals, such as USD.",
            field=field,
        )
    if _AMOUNT_FIELDS.intersection(location):
        return ApiError(
            422,
            ErrorCode.INVALID_AMOUNT,
            "An amount is a whole number of cents, more than zero.",
            field=field,
        )
    if location == ["body", "code"] and first.get("type") == "string_pattern_mismatch":
        # Only a Deduct Funds code has a pattern: six digits, as the mail shows them.
        return ApiError(
            422,
            ErrorCode.INVALID_CODE,
            "Enter the 6-digit code the customer received.",
            field="code",
        )
    if location and location[0] == "header":
        return ApiError(
            422, ErrorCode.INVALID_HEADER, f"Header {location[-1]}: {first.get('msg')}."
        )
    return ApiError(
        422, ErrorCode.INVALID_REQUEST, f"{field}: {first.get('msg', 'invalid')}.", field=field
    )


def as_api_error(exc: Exception) -> ApiError:
    """Every error the app answers with, in the contract's shape."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, DomainError):
        return ApiError.from_domain(exc)
    if isinstance(exc, RequestValidationError):
        return _validation_error(exc)
    if isinstance(exc, StarletteHTTPException):
        code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}.get(
            exc.status_code, ErrorCode.HTTP_ERROR
        )
        return ApiError(exc.status_code, code, str(exc.detail))
    raise TypeError(f"no API error for {type(exc).__name__}") from exc


def install_error_handlers(app: FastAPI) -> None:
    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        return as_api_error(exc).response()

    for kind in (ApiError, DomainError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(kind, handle)
