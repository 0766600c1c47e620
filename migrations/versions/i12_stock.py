"""listings.stock and listings.stock_checked_at: a community's stock mark on an approved
listing ("Stok habis", "Pre-order"; no review) and when it last set or confirmed it

Revision ID: i12_stock
Revises: i12_reports
Create Date: 2026-12-02 17:30:00

"""

import sqlalchemy as sa
from alembic import op

import marketplace

revision = 'i12_stock'
down_revision = 'i12_reports'
branch_labels = None
depends_on = None

UTC = marketplace.db.UTCDateTime(timezone=True)


def upgrade():
    # Plain ADD COLUMN (no batch table copy: SQLite's search triggers on listings). Every
    # existing listing is in stock (what the site has always said).
    op.add_column(
        'listings',
        sa.Column(
            'stock',
            sa.Enum(
                'in_stock',
                'sold_out',
                'preorder',
                name='stockstatus',
                native_enum=False,
                length=24,
            ),
            server_default='in_stock',
            nullable=False,
        ),
    )
    op.add_column('listings', sa.Column('stock_checked_at', UTC, nullable=True))


def downgrade():
    op.drop_column('listings', 'stock_checked_at')
    op.drop_column('listings', 'stock')
