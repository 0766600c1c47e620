"""listings.form_key: one-time key of the new-listing form (a double tap creates one listing)

Revision ID: f1a2b3c4d5e6
Revises: e5c9f3b7d2a4
Create Date: 2026-11-29 16:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = 'f1a2b3c4d5e6'
down_revision = 'e5c9f3b7d2a4'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and CREATE INDEX (no batch table copy: SQLite's search view and
    # triggers on listings would not survive a rebuild).
    op.add_column('listings', sa.Column('form_key', sa.String(length=40), nullable=True))
    op.create_index('ix_listings_form_key', 'listings', ['form_key'], unique=True)


def downgrade():
    op.drop_index('ix_listings_form_key', table_name='listings')
    op.drop_column('listings', 'form_key')
