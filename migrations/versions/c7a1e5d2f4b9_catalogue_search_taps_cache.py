"""catalogue: full-text search index, WhatsApp taps per listing and day, page-cache generation

SQLite: an FTS5 table ``listing_search`` (``unicode61 remove_diacritics 2``) whose external
content is the view ``listing_search_source`` (approved listings with their business name),
a ``fts5vocab`` table for "did you mean", and triggers that keep the index in step with
listings (approve, withdraw, take down, delete) and business names.

PostgreSQL: ``pg_trgm``, a table ``listing_search`` (a ``simple``-configuration tsvector and
the folded text for trigram similarity, GIN indexes on both) and PL/pgSQL triggers doing
the same.

None of these are SQLAlchemy models; ``marketplace.catalogue.search.is_search_table`` keeps
them out of autogenerate and the drift test.

Revision ID: c7a1e5d2f4b9
Revises: eba850ac2dce
Create Date: 2026-11-29 15:18:11.578818

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7a1e5d2f4b9'
down_revision = 'eba850ac2dce'
branch_labels = None
depends_on = None


SQLITE_UP = [
    """CREATE VIEW listing_search_source AS
       SELECT l.id AS id, l.title AS title, l.description AS description, b.name AS business
       FROM listings AS l JOIN businesses AS b ON b.id = l.business_id
       WHERE l.status = 'approved'""",
    """CREATE VIRTUAL TABLE listing_search USING fts5(
       title, description, business,
       content='listing_search_source', content_rowid='id',
       tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    "CREATE VIRTUAL TABLE listing_search_vocab USING fts5vocab(listing_search, 'row')",
    # New approved rows (bulk loads, demo data).
    """CREATE TRIGGER listing_search_insert AFTER INSERT ON listings
       WHEN new.status = 'approved' BEGIN
         INSERT INTO listing_search(rowid, title, description, business)
         VALUES (new.id, new.title, new.description,
                 (SELECT name FROM businesses WHERE id = new.business_id));
       END""",
    """CREATE TRIGGER listing_search_delete AFTER DELETE ON listings
       WHEN old.status = 'approved' BEGIN
         INSERT INTO listing_search(listing_search, rowid, title, description, business)
         VALUES ('delete', old.id, old.title, old.description,
                 (SELECT name FROM businesses WHERE id = old.business_id));
       END""",
    # Approve: enters the index.
    """CREATE TRIGGER listing_search_approve AFTER UPDATE ON listings
       WHEN old.status <> 'approved' AND new.status = 'approved' BEGIN
         INSERT INTO listing_search(rowid, title, description, business)
         VALUES (new.id, new.title, new.description,
                 (SELECT name FROM businesses WHERE id = new.business_id));
       END""",
    # Withdraw, take down: leaves it.
    """CREATE TRIGGER listing_search_unapprove AFTER UPDATE ON listings
       WHEN old.status = 'approved' AND new.status <> 'approved' BEGIN
         INSERT INTO listing_search(listing_search, rowid, title, description, business)
         VALUES ('delete', old.id, old.title, old.description,
                 (SELECT name FROM businesses WHERE id = old.business_id));
       END""",
    # An approved listing is frozen, but keep the index right if one is changed anyway.
    """CREATE TRIGGER listing_search_change AFTER UPDATE ON listings
       WHEN old.status = 'approved' AND new.status = 'approved'
        AND (old.title IS NOT new.title OR old.description IS NOT new.description
             OR old.business_id IS NOT new.business_id) BEGIN
         INSERT INTO listing_search(listing_search, rowid, title, description, business)
         VALUES ('delete', old.id, old.title, old.description,
                 (SELECT name FROM businesses WHERE id = old.business_id));
         INSERT INTO listing_search(rowid, title, description, business)
         VALUES (new.id, new.title, new.description,
                 (SELECT name FROM businesses WHERE id = new.business_id));
       END""",
    """CREATE TRIGGER listing_search_business AFTER UPDATE OF name ON businesses
       WHEN old.name IS NOT new.name BEGIN
         INSERT INTO listing_search(listing_search, rowid, title, description, business)
         SELECT 'delete', id, title, description, old.name FROM listings
         WHERE business_id = old.id AND status = 'approved';
         INSERT INTO listing_search(rowid, title, description, business)
         SELECT id, title, description, new.name FROM listings
         WHERE business_id = new.id AND status = 'approved';
       END""",
    "INSERT INTO listing_search(listing_search) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS listing_search_business",
    "DROP TRIGGER IF EXISTS listing_search_change",
    "DROP TRIGGER IF EXISTS listing_search_unapprove",
    "DROP TRIGGER IF EXISTS listing_search_approve",
    "DROP TRIGGER IF EXISTS listing_search_delete",
    "DROP TRIGGER IF EXISTS listing_search_insert",
    "DROP TABLE IF EXISTS listing_search_vocab",
    "DROP TABLE IF EXISTS listing_search",
    "DROP VIEW IF EXISTS listing_search_source",
]

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE listing_search (
         listing_id integer PRIMARY KEY REFERENCES listings (id) ON DELETE CASCADE,
         body text NOT NULL,
         document tsvector NOT NULL)""",
    "CREATE INDEX listing_search_document ON listing_search USING gin (document)",
    "CREATE INDEX listing_search_body_trgm ON listing_search USING gin (body gin_trgm_ops)",
    """CREATE FUNCTION listing_search_refresh(lid integer) RETURNS void AS $$
       BEGIN
         DELETE FROM listing_search WHERE listing_id = lid;
         INSERT INTO listing_search (listing_id, body, document)
         SELECT l.id, lower(l.title || ' ' || b.name || ' ' || l.description),
                setweight(to_tsvector('simple', l.title), 'A')
                || setweight(to_tsvector('simple', b.name), 'B')
                || setweight(to_tsvector('simple', l.description), 'C')
         FROM listings AS l JOIN businesses AS b ON b.id = l.business_id
         WHERE l.id = lid AND l.status = 'approved';
       END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION listing_search_listing_trg() RETURNS trigger AS $$
       BEGIN
         PERFORM listing_search_refresh(NEW.id);
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER listing_search_listing
       AFTER INSERT OR UPDATE OF status, title, description, business_id ON listings
       FOR EACH ROW EXECUTE FUNCTION listing_search_listing_trg()""",
    """CREATE FUNCTION listing_search_business_trg() RETURNS trigger AS $$
       BEGIN
         PERFORM listing_search_refresh(l.id) FROM listings AS l
         WHERE l.business_id = NEW.id AND l.status = 'approved';
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER listing_search_business AFTER UPDATE OF name ON businesses
       FOR EACH ROW EXECUTE FUNCTION listing_search_business_trg()""",
    "SELECT listing_search_refresh(id) FROM listings WHERE status = 'approved'",
]

POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS listing_search_business ON businesses",
    "DROP TRIGGER IF EXISTS listing_search_listing ON listings",
    "DROP FUNCTION IF EXISTS listing_search_business_trg()",
    "DROP FUNCTION IF EXISTS listing_search_listing_trg()",
    "DROP FUNCTION IF EXISTS listing_search_refresh(integer)",
    "DROP TABLE IF EXISTS listing_search",
]


def upgrade():
    op.create_table(
        'catalogue_cache_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_cache_state')),
    )
    op.execute("INSERT INTO catalogue_cache_state (id, generation) VALUES (1, 0)")
    op.create_table(
        'whatsapp_taps',
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('taps', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['listing_id'],
            ['listings.id'],
            name=op.f('fk_whatsapp_taps_listing_id_listings'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('listing_id', 'day', name=op.f('pk_whatsapp_taps')),
    )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(dialect, []):
        op.execute(statement)
    op.drop_table('whatsapp_taps')
    op.drop_table('catalogue_cache_state')
