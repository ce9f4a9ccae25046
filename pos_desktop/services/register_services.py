"""The services one register's screens use, built over one server client and one database."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pos_desktop.db.database import RegisterDatabase
from pos_desktop.services.approvals import ApprovalService
from pos_desktop.services.back_office import StaffService
from pos_desktop.services.back_office_cards import CardListService
from pos_desktop.services.back_office_catalog import CatalogFiles, CatalogService
from pos_desktop.services.card_actions import CardActionService
from pos_desktop.services.card_lookup import CardLookupService
from pos_desktop.services.card_sales import CardSaleService
from pos_desktop.services.checkout import CheckoutService
from pos_desktop.services.deductions import DeductionService
from pos_desktop.services.devices import DeviceService
from pos_desktop.services.egift_delivery import EgiftDeliveryService
from pos_desktop.services.payments import PaymentService
from pos_desktop.services.printing import PrintService
from pos_desktop.services.receipts import ReceiptService
from pos_desktop.services.refunds import RefundService
from pos_desktop.services.registers import RegisterService
from pos_desktop.services.reports import ReportsService
from pos_desktop.services.results import DeviceSettings
from pos_desktop.services.session import SessionService
from pos_desktop.services.shifts import ShiftService
from pos_desktop.services.store_profile import StoreProfileService
from pos_desktop.services.store_settings import StoreSettingsService
from pos_desktop.services.ticket_deductions import TicketDeductions
from pos_desktop.sync.client import ServerClient

RECEIPTS_FOLDER = "receipts"
SHIFTS_FOLDER = "shifts"  # the Z reports as PDF


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RegisterServices:
    session: SessionService
    cards: CardLookupService
    store: StoreProfileService
    checkout: CheckoutService
    card_sales: CardSaleService
    payments: PaymentService
    receipts: ReceiptService
    deductions: DeductionService
    devices: DeviceService
    staff: StaffService
    store_settings: StoreSettingsService
    catalog: CatalogService
    catalog_files: CatalogFiles
    approvals: ApprovalService
    registers: RegisterService
    egift: EgiftDeliveryService
    card_list: CardListService
    refunds: RefundService
    card_actions: CardActionService
    reports: ReportsService
    shifts: ShiftService

    @classmethod
    def over(
        cls,
        client: ServerClient,
        database: RegisterDatabase,
        data_dir: Path,
        *,
        register_name: str = "Register",
        on_ticket_finished: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = utc_now,
        printing: PrintService | None = None,
        device_defaults: DeviceSettings | None = None,
        home: Path | None = None,
    ) -> RegisterServices:
        """``on_ticket_finished`` runs after a ticket completes or is voided, or a drawer's shift
        closes (wake the relay);
        ``device_defaults``: the environment's scanner and printer (none when not given);
        ``home``: the folder besides the data folder's ``imports/`` where the catalog import
        looks for .csv files (the user's home when not given)."""
        checkout = CheckoutService(database, clock)
        receipts = ReceiptService(
            data_dir / RECEIPTS_FOLDER, checkout.rules, register_name, printing
        )

        def follow_printing(service: PrintService | None) -> None:
            receipts.printing = service

        session = SessionService(client, database, clock)
        return cls(
            session=session,
            cards=CardLookupService(client),
            store=StoreProfileService(database),
            checkout=checkout,
            card_sales=CardSaleService(database, client, clock, lambda: receipts.printing),
            payments=PaymentService(database, client, clock, on_ticket_finished),
            receipts=receipts,
            deductions=DeductionService(client, clock),
            devices=DeviceService(
                database,
                device_defaults or DeviceSettings(),
                clock,
                printing=printing,
                on_printing_changed=follow_printing,
            ),
            staff=StaffService(client),
            store_settings=StoreSettingsService(client),
            catalog=CatalogService(client),
            catalog_files=CatalogFiles(client, data_dir, home, clock),
            # The log-in's limit on wrong PINs: a guesser may try either pad.
            approvals=ApprovalService(database, clock, session.wrong_pins),
            registers=RegisterService(client),
            egift=EgiftDeliveryService(client),
            card_list=CardListService(client),
            refunds=RefundService(database, client, clock, receipts, checkout.rules),
            # The print queue the Settings tab set last: a cash-out's drawer, a statement.
            card_actions=CardActionService(client, database, clock, lambda: receipts.printing),
            reports=ReportsService(client, data_dir, clock, home=home),
            shifts=ShiftService(
                database,
                clock,
                checkout.rules,
                register_name,
                data_dir / SHIFTS_FOLDER,
                lambda: receipts.printing,
                on_ticket_finished,
            ),
        )

    def ticket_deductions(self, sale_id: uuid.UUID) -> TicketDeductions:
        """Deduct Funds paying the open ticket ``sale_id``: Pay's "No card? Find by e-mail"."""
        return TicketDeductions(self.deductions, self.payments, sale_id)
