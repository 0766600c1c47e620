"""roles (#14): businesses.keeper_id, the member who keeps a business and its listings

Revision ID: i14_roles
Revises: i12_reports
Create Date: 2026-12-02 17:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i14_roles"
down_revision = "i12_reports"
branch_labels = None
depends_on = None


def _without_views_and_triggers(alter):
    """Run ``alter`` (a batch table copy) with SQLite's views and triggers set aside: the
    search view and triggers name ``businesses`` and would refuse the copy-and-rename."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        alter()
        return
    saved = bind.execute(
        sa.text(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') "
            "AND sql IS NOT NULL ORDER BY type DESC"  # views first: triggers may name them
        )
    ).all()
    for kind, name, _sql in reversed(saved):
        op.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    alter()
    for _kind, _name, sql in saved:
        op.execute(sql)


def upgrade():
    def alter():
        with op.batch_alter_table("businesses", schema=None) as batch_op:
            batch_op.add_column(sa.Column("keeper_id", sa.Integer(), nullable=True))
            batch_op.create_index(
                batch_op.f("ix_businesses_keeper_id"), ["keeper_id"], unique=False
            )
            batch_op.create_foreign_key(
                batch_op.f("fk_businesses_keeper_id_users"),
                "users",
                ["keeper_id"],
                ["id"],
                ondelete="SET NULL",
            )

    _without_views_and_triggers(alter)


def downgrade():
    def alter():
        with op.batch_alter_table("businesses", schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f("fk_businesses_keeper_id_users"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f("ix_businesses_keeper_id"))
            batch_op.drop_column("keeper_id")

    _without_views_and_triggers(alter)
