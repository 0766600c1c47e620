"""notifications: one in-app message per moderation decision for a community

Revision ID: 0b3f3ee16114
Revises: 818df88c0fc6
Create Date: 2026-11-29 15:16:17.549515

"""

import sqlalchemy as sa
from alembic import op

import marketplace.db

# revision identifiers, used by Alembic.
revision = '0b3f3ee16114'
down_revision = '818df88c0fc6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('read_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['community_id'],
            ['communities.id'],
            name=op.f('fk_notifications_community_id_communities'),
        ),
        sa.ForeignKeyConstraint(
            ['listing_id'], ['listings.id'], name=op.f('fk_notifications_listing_id_listings')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(
            'ix_notifications_community_read', ['community_id', 'read_at'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_notifications_listing_id'), ['listing_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_listing_id'))
        batch_op.drop_index('ix_notifications_community_read')

    op.drop_table('notifications')
