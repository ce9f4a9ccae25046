"""What can go wrong talking to the server, in two kinds a presenter treats differently.

``ServerError`` is an answer: the server refused, and its message is written for the cashier.
``ServerUnreachable`` is the lack of one: nothing changed on the server that we know of, and the
register may keep selling offline.
"""

from __future__ import annotations

from typing import Any

NO_CONNECTION_MESSAGE = "No connection to the server."
UNREADABLE_ANSWER_MESSAGE = "The server sent an answer this register cannot read. Call a manager."


class ServerUnreachable(Exception):
    """Connect error or timeout: no answer arrived."""

    def __init__(self, message: str = NO_CONNECTION_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


class ServerError(Exception):
    """The server answered with an error body ``{"error": {"code", "message", ...}}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        retry_after: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after
        # Extra fields the server put beside code and message, e.g. ``attempts_left``.
        self.details: dict[str, Any] = details or {}

    @property
    def is_unauthorized(self) -> bool:
        return self.status == 401

    @property
    def outcome_unknown(self) -> bool:
        """Whether the request took effect is not known: a 5xx may come from a proxy after the
        server committed. A money request is then asked again with its key, never dropped."""
        return self.status >= 500


class UnexpectedAnswer(ServerError):
    """A 2xx (or error) body that does not match the contract: a version mismatch, not a refusal."""

    @property
    def outcome_unknown(self) -> bool:
        return True
