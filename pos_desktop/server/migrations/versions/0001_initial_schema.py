"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("locale", sa.String(length=20), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("prices_include_tax", sa.Boolean(), nullable=False),
        sa.Column("idle_lock_seconds", sa.Integer(), nullable=False),
        sa.Column("max_card_amount", sa.BigInteger(), nullable=False),
        sa.Column("tenders", sa.Text(), nullable=False),
        sa.Column("pin_pepper", sa.String(length=64), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
    )
    op.create_table(
        "sync_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_counter")),
    )
    op.create_table(
        "employees",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_lookup", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('cashier', 'manager')", name=op.f("ck_employees_role")),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_employees_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employees")),
        sa.UniqueConstraint("store_id", "pin_lookup", name=op.f("uq_employees_store_id")),
    )
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employees_store_id"), ["store_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_employees_sync_version"), ["sync_version"], unique=False
        )

    op.create_table(
        "gift_cards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("initial_amount", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("buyer_email", sa.String(length=254), nullable=True),
        sa.Column("recipient_email", sa.String(length=254), nullable=True),
        sa.Column("recipient_name", sa.String(length=120), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("deliver_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_gift_cards_balance_not_negative")),
        sa.CheckConstraint(
            "initial_amount > 0", name=op.f("ck_gift_cards_initial_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_gift_cards_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_cards")),
        sa.UniqueConstraint("number", name=op.f("uq_gift_cards_number")),
    )
    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gift_cards_last4"), ["last4"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_gift_cards_recipient_email"), ["recipient_email"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gift_cards_store_id"), ["store_id"], unique=False)

    op.create_table(
        "products",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate_bp", sa.Integer(), nullable=False),
        sa.Column("barcode", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_products_price_not_negative")),
        sa.CheckConstraint("tax_rate_bp >= 0", name=op.f("ck_products_tax_rate_not_negative")),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_products_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_store_id"), ["store_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_products_sync_version"), ["sync_version"], unique=False
        )

    op.create_table(
        "registers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_registers_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registers")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_registers_token_hash")),
    )
    with op.batch_alter_table("registers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registers_store_id"), ["store_id"], unique=False)

    op.create_table(
        "card_activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tip", sa.BigInteger(), nullable=False),
        sa.Column("delta", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("register_id", sa.Uuid(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("reverses_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('issue', 'activate', 'redeem', 'deduct_by_code', 'reverse', 'adjust', 'block', 'unblock', 'void')",  # noqa: E501
            name=op.f("ck_card_activities_kind"),
        ),
        sa.CheckConstraint(
            "balance_after >= 0", name=op.f("ck_card_activities_balance_after_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["gift_cards.id"], name=op.f("fk_card_activities_card_id_gift_cards")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_card_activities_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_card_activities_register_id_registers")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["card_activities.id"],
            name=op.f("fk_card_activities_reverses_id_card_activities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_activities")),
        sa.UniqueConstraint("card_id", "seq", name=op.f("uq_card_activities_card_id")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_card_activities_reverses_id")),
    )
    with op.batch_alter_table("card_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_card_activities_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "enroll_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("register_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["employees.id"], name=op.f("fk_enroll_codes_created_by_employees")
        ),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_enroll_codes_register_id_registers")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_enroll_codes_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enroll_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_enroll_codes_code_hash")),
    )
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_failed_attempts_register_id_registers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_attempts")),
    )
    with op.batch_alter_table("failed_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_failed_attempts_lookup", ["register_id", "kind", "created_at"], unique=False
        )

    op.create_table(
        "idempotency_records",
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["register_id"],
            ["registers.id"],
            name=op.f("fk_idempotency_records_register_id_registers"),
        ),
        sa.PrimaryKeyConstraint("register_id", "key", name=op.f("pk_idempotency_records")),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_id"], ["gift_cards.id"], name=op.f("fk_mail_outbox_card_id_gift_cards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_outbox_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_sessions_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_sessions_register_id_registers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sessions_token_hash")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_employee_id"), ["employee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_register_id"), ["register_id"], unique=False)

    op.create_table(
        "tickets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_tickets_register_id_registers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_register_id"), ["register_id"], unique=False)

    # The counter row every catalog change bumps (see models.SyncCounter).
    op.execute("INSERT INTO sync_counter (id, value) VALUES (1, 0)")


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_register_id"))

    op.drop_table("tickets")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_register_id"))
        batch_op.drop_index(batch_op.f("ix_sessions_employee_id"))

    op.drop_table("sessions")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_sent_at"))

    op.drop_table("mail_outbox")
    op.drop_table("idempotency_records")
    with op.batch_alter_table("failed_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_failed_attempts_lookup")

    op.drop_table("failed_attempts")
    op.drop_table("enroll_codes")
    with op.batch_alter_table("card_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_activities_ticket_id"))

    op.drop_table("card_activities")
    with op.batch_alter_table("registers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registers_store_id"))

    op.drop_table("registers")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_sync_version"))
        batch_op.drop_index(batch_op.f("ix_products_store_id"))

    op.drop_table("products")
    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gift_cards_store_id"))
        batch_op.drop_index(batch_op.f("ix_gift_cards_recipient_email"))
        batch_op.drop_index(batch_op.f("ix_gift_cards_last4"))

    op.drop_table("gift_cards")
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employees_sync_version"))
        batch_op.drop_index(batch_op.f("ix_employees_store_id"))

    op.drop_table("employees")
    op.drop_table("sync_counter")
    op.drop_table("stores")
