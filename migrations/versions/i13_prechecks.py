"""image_checks and listing_prechecks: the photo and title pre-checks, measured per image
once and kept per listing with the version they were computed on

Revision ID: i13_prechecks
Revises: i12_stock
Create Date: 2026-12-02 17:30:00

"""

import sqlalchemy as sa
from alembic import op

from marketplace.db import UTCDateTime

revision = "i13_prechecks"
down_revision = "i12_stock"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "image_checks",
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("sharpness", sa.Float(), nullable=False),
        sa.Column("luminance", sa.Float(), nullable=False),
        sa.Column("dhash", sa.BigInteger(), nullable=False),
        sa.Column("band0", sa.Integer(), nullable=False),
        sa.Column("band1", sa.Integer(), nullable=False),
        sa.Column("band2", sa.Integer(), nullable=False),
        sa.Column("band3", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["image_id"],
            ["images.id"],
            name=op.f("fk_image_checks_image_id_images"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("image_id", name=op.f("pk_image_checks")),
    )
    with op.batch_alter_table("image_checks", schema=None) as batch_op:
        for band in ("band0", "band1", "band2", "band3"):
            batch_op.create_index(batch_op.f(f"ix_image_checks_{band}"), [band], unique=False)
    op.create_table(
        "listing_prechecks",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("listing_version", sa.Integer(), nullable=False),
        sa.Column("checked_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_prechecks_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("listing_id", name=op.f("pk_listing_prechecks")),
    )
    with op.batch_alter_table("listing_prechecks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_prechecks_flagged"), ["flagged"], unique=False)


def downgrade():
    with op.batch_alter_table("listing_prechecks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_prechecks_flagged"))
    op.drop_table("listing_prechecks")
    with op.batch_alter_table("image_checks", schema=None) as batch_op:
        for band in ("band0", "band1", "band2", "band3"):
            batch_op.drop_index(batch_op.f(f"ix_image_checks_{band}"))
    op.drop_table("image_checks")
