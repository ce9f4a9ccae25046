"""The catalog a manager edits: categories with an order and a colour, several barcodes per
product (unique in the store), a version on each product and category so a stale save is
refused, and the store's tax rates, tip presets and manager approvals

Each store's product categories become category rows (in name order, colours in turn), and
each product's barcode its first barcode row.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The same palette as pos_desktop.domain.product_rules, copied: a migration must not change
# when the code it was written beside does.
_COLOURS = ("#1565C0", "#2E7D32", "#AD1457", "#EF6C00", "#6A1B9A", "#00838F", "#5D4037")


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tax_rates", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("tip_presets", sa.JSON(), nullable=False, server_default="[10, 15, 20]")
        )
        batch_op.add_column(sa.Column("approvals", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("stores", schema=None) as batch_op:
        for name in ("tax_rates", "tip_presets", "approvals"):
            batch_op.alter_column(name, server_default=None)

    categories = op.create_table(
        "categories",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_categories_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("store_id", "name", name=op.f("uq_categories_store_id")),
    )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_categories_store_id"), ["store_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_categories_sync_version"), ["sync_version"], unique=False
        )

    barcodes = op.create_table(
        "product_barcodes",
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_barcodes_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_product_barcodes_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("store_id", "code", name=op.f("pk_product_barcodes")),
    )
    with op.batch_alter_table("product_barcodes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_barcodes_product_id"), ["product_id"], unique=False
        )

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("updated_by", sa.Uuid(), nullable=True))

    _move_categories_and_barcodes(categories, barcodes)

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("version", server_default=None)
        batch_op.alter_column("category_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_index(batch_op.f("ix_products_category_id"), ["category_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_products_category_id_categories"), "categories", ["category_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_products_updated_by_employees"), "employees", ["updated_by"], ["id"]
        )
        batch_op.drop_column("barcode")
        batch_op.drop_column("category")


def _move_categories_and_barcodes(categories: sa.Table, barcodes: sa.Table) -> None:
    conn = op.get_bind()
    products = sa.table(
        "products",
        sa.column("id", sa.Uuid()),
        sa.column("store_id", sa.Uuid()),
        sa.column("category", sa.String()),
        sa.column("barcode", sa.String()),
        sa.column("category_id", sa.Uuid()),
        sa.column("sync_version", sa.BigInteger()),
    )
    rows = conn.execute(
        sa.select(products.c.id, products.c.store_id, products.c.category, products.c.barcode)
    ).all()
    ids: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
    for _, store_id, category, _ in sorted(rows, key=lambda r: (str(r[1]), r[2].casefold())):
        if (store_id, category) in ids:
            continue
        position = sum(1 for store, _ in ids if store == store_id)
        ids[(store_id, category)] = uuid.uuid4()
        conn.execute(
            categories.insert().values(
                id=ids[(store_id, category)],
                store_id=store_id,
                name=category,
                position=position,
                colour=_COLOURS[position % len(_COLOURS)],
                version=1,
                sync_version=0,
            )
        )
    taken: set[tuple[uuid.UUID, str]] = set()
    for product_id, store_id, category, barcode in rows:
        conn.execute(
            products.update()
            .where(products.c.id == product_id)
            .values(category_id=ids[(store_id, category)])
        )
        # A store could hold a barcode twice before; the first product keeps it.
        if barcode and (store_id, barcode) not in taken:
            taken.add((store_id, barcode))
            conn.execute(
                barcodes.insert().values(
                    store_id=store_id, code=barcode, product_id=product_id, position=0
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("barcode", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE products SET category = "
            "(SELECT name FROM categories WHERE categories.id = products.category_id), "
            "barcode = (SELECT code FROM product_barcodes b WHERE b.product_id = products.id "
            "ORDER BY b.position LIMIT 1)"
        )
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("category", existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_constraint("fk_products_updated_by_employees", type_="foreignkey")
        batch_op.drop_constraint("fk_products_category_id_categories", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_products_category_id"))
        for name in ("updated_by", "updated_at", "version", "category_id"):
            batch_op.drop_column(name)
    op.drop_table("product_barcodes")
    op.drop_table("categories")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        for name in ("approvals", "tip_presets", "tax_rates"):
            batch_op.drop_column(name)
