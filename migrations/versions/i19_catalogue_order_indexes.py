"""catalogue: indexes for the newest-first orders within a round and within a category

The home showcase and the round pages (newest listings of one round) and the related
listings and category pages (newest of one category) each walk one of these instead of
sorting every listing of the round or category.

Revision ID: i19_catalogue_order_indexes
Revises: i17_category_name_en
Create Date: 2026-12-02 12:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "i19_catalogue_order_indexes"
down_revision = "i17_category_name_en"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_listings_round_status_approved",
            ["round_id", "status", "approved_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_listings_category_status_approved",
            ["category_id", "status", "approved_at", "id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index("ix_listings_category_status_approved")
        batch_op.drop_index("ix_listings_round_status_approved")
