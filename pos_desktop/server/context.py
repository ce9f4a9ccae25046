"""What the server knows about the caller of a request, as plain frozen dataclasses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos_desktop.domain.money import Money
from pos_desktop.domain.roles import manages


@dataclass(frozen=True, slots=True)
class StoreInfo:
    id: uuid.UUID
    name: str
    currency: str
    max_card_amount: int
    min_card_amount: int = 100
    giftcard_pays_giftcard: bool = False
    cash_out_below: int | None = None

    def money(self, minor: int) -> Money:
        return Money(minor, self.currency)


@dataclass(frozen=True, slots=True)
class RegisterCaller:
    register_id: uuid.UUID
    register_name: str
    store: StoreInfo


@dataclass(frozen=True, slots=True)
class EmployeeCaller:
    register: RegisterCaller
    employee_id: uuid.UUID
    employee_name: str
    role: str

    @property
    def store(self) -> StoreInfo:
        return self.register.store

    @property
    def is_manager(self) -> bool:
        """A manager or an owner: what the Back Office and managers' approvals need."""
        return manages(self.role)
