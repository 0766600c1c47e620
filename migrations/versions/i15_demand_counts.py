"""demand_searches and demand_visitors: daily, anonymous search counts ("Dicari pembeli")

Revision ID: i15_demand_counts
Revises: f1a2b3c4d5e6
Create Date: 2026-12-02 12:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i15_demand_counts"
down_revision = "f1a2b3c4d5e6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "demand_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("bucket", sa.String(length=4), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("district", sa.String(length=60), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_searches")),
        sa.UniqueConstraint(
            "day",
            "kind",
            "query",
            "bucket",
            "category",
            "district",
            name=op.f("uq_demand_searches_day"),
        ),
    )
    op.create_index(op.f("ix_demand_searches_day"), "demand_searches", ["day"], unique=False)
    op.create_table(
        "demand_visitors",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("visitors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "query", name=op.f("pk_demand_visitors")),
    )


def downgrade():
    op.drop_table("demand_visitors")
    op.drop_index(op.f("ix_demand_searches_day"), table_name="demand_searches")
    op.drop_table("demand_searches")
