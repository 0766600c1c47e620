"""round exceptions (#14): quota override per community per round, late-entry codes

Revision ID: i14_round_exceptions
Revises: i15_demand_counts
Create Date: 2026-12-02 12:45:00

"""

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision = "i14_round_exceptions"
down_revision = "i15_demand_counts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "round_quota_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("created_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_quota_overrides_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_round_quota_overrides_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_round_quota_overrides_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_quota_overrides")),
        sa.UniqueConstraint(
            "round_id",
            "community_id",
            name=op.f("uq_round_quota_overrides_round_id"),
        ),
    )
    op.create_index(
        op.f("ix_round_quota_overrides_community_id"), "round_quota_overrides", ["community_id"]
    )
    op.create_table(
        "round_late_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("valid_until", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("redeemed_at", marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("redeemed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_late_entries_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_round_late_entries_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_round_late_entries_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["redeemed_by_id"],
            ["users.id"],
            name=op.f("fk_round_late_entries_redeemed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_late_entries")),
        sa.UniqueConstraint("code", name=op.f("uq_round_late_entries_code")),
    )
    op.create_index(
        op.f("ix_round_late_entries_community_id"), "round_late_entries", ["community_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_round_late_entries_community_id"), table_name="round_late_entries")
    op.drop_table("round_late_entries")
    op.drop_index(op.f("ix_round_quota_overrides_community_id"), table_name="round_quota_overrides")
    op.drop_table("round_quota_overrides")
