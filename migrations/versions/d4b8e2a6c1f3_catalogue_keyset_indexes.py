"""catalogue: indexes for the keyset orders (newest approved, price)

Revision ID: d4b8e2a6c1f3
Revises: c7a1e5d2f4b9
Create Date: 2026-11-29 15:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4b8e2a6c1f3'
down_revision = 'c7a1e5d2f4b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index(
            'ix_listings_status_approved', ['status', 'approved_at', 'id'], unique=False
        )
        batch_op.create_index('ix_listings_status_price', ['status', 'price', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_status_price')
        batch_op.drop_index('ix_listings_status_approved')
