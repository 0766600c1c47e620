"""listings: drop is_halal and has_pirt, the community's own halal/P-IRT claims. Nothing
reads them since badges come only from checked permits (i12_permits); the form no longer
sets them.

Revision ID: i12_drop_listing_claims
Revises: i15_listing_views
Create Date: 2026-12-02 18:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = 'i12_drop_listing_claims'
down_revision = 'i15_listing_views'
branch_labels = None
depends_on = None


def upgrade():
    # Plain DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL; no batch table copy: SQLite's search
    # triggers on listings). The claims are dropped, not moved: unchecked claims never gave
    # a badge (#12).
    op.drop_column('listings', 'has_pirt')
    op.drop_column('listings', 'is_halal')


def downgrade():
    op.add_column(
        'listings',
        sa.Column('is_halal', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        'listings',
        sa.Column('has_pirt', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
