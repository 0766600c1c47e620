"""Site settings (agency brand, hashtags, default quota and cadence) and the staff's
choice of listings for each round's Instagram kit

Revision ID: eba850ac2dce
Revises: 81d0e0960dd3
Create Date: 2026-11-29 15:16:52.219416

"""

import sqlalchemy as sa
from alembic import op

import marketplace.db

# revision identifiers, used by Alembic.
revision = 'eba850ac2dce'
down_revision = '81d0e0960dd3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_name', sa.String(length=160), nullable=False),
        sa.Column('brand_color', sa.String(length=7), nullable=False),
        sa.Column('accent_color', sa.String(length=7), nullable=False),
        sa.Column('text_color', sa.String(length=7), nullable=False),
        sa.Column('hashtags', sa.String(length=600), nullable=False),
        sa.Column('instagram_handle', sa.String(length=30), nullable=True),
        sa.Column('default_quota', sa.Integer(), nullable=False),
        sa.Column('cadence_every_days', sa.Integer(), nullable=False),
        sa.Column('cadence_opens_weekday', sa.Integer(), nullable=False),
        sa.Column('cadence_opens_time', sa.Time(), nullable=False),
        sa.Column('cadence_closes_weekday', sa.Integer(), nullable=False),
        sa.Column('cadence_closes_time', sa.Time(), nullable=False),
        sa.Column('cadence_publishes_weekday', sa.Integer(), nullable=False),
        sa.Column('cadence_publishes_time', sa.Time(), nullable=False),
        sa.Column('cadence_showcase_days', sa.Integer(), nullable=False),
        sa.Column('updated_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['updated_by_id'], ['users.id'], name=op.f('fk_site_settings_updated_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_settings')),
    )
    op.create_table(
        'instagram_kit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('included', sa.Boolean(), nullable=False),
        sa.Column('updated_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['listing_id'],
            ['listings.id'],
            name=op.f('fk_instagram_kit_entries_listing_id_listings'),
        ),
        sa.ForeignKeyConstraint(
            ['round_id'], ['rounds.id'], name=op.f('fk_instagram_kit_entries_round_id_rounds')
        ),
        sa.ForeignKeyConstraint(
            ['updated_by_id'],
            ['users.id'],
            name=op.f('fk_instagram_kit_entries_updated_by_id_users'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_instagram_kit_entries')),
        sa.UniqueConstraint(
            'round_id', 'listing_id', name='uq_instagram_kit_entries_round_listing'
        ),
    )
    with op.batch_alter_table('instagram_kit_entries', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_instagram_kit_entries_round_id'), ['round_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('instagram_kit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instagram_kit_entries_round_id'))

    op.drop_table('instagram_kit_entries')
    op.drop_table('site_settings')
