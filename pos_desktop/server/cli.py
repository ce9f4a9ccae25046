"""``python -m pos_desktop.server``: run the server and look after its database.

Every command takes ``--database-url``, or reads ``POS_DATABASE_URL`` when it is left out.
"""

from __future__ import annotations

import argparse
import atexit
import getpass
import logging
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import timedelta

import uvicorn
from sqlalchemy import Engine

from pos_desktop.config import Settings
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.giftcard import ActivityKind
from pos_desktop.domain.money import Money
from pos_desktop.domain.pin import PIN_MIN_LENGTH
from pos_desktop.domain.roles import OWNER, ROLES
from pos_desktop.server import audit, ledger
from pos_desktop.server.clock import SystemClock
from pos_desktop.server.database import make_engine, make_session_factory, migrate, normalize_url
from pos_desktop.server.demo import (
    CASHIER_PIN,
    DEMO_CARDS,
    MANAGER_PIN,
    has_demo_data,
    seed_demo_data,
)
from pos_desktop.server.deps import store_info
from pos_desktop.server.errors import ApiError
from pos_desktop.server.keys import ServerKeys
from pos_desktop.server.logs import configure_logging
from pos_desktop.server.metrics import MULTIPROCESS_DIR
from pos_desktop.server.provisioning import (
    NoStore,
    StoreExists,
    StoreNotNamed,
    chain_stores,
    create_employee,
    create_enroll_code,
    create_first_store,
    create_store,
    first_store,
    next_sync_version,
    store_called,
    store_named,
    the_store,
)
from pos_desktop.server.store_settings import check_settings, settings_of

log = logging.getLogger("pos_desktop.server")


def _database_url(args: argparse.Namespace) -> str:
    url = args.database_url or Settings().database_url
    if not url:
        raise SystemExit("error: give --database-url or set POS_DATABASE_URL")
    return normalize_url(url)


def _keys() -> ServerKeys:
    """The server key in POS_DATA_DIR: card numbers are sealed and found with it."""
    return ServerKeys.in_folder(Settings().data_dir)


def _engine(args: argparse.Namespace) -> Engine:
    engine = make_engine(
        _database_url(args), transaction_pooling=Settings().database_transaction_pooling
    )
    migrate(engine, _keys())
    return engine


# Each process pools up to 40 connections (database.make_engine): two stay within
# PostgreSQL's default of 100. A bigger machine asks for more, with connections to match.
MAX_DEFAULT_WORKERS = 2


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def serving_workers(requested: int | None, url: str) -> int:
    """``--workers``, else on PostgreSQL one process per usable CPU up to
    ``MAX_DEFAULT_WORKERS`` (the server's Python is what limits it, and a process uses one CPU
    at most), and one on SQLite, which takes one writer at a time."""
    if requested is not None:
        return requested
    if url.startswith("sqlite"):
        return 1
    return min(usable_cpus(), MAX_DEFAULT_WORKERS)


def cmd_serve(args: argparse.Namespace) -> None:
    url = _database_url(args)
    _engine(args).dispose()
    # Workers import the app by name and read the database from the environment.
    os.environ["POS_DATABASE_URL"] = url
    workers = serving_workers(args.workers, url)
    if workers > 1:
        # Each worker keeps its /metrics figures in this folder, which any of them sums up;
        # set before they start, as prometheus_client reads it when they import it.
        os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="pos-metrics-")
        atexit.register(shutil.rmtree, os.environ[MULTIPROCESS_DIR], ignore_errors=True)
    uvicorn.run(
        "pos_desktop.server.asgi:create_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        log_level=args.log_level,
        access_log=False,
    )


def cmd_create_employee(args: argparse.Namespace) -> None:
    clock = SystemClock()
    with make_session_factory(_engine(args))() as db:
        if args.role == OWNER:
            if args.store is not None:
                raise SystemExit("error: an owner works in every store; leave out --store")
            store = the_store(db)
        else:
            store = store_named(db, args.store)
        employee = create_employee(db, store, args.name, args.role, args.pin, clock.now())
        db.commit()
        where = "every store of the chain" if args.role == OWNER else store.name
        print(f"created {args.role} {employee.name} ({employee.id}) in {where}")


def cmd_enroll_code(args: argparse.Namespace) -> None:
    clock = SystemClock()
    with make_session_factory(_engine(args))() as db:
        store = store_named(db, args.store)
        code, row = create_enroll_code(db, store.id, None, clock.now(), timedelta(hours=args.hours))
        db.commit()
        until = f"{row.expires_at:%Y-%m-%d %H:%M} UTC"
        print(f"one-time enrollment code for {store.name}, valid until {until}:")
        print(code)


def _first_manager_pin(pin_file: str | None) -> str:
    """The PIN from ``--pin-file`` (``-``: standard input), or typed twice at a prompt."""
    if pin_file == "-":
        return sys.stdin.readline().strip()
    if pin_file is not None:
        with open(pin_file, encoding="utf-8") as source:
            return source.readline().strip()
    pin = getpass.getpass("First manager's PIN (4 to 8 digits): ")
    if getpass.getpass("The same PIN again: ") != pin:
        raise SystemExit("error: the two PINs differ; nothing was created")
    return pin


def cmd_init_store(args: argparse.Namespace) -> None:
    """The first store and its first manager, nothing else: no demo product, card or PIN."""
    _new_store(args, first=True)
    print("next: enroll a register with `python -m pos_desktop.server enroll-code`")


def cmd_create_store(args: argparse.Namespace) -> None:
    """One more store of the chain and its first manager."""
    _new_store(args, first=False)
    print(f"next: enroll its registers with `enroll-code --store {shlex.quote(args.name)}`")


def _new_store(args: argparse.Namespace, *, first: bool) -> None:
    name, manager = args.name.strip(), args.manager_name.strip()
    if not name or not manager:
        raise SystemExit("error: the store and the manager each need a name")
    check_settings({"currency": args.currency, "locale": args.locale, "timezone": args.timezone})
    pin = _first_manager_pin(args.pin_file)
    clock = SystemClock()
    settings = {
        "currency": args.currency,
        "locale": args.locale,
        "timezone": args.timezone,
        "prices_include_tax": args.prices_include_tax,
        "address": args.address,
        "phone": args.phone,
    }
    with make_session_factory(_engine(args))() as db:
        now = clock.now()
        if first:
            try:
                store = create_first_store(db, name, now, **settings)
            except StoreExists as exc:
                raise SystemExit(
                    f"error: {exc}; init-store only sets up a new server and changed nothing; "
                    "add another store with create-store"
                ) from exc
        else:
            # A chain grows from a server set up with init-store. The lock (until commit)
            # makes two create-store of one name at once make one store, not two.
            if first_store(db) is None:
                raise NoStore()
            taken = store_called(chain_stores(db), name)
            if taken is not None:
                raise SystemExit(f"error: a store is already named {taken.name!r}; nothing changed")
            store = create_store(db, name, now, **settings)
        store.cards_chain_wide = args.cards_chain_wide
        employee = create_employee(db, store, manager, "manager", pin, now)
        created = {
            field: {"old": None, "new": value} for field, value in settings_of(store).items()
        }
        audit.record(
            db,
            store_id=store.id,
            by=None,
            action=audit.AuditAction.STORE_CREATED,
            target=(audit.TargetKind.STORE, store.id),
            changes=created,
            at=now,
        )
        audit.record(
            db,
            store_id=store.id,
            by=None,
            action=audit.AuditAction.EMPLOYEE_CREATED,
            target=(audit.TargetKind.EMPLOYEE, employee.id),
            changes={
                "name": {"old": None, "new": employee.name},
                "role": {"old": None, "new": "manager"},
                "pin": audit.PIN_CHANGED,
            },
            at=now,
        )
        db.commit()
    print(f"created {store.name} with manager {employee.name}")


def cmd_list_stores(args: argparse.Namespace) -> None:
    """The chain's stores, oldest first: the names --store takes."""
    with make_session_factory(_engine(args))() as db:
        stores = chain_stores(db)
        if not stores:
            raise NoStore()
        for store in stores:
            reach = "chain-wide" if store.cards_chain_wide else "this store only"
            print(f"{store.name}\t{store.currency}\t{store.timezone}\tcards: {reach}")


def cmd_demo_data(args: argparse.Namespace) -> None:
    clock = SystemClock()
    with make_session_factory(_engine(args))() as db:
        if has_demo_data(db):
            print("demo data is already there")
            return
        seed_demo_data(db, _keys(), clock.now())
        db.commit()
    print(f"demo store created: cashier PIN {CASHIER_PIN}, manager PIN {MANAGER_PIN}")
    for card in DEMO_CARDS:
        print(f"  {card.state:<10} card {card.number}  recipient {card.recipient_email}")


def cmd_issue_cards(args: argparse.Namespace) -> None:
    """Sold and sent cards for load tests and imports; prints each card's id and number on a
    line: the operator's only copy of the numbers."""
    clock = SystemClock()
    numbers = _keys().numbers
    with make_session_factory(_engine(args))() as db:
        store = store_info(store_named(db, args.store))
        for _ in range(args.count):
            now = clock.now()
            new = ledger.NewCard(amount=Money(args.amount, store.currency))
            issued = ledger.issue_card(db, None, store, new, now, numbers, reason=args.reason)
            issued.card.sent_at = now
            ledger.append(db, issued.card, ledger.Entry(ActivityKind.ACTIVATE), None, now)
            print(issued.card.id, issued.number)
        db.commit()


CODE_RECIPIENTS = {"buyer": "the buyer", "recipient": "the recipient", "both": "both"}


def _count(number: int, unit: str) -> str:
    """``1 minute``, ``10 minutes``: a number with its unit, singular for one."""
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


TIP_BASES = {"subtotal": "the subtotal before tax", "total": "the total with tax"}


def cmd_tip_base(args: argparse.Namespace) -> None:
    """What the register's tip percentages are taken on; prints the store's setting."""
    with make_session_factory(_engine(args))() as db:
        store = store_named(db, args.store)
        if args.on is not None and args.on != store.tip_base:
            store.tip_base = args.on
            # A new version: every register pulls the setting at its next sync.
            store.sync_version = next_sync_version(db)
        db.commit()
        print(f"{store.name}: tip percentages are taken on {TIP_BASES[store.tip_base]}")


def cmd_deduction_codes(args: argparse.Namespace) -> None:
    """Who gets a Deduct Funds code, and for how long it works; prints the store's setting."""
    with make_session_factory(_engine(args))() as db:
        store = store_named(db, args.store)
        if args.send_to is not None:
            store.deduction_code_to = args.send_to
        if args.minutes is not None:
            store.deduction_code_minutes = args.minutes
        db.commit()
        print(
            f"{store.name}: Deduct Funds codes go to {CODE_RECIPIENTS[store.deduction_code_to]} "
            f"and work for {_count(store.deduction_code_minutes, 'minute')}"
        )


PIN_DIGITS_CHOICES = (4, 6)


def cmd_pin_policy(args: argparse.Namespace) -> None:
    """The fewest digits a new employee's PIN may have in the store; prints it."""
    with make_session_factory(_engine(args))() as db:
        store = store_named(db, args.store)
        if args.digits is not None:
            store.pin_digits = args.digits
        db.commit()
        print(f"{store.name}: new PINs have at least {store.pin_digits} digits")
        if store.pin_digits > PIN_MIN_LENGTH:
            # Only create_employee checks the length: a PIN is not re-checked at log-in.
            print(
                f"PINs shorter than {store.pin_digits} digits made before the change keep "
                "working until they are changed (no screen changes a PIN yet)"
            )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _minutes(text: str) -> int:
    value = _positive(text)
    if value > 60:
        raise argparse.ArgumentTypeError("at most 60: a code read out at the counter")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m pos_desktop.server", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    def command(name: str, handler: object, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--database-url", help="SQLAlchemy URL; default: $POS_DATABASE_URL")
        sub.set_defaults(handler=handler)
        return sub

    serve = command("serve", cmd_serve, "apply migrations, then serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        help="server processes; default: one per CPU, at most 2 (SQLite: one)",
    )
    serve.add_argument("--log-level", default="warning")

    def for_one_store(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--store", help="the store's name (list-stores); needed once the chain has two"
        )
        return sub

    employee = for_one_store(
        command("create-employee", cmd_create_employee, "add a cashier, manager or owner")
    )
    employee.add_argument("--name", required=True)
    employee.add_argument(
        "--role",
        choices=ROLES,
        required=True,
        help="an owner manages every store of the chain and reads its reports",
    )
    employee.add_argument(
        "--pin", required=True, help="4 to 8 digits, unique in the store (an owner's: in all)"
    )

    init = command("init-store", cmd_init_store, "set up a new server's store and first manager")
    more = command("create-store", cmd_create_store, "add a store to the chain, and its manager")
    for sub in (init, more):
        sub.add_argument("--name", required=True, help="the store's name, as receipts show it")
        sub.add_argument("--address", default="", help="printed on receipts")
        sub.add_argument("--phone", default="", help="printed on receipts")
        sub.add_argument("--currency", required=True, help="ISO 4217 code, e.g. USD or EUR")
        sub.add_argument("--locale", required=True, help="language and country, e.g. en_US")
        sub.add_argument("--timezone", required=True, help="IANA time zone, e.g. Europe/Paris")
        sub.add_argument(
            "--prices-include-tax",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="whether product prices already include tax (default: no)",
        )
        sub.add_argument(
            "--cards-chain-wide",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="whether its gift cards are redeemed in every store of the chain (default: "
            "only in this one; its managers can change it in the Back Office)",
        )
        sub.add_argument("--manager-name", required=True, help="the first manager's name")
        sub.add_argument(
            "--pin-file",
            help="read the manager's PIN from this file's first line (- for standard input); "
            "without it, the PIN is asked twice",
        )

    command("list-stores", cmd_list_stores, "list the chain's stores")

    code = for_one_store(
        command("enroll-code", cmd_enroll_code, "print a one-time code to enroll a register")
    )
    code.add_argument("--hours", type=int, default=24, help="how long the code is valid")

    command("demo-data", cmd_demo_data, "create the demo store, employees, products and cards")

    codes = for_one_store(
        command("deduction-codes", cmd_deduction_codes, "show or set who gets Deduct Funds codes")
    )
    codes.add_argument(
        "--send-to", choices=tuple(CODE_RECIPIENTS), help="whose e-mail gets the code"
    )
    codes.add_argument("--minutes", type=_minutes, help="how long a code works (1 to 60)")

    tips = for_one_store(
        command("tip-base", cmd_tip_base, "show or set what tip percentages are taken on")
    )
    tips.add_argument("--on", choices=tuple(TIP_BASES), help="subtotal (before tax) or total")

    pins = for_one_store(
        command("pin-policy", cmd_pin_policy, "show or set how many digits new PINs need")
    )
    pins.add_argument(
        "--digits", type=int, choices=PIN_DIGITS_CHOICES, help="the fewest digits a PIN may have"
    )

    cards = for_one_store(
        command("issue-cards", cmd_issue_cards, "issue sent cards (load tests, imports)")
    )
    cards.add_argument("--count", type=_positive, required=True)
    # Not capped at the store's maximum on purpose: load tests need cards that never run dry.
    cards.add_argument(
        "--amount", type=_positive, required=True, help="minor units, e.g. 5000 = 50.00"
    )
    cards.add_argument(
        "--reason",
        default="issued with the issue-cards command",
        help="recorded on each card's issue activity",
    )
    return root


def main(argv: Sequence[str] | None = None) -> None:
    configure_logging()
    args = parser().parse_args(argv)
    try:
        args.handler(args)
    except (ApiError, DomainError) as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise SystemExit(2) from exc
    except (NoStore, StoreNotNamed) as exc:
        # Nothing was changed (a store made here would be a US-dollar one nobody chose).
        raise SystemExit(f"error: {exc}") from exc


if __name__ == "__main__":
    main()
