"""The catalog as the Back Office keeps it: categories with a place and a colour, and any
number of barcodes per product

Revision ID: 0009
Revises: 0008

A product's one barcode becomes its first barcode row; the next pull brings the rest.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
    )
    op.create_table(
        "product_barcodes",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_product_barcodes")),
    )
    with op.batch_alter_table("product_barcodes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_barcodes_product_id"), ["product_id"], unique=False
        )
    op.execute(
        "INSERT OR IGNORE INTO product_barcodes (code, product_id, position) "
        "SELECT barcode, id, 0 FROM products WHERE barcode IS NOT NULL"
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_barcode"))
        batch_op.drop_column("barcode")


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("barcode", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_products_barcode"), ["barcode"], unique=False)
    op.execute(
        "UPDATE products SET barcode = (SELECT code FROM product_barcodes b "
        "WHERE b.product_id = products.id ORDER BY b.position LIMIT 1)"
    )
    op.drop_table("product_barcodes")
    op.drop_table("categories")
