"""permits: one row per business permit (halal, P-IRT, NIB) with its number, expiry, optional
certificate photo and the moderator's check; the business's six permit columns go; and
business_changes: a business's public-field changes waiting for a moderator

Existing data moves honestly: every entered number becomes a permit; one a moderator had
marked checked keeps its check, stamped with the moderator and time of the audit event that
checked it (the business's last update when no such event exists). Listings' own
halal/P-IRT ticks are not moved: an unchecked claim becomes no badge.

Revision ID: i12_permits
Revises: i19_catalogue_order_indexes
Create Date: 2026-12-02 12:30:00

"""

import json

import sqlalchemy as sa
from alembic import op

import marketplace

revision = 'i12_permits'
down_revision = 'i19_catalogue_order_indexes'
branch_labels = None
depends_on = None

UTC = marketplace.db.UTCDateTime(timezone=True)
# kind, number column, checked column (as they were on businesses)
KINDS = (
    ('halal', 'halal_number', 'halal_checked'),
    ('pirt', 'pirt_number', 'pirt_checked'),
    ('nib', 'nib', 'nib_checked'),
)


def _businesses():
    return sa.table(
        'businesses',
        sa.column('id', sa.Integer),
        sa.column('updated_at', UTC),
        *(sa.column(n, sa.String) for _k, n, _c in KINDS),
        *(sa.column(c, sa.Boolean) for _k, _n, c in KINDS),
    )


def upgrade():
    op.create_table(
        'business_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column(
            'status',
            sa.Enum(
                'pending',
                'approved',
                'refused',
                'withdrawn',
                name='changestatus',
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTC, nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ['business_id'],
            ['businesses.id'],
            name=op.f('fk_business_changes_business_id_businesses'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['community_id'],
            ['communities.id'],
            name=op.f('fk_business_changes_community_id_communities'),
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'], name=op.f('fk_business_changes_created_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['users.id'], name=op.f('fk_business_changes_decided_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_business_changes')),
    )
    for column in ('business_id', 'community_id', 'status'):
        op.create_index(
            op.f(f'ix_business_changes_{column}'), 'business_changes', [column], unique=False
        )

    op.create_table(
        'permits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column(
            'kind',
            sa.Enum('halal', 'pirt', 'nib', name='permitkind', native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column('number', sa.String(length=60), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=True),
        sa.Column('image_id', sa.Integer(), nullable=True),
        sa.Column('checked_by_id', sa.Integer(), nullable=True),
        sa.Column('checked_at', UTC, nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ['business_id'],
            ['businesses.id'],
            name=op.f('fk_permits_business_id_businesses'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['checked_by_id'], ['users.id'], name=op.f('fk_permits_checked_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['image_id'], ['images.id'], name=op.f('fk_permits_image_id_images')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_permits')),
        sa.UniqueConstraint('business_id', 'kind', name=op.f('uq_permits_business_id')),
    )
    op.create_index(op.f('ix_permits_business_id'), 'permits', ['business_id'], unique=False)

    bind = op.get_bind()
    events = sa.table(
        'audit_events',
        sa.column('action', sa.String),
        sa.column('object_id', sa.Integer),
        sa.column('actor_id', sa.Integer),
        sa.column('created_at', UTC),
        sa.column('details', sa.JSON),
    )
    # The last event that marked each (business, check column) checked: who and when.
    checked_by = {}
    for row in bind.execute(
        sa.select(events).where(events.c.action == 'business.permits').order_by(events.c.created_at)
    ):
        details = row.details if isinstance(row.details, dict) else json.loads(row.details or '{}')
        for _k, _n, column in KINDS:
            if details.get(column) is True:
                checked_by[(row.object_id, column)] = (row.actor_id, row.created_at)
    permits = sa.table(
        'permits',
        sa.column('business_id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('number', sa.String),
        sa.column('checked_by_id', sa.Integer),
        sa.column('checked_at', UTC),
        sa.column('created_at', UTC),
        sa.column('updated_at', UTC),
    )
    rows = []
    for b in bind.execute(sa.select(_businesses())):
        for kind, number_col, checked_col in KINDS:
            number = (getattr(b, number_col) or '').strip()
            if not number:
                continue
            actor, at = None, None
            if getattr(b, checked_col):
                actor, at = checked_by.get((b.id, checked_col), (None, b.updated_at))
            rows.append(
                {
                    'business_id': b.id,
                    'kind': kind,
                    'number': number[:60],
                    'checked_by_id': actor,
                    'checked_at': at,
                    'created_at': b.updated_at,
                    'updated_at': b.updated_at,
                }
            )
    if rows:
        op.bulk_insert(permits, rows)
    # Plain DROP COLUMN (no batch table copy: SQLite's search trigger on businesses would
    # not survive a rebuild).
    for _k, number_col, checked_col in KINDS:
        op.drop_column('businesses', number_col)
        op.drop_column('businesses', checked_col)


def downgrade():
    for column in ('business_id', 'community_id', 'status'):
        op.drop_index(op.f(f'ix_business_changes_{column}'), table_name='business_changes')
    op.drop_table('business_changes')
    op.add_column('businesses', sa.Column('nib', sa.String(length=20), nullable=True))
    op.add_column(
        'businesses', sa.Column('nib_checked', sa.Boolean(), nullable=False, server_default='0')
    )
    op.add_column('businesses', sa.Column('halal_number', sa.String(length=60), nullable=True))
    op.add_column(
        'businesses', sa.Column('halal_checked', sa.Boolean(), nullable=False, server_default='0')
    )
    op.add_column('businesses', sa.Column('pirt_number', sa.String(length=30), nullable=True))
    op.add_column(
        'businesses', sa.Column('pirt_checked', sa.Boolean(), nullable=False, server_default='0')
    )
    bind = op.get_bind()
    businesses = _businesses()
    permits = sa.table(
        'permits',
        sa.column('business_id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('number', sa.String),
        sa.column('checked_at', UTC),
    )
    lengths = {'nib': 20, 'halal_number': 60, 'pirt_number': 30}
    for p in bind.execute(sa.select(permits)):
        _kind, number_col, checked_col = next(k for k in KINDS if k[0] == p.kind)
        bind.execute(
            businesses.update()
            .where(businesses.c.id == p.business_id)
            .values(
                {number_col: p.number[: lengths[number_col]], checked_col: p.checked_at is not None}
            )
        )
    op.drop_index(op.f('ix_permits_business_id'), table_name='permits')
    op.drop_table('permits')
