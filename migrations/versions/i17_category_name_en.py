"""categories.name_en: a category's English name, kept with the data (#17)

Revision ID: i17_category_name_en
Revises: i14_join_requests
Create Date: 2026-12-02 13:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i17_category_name_en"
down_revision = "i14_join_requests"
branch_labels = None
depends_on = None

# The seeded categories' English names (marketplace/reference/models.py CATEGORIES).
ENGLISH = {
    "makanan": "Food",
    "minuman": "Drinks",
    "fesyen": "Fashion",
    "kerajinan": "Crafts",
    "kesehatan": "Health",
    "kecantikan": "Beauty",
    "pertanian": "Farm produce",
    "jasa": "Services",
}


def upgrade():
    op.add_column("categories", sa.Column("name_en", sa.String(length=80), nullable=True))
    categories = sa.table(
        "categories", sa.column("slug", sa.String), sa.column("name_en", sa.String)
    )
    for slug, name in ENGLISH.items():
        op.execute(categories.update().where(categories.c.slug == slug).values(name_en=name))


def downgrade():
    op.drop_column("categories", "name_en")
