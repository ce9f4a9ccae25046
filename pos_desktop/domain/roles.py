"""Who does what: a cashier sells; a manager also runs the store's Back Office and approves
what a cashier may not do alone; an owner does all a manager does, in every store of the
chain (and reads the chain's reports)."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["cashier", "manager", "owner"]
# The roles a manager gives in the Back Office: owners are made on the server only.
StaffRole = Literal["cashier", "manager"]

ROLES: tuple[Role, ...] = get_args(Role)
OWNER: Role = "owner"
ROLE_LABELS: dict[Role, str] = {"cashier": "Cashier", "manager": "Manager", "owner": "Owner"}


def manages(role: str) -> bool:
    """Whether this role runs the Back Office and gives managers' approvals."""
    return role in ("manager", "owner")


def reads_chain(role: str) -> bool:
    """Whether this role reads the report of every store of the chain."""
    return role == OWNER


def role_named(value: str) -> Role:
    """The role a stored or received name stands for; ``ValueError`` for any other."""
    for role in ROLES:
        if role == value:
            return role
    raise ValueError(f"unknown role {value!r}")


def staff_role_named(value: str) -> StaffRole:
    """A store employee's role (never an owner's); ``ValueError`` for any other."""
    if value == "cashier":
        return "cashier"
    if value == "manager":
        return "manager"
    raise ValueError(f"not a store employee's role: {value!r}")
