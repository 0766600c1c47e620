"""roles (#14): businesses.keeper_id, the member who keeps a business and its listings

Revision ID: i14_roles
Revises: i12_drop_listing_claims
Create Date: 2026-12-02 17:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i14_roles"
down_revision = "i12_drop_listing_claims"
branch_labels = None
depends_on = None


def upgrade():
    # No batch table copy: dropping the old ``businesses`` would cascade into permits and
    # break SQLite's search view. SQLite takes the REFERENCES clause in ADD COLUMN.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE businesses ADD COLUMN keeper_id INTEGER REFERENCES users (id)")
    else:
        op.add_column("businesses", sa.Column("keeper_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_businesses_keeper_id_users"),
            "businesses",
            "users",
            ["keeper_id"],
            ["id"],
        )
    op.create_index(op.f("ix_businesses_keeper_id"), "businesses", ["keeper_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_businesses_keeper_id"), table_name="businesses")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_businesses_keeper_id_users"), "businesses", type_="foreignkey")
    op.drop_column("businesses", "keeper_id")
