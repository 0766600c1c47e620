"""search: fold diacritics on PostgreSQL too (unaccent), as SQLite's remove_diacritics does

The catalogue folds the typed words (``Énak`` → ``enak``); the index must hold folded words
as well. Replaces ``listing_search_refresh`` and rebuilds the rows. SQLite: nothing to do.

Revision ID: e5c9f3b7d2a4
Revises: d4b8e2a6c1f3
Create Date: 2026-11-29 15:55:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5c9f3b7d2a4'
down_revision = 'd4b8e2a6c1f3'
branch_labels = None
depends_on = None


def _refresh(fold: bool) -> str:
    f = (lambda x: f"unaccent({x})") if fold else (lambda x: x)
    return f"""CREATE OR REPLACE FUNCTION listing_search_refresh(lid integer) RETURNS void AS $$
       BEGIN
         DELETE FROM listing_search WHERE listing_id = lid;
         INSERT INTO listing_search (listing_id, body, document)
         SELECT l.id, lower({f("l.title || ' ' || b.name || ' ' || l.description")}),
                setweight(to_tsvector('simple', {f("l.title")}), 'A')
                || setweight(to_tsvector('simple', {f("b.name")}), 'B')
                || setweight(to_tsvector('simple', {f("l.description")}), 'C')
         FROM listings AS l JOIN businesses AS b ON b.id = l.business_id
         WHERE l.id = lid AND l.status = 'approved';
       END $$ LANGUAGE plpgsql"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(_refresh(fold=True))
    op.execute("SELECT listing_search_refresh(id) FROM listings WHERE status = 'approved'")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_refresh(fold=False))
    op.execute("SELECT listing_search_refresh(id) FROM listings WHERE status = 'approved'")
