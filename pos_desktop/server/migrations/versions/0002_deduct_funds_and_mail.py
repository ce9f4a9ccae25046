"""Deduct Funds by e-mailed code, and mail delivered by a sender

Revision ID: 0002
Revises: 0001

The outbox now keeps each message whole (RFC 5322 bytes, sealed when it holds a code) with
its delivery schedule and attempts; earlier rows, plain text only, become plain messages.
"""

from __future__ import annotations

from email.message import EmailMessage

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "deduction_code_to", sa.String(length=16), nullable=False, server_default="buyer"
            )
        )
        batch_op.add_column(
            sa.Column("deduction_code_minutes", sa.Integer(), nullable=False, server_default="10")
        )
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.alter_column("deduction_code_to", server_default=None)
        batch_op.alter_column("deduction_code_minutes", server_default=None)

    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gift_cards_buyer_email"), ["buyer_email"], unique=False
        )

    _upgrade_outbox()

    op.create_table(
        "mail_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("mail_id", sa.Uuid(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mail_id"], ["mail_outbox.id"], name=op.f("fk_mail_attempts_mail_id_mail_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attempts")),
    )
    with op.batch_alter_table("mail_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_attempts_mail_id"), ["mail_id"], unique=False)

    op.create_table(
        "deduction_challenges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tip", sa.BigInteger(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_to", sa.String(length=600), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("wrong_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "state IN ('open', 'deducted', 'cancelled', 'expired', 'replaced')",
            name=op.f("ck_deduction_challenges_state"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_deduction_challenges_amount_positive")),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["card_activities.id"],
            name=op.f("fk_deduction_challenges_activity_id_card_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["gift_cards.id"], name=op.f("fk_deduction_challenges_card_id_gift_cards")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_deduction_challenges_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["register_id"],
            ["registers.id"],
            name=op.f("fk_deduction_challenges_register_id_registers"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_deduction_challenges_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deduction_challenges")),
    )
    with op.batch_alter_table("deduction_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deduction_challenges_card_id"), ["card_id"], unique=False
        )
        batch_op.create_index(
            "uq_deduction_challenges_open_card",
            ["card_id"],
            unique=True,
            postgresql_where=sa.text("state = 'open'"),
            sqlite_where=sa.text("state = 'open'"),
        )

    op.create_table(
        "deduction_code_sends",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("challenge_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["gift_cards.id"], name=op.f("fk_deduction_code_sends_card_id_gift_cards")
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["deduction_challenges.id"],
            name=op.f("fk_deduction_code_sends_challenge_id_deduction_challenges"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deduction_code_sends")),
    )
    with op.batch_alter_table("deduction_code_sends", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deduction_code_sends_card_time", ["card_id", "created_at"], unique=False
        )


def _upgrade_outbox() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("sealed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True)
        )
    outbox = sa.table(
        "mail_outbox",
        sa.column("id", sa.Uuid()),
        sa.column("to_address", sa.String()),
        sa.column("subject", sa.String()),
        sa.column("body_text", sa.Text()),
        sa.column("message", sa.LargeBinary()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.to_address, outbox.c.subject, outbox.c.body_text)
    ).all()
    for row in rows:
        message = EmailMessage()
        message["To"] = row.to_address
        message["Subject"] = row.subject
        message.set_content(row.body_text)
        connection.execute(
            sa.update(outbox).where(outbox.c.id == row.id).values(message=message.as_bytes())
        )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.alter_column("message", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column("sealed", server_default=None)
        batch_op.drop_column("body_text")


def downgrade() -> None:
    op.drop_table("deduction_code_sends")
    op.drop_table("deduction_challenges")
    op.drop_table("mail_attempts")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_text", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("sealed")
        batch_op.drop_column("message")
    with op.batch_alter_table("gift_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gift_cards_buyer_email"))
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("deduction_code_minutes")
        batch_op.drop_column("deduction_code_to")
