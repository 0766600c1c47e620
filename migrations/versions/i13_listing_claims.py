"""listing_claims: a moderator's 10-minute claim on a listing open for review

Revision ID: i13_listing_claims
Revises: i15_demand_counts
Create Date: 2026-12-02 12:55:00

"""

import sqlalchemy as sa
from alembic import op

from marketplace.db import UTCDateTime

revision = "i13_listing_claims"
down_revision = "i15_demand_counts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "listing_claims",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_claims_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"], ["users.id"], name=op.f("fk_listing_claims_moderator_id_users")
        ),
        sa.PrimaryKeyConstraint("listing_id", name=op.f("pk_listing_claims")),
    )
    with op.batch_alter_table("listing_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listing_claims_expires_at"), ["expires_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("listing_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_claims_expires_at"))
    op.drop_table("listing_claims")
