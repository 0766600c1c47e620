"""Full-text search over public listings, behind one small interface with two backends.

``resolve(q, dialect)`` turns what a shopper typed into a ``Match``: joins that add the
search to the catalogue's own query (filters, visibility, sort, keyset), in relevance
tiers, plus what was really searched for. The backends only answer "which listings, in
which tier".

* **SQLite (default)**: an FTS5 table ``listing_search`` (``unicode61 remove_diacritics 2``)
  over title, business name and description of approved listings, kept in sync by triggers
  (migration ``c7a1e5d2f4b9``). Ranked in tiers: every word in the title first, then the
  rest, newest first within a tier (see ``Match``). When the
  words match nothing, it tries them as prefixes (``kerip`` → ``keripik``), then corrects each
  unknown word to the closest indexed word (``kripik`` → ``keripik``: "did you mean").
* **PostgreSQL (production)**: a table ``listing_search`` with a ``simple``-configuration
  ``tsvector`` (the Indonesian stemmer over-stems) and a ``pg_trgm`` index, kept in sync by
  triggers; prefix matching, the same tiers (title words carry weight A), and trigram
  word similarity when nothing matches (``kripik`` finds ``keripik``).

Words are taken out of the query as letters and digits only, so ``%``, ``_``, quotes and
FTS operators are never operators. A query made only of symbols or emoji (``%``, ``'``,
``🍪``) has nothing an index can look up: it is answered at once with no results
(``Match.unsearchable``) and the page says to type letters or digits; a LIKE over every row
(1-2 s at 100,000 listings, each distinct string a cache miss) is never run.

The tables are not SQLAlchemy models: ``is_search_table`` tells the migration drift check
and autogenerate to leave them alone.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup

from ..extensions import db
from ..listings.models import Listing

SEARCH_TABLE = "listing_search"
MAX_WORDS = 8
MAX_WORD_CHARS = 40
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
#: Indonesian function words, in nearly every description: they narrow nothing and their
#: index lists are the longest. Left out of a query that has other words; a query made only
#: of them is answered at once (``Match.too_common``), never by walking those lists.
STOP_WORDS = frozenset(
    "dan yang di ke dari untuk dengan ini itu atau pada dalam juga ada oleh para se nya "
    "bisa akan sudah tidak".split()
)
#: Shorter words are matched whole, never as prefixes (``k*`` is every word with a k; the
#: SQLite index keeps prefixes of 2 and 3 characters, migration ``c7a1e5d2f4b9``).
MIN_PREFIX = 2
#: Shorter words get no typo correction (too many near words).
MIN_TYPO = 3


def is_search_table(name: str | None) -> bool:
    """True for the search index and its helper tables (FTS5 shadow tables, the content
    view, the PostgreSQL table): not models, so migrations' drift checks skip them."""
    return bool(name) and (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_"))


def include_name(name, type_, parent_names) -> bool:
    """Alembic ``include_name`` hook: skip reflecting the search tables."""
    return not (type_ == "table" and is_search_table(name))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: skip the search tables and their indexes."""
    if type_ == "table":
        return not is_search_table(name)
    table = getattr(obj, "table", None)
    return not (table is not None and is_search_table(table.name))


def fold(text: str) -> str:
    """Lower case without diacritics (``Kopi Gayo Énak`` → ``kopi gayo enak``), like the
    FTS5 ``remove_diacritics`` tokenizer."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(q: str | None) -> list[str]:
    """The searchable words of a query: letters and digits, folded, at most 8 of 40 chars."""
    return [w[:MAX_WORD_CHARS] for w in _WORD_RE.findall(fold(q or ""))][:MAX_WORDS]


@dataclass
class Match:
    """What a query matched, as joins the catalogue adds to its own query.

    Relevance comes in **tiers**: tier 0 holds listings whose title has every searched word,
    tier 1 the rest (the words are in the description or the business name); within a tier
    the newest listing comes first. ``join(stmt, tier)`` adds the search to ``stmt`` for one
    tier (``tier=None``: every match, for the other sorts and for counting) and returns it
    with the id column to order and page by. That order is what a full-text index can walk
    without scoring every match, so a page costs the same for a word found in 12,000
    listings as for one found in 12 (bm25 over every match costs 10-20 ms at 100,000).

    For a query with no letters or digits, ``unsearchable`` is True, ``condition`` is
    ``false`` and ``tiers`` is 0: callers answer with no rows and run no query; also for a
    query of only ``STOP_WORDS``, with ``too_common`` True (the page says why).
    ``searched`` are the words really used (for highlighting);
    ``corrected`` is the query searched instead when the typed words matched nothing;
    ``prefix`` says the words were taken as prefixes."""

    join: Callable | None = None
    tiers: int = 0
    condition: sa.ColumnElement | None = None
    searched: list[str] = field(default_factory=list)
    corrected: str | None = None
    prefix: bool = False
    unsearchable: bool = False
    too_common: bool = False


def resolve(q: str | None, dialect: str | None = None) -> Match | None:
    """The ``Match`` for ``q``, or None when there is nothing to search for."""
    text = " ".join((q or "").split())
    if not text:
        return None
    found = words(text)
    if not found:
        return _unsearchable()
    found = [w for w in found if w not in STOP_WORDS]
    if not found:
        return Match(condition=sa.false(), unsearchable=True, too_common=True)
    dialect = dialect or db.engine.dialect.name
    if dialect == "postgresql":
        return _postgres(found)
    return _sqlite(found)


# --- nothing to look up (a query with no letters or digits) --------------------------------


def _unsearchable() -> Match:
    return Match(condition=sa.false(), searched=[], unsearchable=True)


# --- SQLite FTS5 ----------------------------------------------------------------------------

_fts = sa.table(SEARCH_TABLE, sa.column("rowid", sa.Integer))
_MATCH = sa.literal_column(SEARCH_TABLE)


def _fts_query(terms: list[str], prefix: bool) -> str:
    # Terms hold letters/digits only; a word under MIN_PREFIX characters stays whole.
    return " ".join(f'"{t}"*' if prefix and len(t) >= MIN_PREFIX else f'"{t}"' for t in terms)


def _fts_has(expr: str) -> bool:
    return (
        db.session.execute(
            sa.text(f"SELECT 1 FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :q LIMIT 1"),
            {"q": expr},
        ).first()
        is not None
    )


def _fts_match(expr: str, terms: list[str], **kw) -> Match:
    group = f"({expr})"
    exprs = [f"title : {group}", f"{group} NOT title : {group}"]

    def join(stmt, tier=None):
        where = expr if tier is None else exprs[tier]
        return (
            stmt.join(_fts, _fts.c.rowid == Listing.id).where(_MATCH.op("MATCH")(where)),
            _fts.c.rowid,
        )

    return Match(join=join, tiers=len(exprs), searched=terms, **kw)


def _known(term: str) -> bool:
    return (
        db.session.execute(
            sa.text(f"SELECT 1 FROM {SEARCH_TABLE}_vocab WHERE term = :t"), {"t": term}
        ).first()
        is not None
    )


def _closest(term: str) -> str | None:
    """The indexed word closest to ``term`` (same first letter, similar length), if close."""
    if len(term) < MIN_TYPO:
        return None
    lo, hi = max(1, len(term) - 2), len(term) + 2
    candidates = [
        row[0]
        for row in db.session.execute(
            sa.text(
                f"SELECT term FROM {SEARCH_TABLE}_vocab WHERE term >= :a AND term < :b "
                "AND length(term) BETWEEN :lo AND :hi"
            ),
            {"a": term[0], "b": chr(ord(term[0]) + 1), "lo": lo, "hi": hi},
        )
    ]
    best = difflib.get_close_matches(term, candidates, n=1, cutoff=0.75)
    return best[0] if best else None


def _sqlite(terms: list[str]) -> Match:
    exact = _fts_query(terms, prefix=False)
    if _fts_has(exact):
        return _fts_match(exact, terms)
    prefixed = _fts_query(terms, prefix=True)
    if prefixed != exact and _fts_has(prefixed):
        return _fts_match(prefixed, terms, prefix=True)
    fixed = [t if _known(t) else (_closest(t) or t) for t in terms]
    if fixed != terms:
        expr = _fts_query(fixed, prefix=False)
        if _fts_has(expr):
            return _fts_match(expr, fixed, corrected=" ".join(fixed))
    return _fts_match(exact, terms)


# --- PostgreSQL full text + pg_trgm ---------------------------------------------------------

_pg = sa.table(
    SEARCH_TABLE, sa.column("listing_id", sa.Integer), sa.column("document"), sa.column("body")
)


def _tsquery(text: str):
    return sa.func.to_tsquery(sa.literal_column("'simple'"), text)


def _pg_match(anywhere: str, exprs: list[str], terms: list[str], prefix: bool) -> Match:
    def join(stmt, tier=None):
        query = _tsquery(anywhere if tier is None else exprs[tier])
        return (
            stmt.join(_pg, _pg.c.listing_id == Listing.id).where(_pg.c.document.op("@@")(query)),
            _pg.c.listing_id,
        )

    return Match(join=join, tiers=len(exprs), searched=terms, prefix=prefix)


def _pg_probe(expr: str):
    """``SELECT 1 … LIMIT 1``: does any listing match ``expr``? The matches are a
    MATERIALIZED CTE, planned on its own (not for LIMIT 1), so PostgreSQL reads the GIN
    index; a plain ``LIMIT 1`` makes it bet on a sequential scan finding a row early, which
    reads the whole table for a word nobody uses (150-200 ms at 100,000 listings)."""
    found = (
        sa.select(_pg.c.listing_id)
        .where(_pg.c.document.op("@@")(_tsquery(expr)))
        .cte("probe")
        .prefix_with("MATERIALIZED")
    )
    return sa.select(sa.literal(1)).select_from(found).limit(1)


def _postgres(terms: list[str]) -> Match:
    # Letters and digits only, so the to_tsquery syntax cannot be injected. Title words
    # carry weight A in the document, so ``:*A`` finds them in the title only.
    for star in ("", ":*"):  # the words as typed, else as prefixes (of MIN_PREFIX or more)
        stars = [star if len(t) >= MIN_PREFIX else "" for t in terms]
        if star and not any(stars):
            break
        anywhere = " & ".join(f"{t}{s}" for t, s in zip(terms, stars, strict=True))
        in_title = " & ".join(f"{t}{s or ':'}A" for t, s in zip(terms, stars, strict=True))
        hit = db.session.execute(_pg_probe(anywhere)).first()
        if hit is not None:
            return _pg_match(
                anywhere, [in_title, f"({anywhere}) & !({in_title})"], terms, bool(star)
            )

    # Typo tolerance: every word similar to some word of the listing (pg_trgm ``<%``, which
    # the trigram index serves). 0.5 instead of the default 0.6 lets one letter be missing
    # from a six-letter word (``kripik`` ~ ``keripik`` is 0.57); for this transaction only.
    if any(len(t) < MIN_TYPO for t in terms):  # no near words for short ones: no match
        return _pg_match(" & ".join(terms), [" & ".join(terms)], terms, False)
    db.session.execute(
        sa.text("SELECT set_config('pg_trgm.word_similarity_threshold', '0.5', true)")
    )

    def similar(stmt, tier=None):
        return (
            stmt.join(_pg, _pg.c.listing_id == Listing.id).where(
                *[sa.literal(t).op("<%")(_pg.c.body) for t in terms]
            ),
            _pg.c.listing_id,
        )

    return Match(join=similar, tiers=1, searched=terms, prefix=True)


# --- highlighting ---------------------------------------------------------------------------


def highlight(text: str | None, searched: list[str], prefix: bool = True) -> Markup:
    """``text`` HTML-escaped, with the words that match ``searched`` wrapped in ``<mark>``.

    Escapes everything first, then marks: words are compared folded (no case, no
    diacritics), as the index does; with ``prefix``, a word matches when it starts with a
    searched word (``kerip`` marks ``Keripik``).
    """
    text = text or ""
    if not searched:
        return Markup(html.escape(text, quote=False))
    wanted = set(searched)
    out, last = [], 0
    for m in _WORD_RE.finditer(text):
        word = fold(m.group(0))
        hit = word in wanted or (prefix and any(word.startswith(w) for w in wanted))
        if not hit:
            continue
        out.append(html.escape(text[last : m.start()], quote=False))
        out.append("<mark>" + html.escape(m.group(0), quote=False) + "</mark>")
        last = m.end()
    out.append(html.escape(text[last:], quote=False))
    return Markup("".join(out))
