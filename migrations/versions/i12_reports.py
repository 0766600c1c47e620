"""reports: shoppers' reports on public listings, counted per (listing, reason); and
listings.hidden_at (hidden by open fraud reports until a moderator looked)

Revision ID: i12_reports
Revises: i12_permits
Create Date: 2026-12-02 13:05:00

"""

import sqlalchemy as sa
from alembic import op

import marketplace

revision = 'i12_reports'
down_revision = 'i12_permits'
branch_labels = None
depends_on = None

UTC = marketplace.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        'reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column(
            'reason',
            sa.Enum(
                'fraud',
                'not_as_pictured',
                'not_sold',
                'rules',
                'other',
                name='reportreason',
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            'status',
            sa.Enum(
                'open', 'dismissed', 'taken_down', name='reportstatus', native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('notes', sa.JSON(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('last_at', UTC, nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['users.id'], name=op.f('fk_reports_decided_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['listing_id'],
            ['listings.id'],
            name=op.f('fk_reports_listing_id_listings'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    )
    op.create_index('ix_reports_listing_status', 'reports', ['listing_id', 'status'], unique=False)
    op.create_index(op.f('ix_reports_status'), 'reports', ['status'], unique=False)
    # Plain ADD COLUMN (no batch table copy: SQLite's search triggers on listings).
    op.add_column('listings', sa.Column('hidden_at', UTC, nullable=True))


def downgrade():
    op.drop_column('listings', 'hidden_at')
    op.drop_index(op.f('ix_reports_status'), table_name='reports')
    op.drop_index('ix_reports_listing_status', table_name='reports')
    op.drop_table('reports')
