"""reminders (#14): a unique partial index so a round reminder is written once per community

Revision ID: i14_reminder_once
Revises: i14_roles
Create Date: 2026-12-02 17:46:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i14_reminder_once"
down_revision = "i14_roles"
branch_labels = None
depends_on = None

WHERE = sa.text("kind LIKE 'round.%'")


def upgrade():
    # Duplicates written before the index (two cron runs at once) would refuse it: keep the
    # first of each.
    op.execute(
        "DELETE FROM notifications WHERE kind LIKE 'round.%' AND id NOT IN ("
        "SELECT MIN(id) FROM notifications WHERE kind LIKE 'round.%' "
        "GROUP BY community_id, kind)"
    )
    op.create_index(
        "uq_notifications_reminder_once",
        "notifications",
        ["community_id", "kind"],
        unique=True,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade():
    op.drop_index("uq_notifications_reminder_once", table_name="notifications")
