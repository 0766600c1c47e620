"""join requests (#14): "Minta bergabung" to a community, answered by its coordinator

Revision ID: i14_join_requests
Revises: i14_round_exceptions
Create Date: 2026-12-02 13:15:00

"""

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision = "i14_join_requests"
down_revision = "i14_round_exceptions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("whatsapp", sa.String(length=20), nullable=False),
        sa.Column("sells", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "accepted", "declined", name="joinstatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("created_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_join_requests_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_join_requests_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
    )
    op.create_index(op.f("ix_join_requests_community_id"), "join_requests", ["community_id"])


def downgrade():
    op.drop_index(op.f("ix_join_requests_community_id"), table_name="join_requests")
    op.drop_table("join_requests")
