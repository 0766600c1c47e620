"""listing_views: daily, anonymous page views per listing (views and distinct visitors)

Revision ID: i15_listing_views
Revises: i13_prechecks
Create Date: 2026-12-02 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i15_listing_views"
down_revision = "i13_prechecks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "listing_views",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("visitors", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_views_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("listing_id", "day", name=op.f("pk_listing_views")),
    )


def downgrade():
    op.drop_table("listing_views")
