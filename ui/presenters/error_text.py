"""The one place an exception becomes words for the cashier (STYLE: only presenters do this)."""

from __future__ import annotations

import logging

from pos_desktop.domain.errors import DomainError
from pos_desktop.sync.errors import ServerError, ServerUnreachable

log = logging.getLogger(__name__)

UNEXPECTED_MESSAGE = "Something went wrong. Try again; if it keeps happening, call a manager."


def cashier_message(error: Exception) -> str:
    if isinstance(error, ServerUnreachable | ServerError | DomainError):
        # Written for the cashier already: the server's and the rules' wording is shown as is.
        return error.message
    log.error("unexpected error", exc_info=error)
    return UNEXPECTED_MESSAGE


def ends_session(error: Exception) -> bool:
    """A 401 on an employee call: the session expired or the register lost its enrollment."""
    return isinstance(error, ServerError) and error.is_unauthorized
