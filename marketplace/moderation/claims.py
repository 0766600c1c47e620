"""Claims: a moderator who opens a listing for review holds it for ``CLAIM_MINUTES`` so
colleagues see "sedang ditinjau oleh …" and "next" passes it by. A claim ends with a
decision, on release, or by time. Not a lock: the decision's version check stays the final
guard. Claims are ephemeral courtesy and are not written to the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..auth.models import User
from ..extensions import db
from .models import ListingClaim

CLAIM_MINUTES = 10


def claim_minutes() -> int:
    """The claim's length in minutes (``MODERATION_CLAIM_MINUTES``, default 10)."""
    return int(current_app.config.get("MODERATION_CLAIM_MINUTES", CLAIM_MINUTES))


def claim(listing_id: int, moderator: User, *, now: datetime) -> ListingClaim:
    """Claim (or renew) ``listing_id`` for ``moderator`` until now + the claim length, unless
    a colleague holds a live claim: then that claim is returned untouched. Safe when two
    moderators open the same listing at once (one row per listing; the loser reads the
    winner's). Flushes, never commits."""
    until = now + timedelta(minutes=claim_minutes())
    table = ListingClaim.__table__
    values = dict(
        listing_id=listing_id, moderator_id=moderator.id, claimed_at=now, expires_at=until
    )
    dialect = db.session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        # One statement: insert, or take over my own or an expired claim; a colleague's live
        # claim matches neither and stays theirs (the row lock makes it atomic).
        insert = (sqlite_insert if dialect == "sqlite" else pg_insert)(table).values(**values)
        db.session.execute(
            insert.on_conflict_do_update(
                index_elements=[table.c.listing_id],
                set_={
                    "moderator_id": insert.excluded.moderator_id,
                    "claimed_at": insert.excluded.claimed_at,
                    "expires_at": insert.excluded.expires_at,
                },
                where=sa.or_(table.c.moderator_id == moderator.id, table.c.expires_at <= now),
            )
        )
    else:  # any other database: update, else insert in a savepoint
        taken = db.session.execute(
            sa.update(table)
            .where(
                table.c.listing_id == listing_id,
                sa.or_(table.c.moderator_id == moderator.id, table.c.expires_at <= now),
            )
            .values(moderator_id=moderator.id, claimed_at=now, expires_at=until)
        ).rowcount
        if not taken:
            try:
                with db.session.begin_nested():
                    db.session.execute(sa.insert(table).values(**values))
            except sa.exc.IntegrityError:
                pass  # a colleague's live claim exists: it stays theirs
    found = db.session.execute(
        sa.select(ListingClaim)
        .where(ListingClaim.listing_id == listing_id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return found


def release(listing_id: int, moderator: User) -> bool:
    """End ``moderator``'s own claim on the listing (True if there was one). Flushes."""
    table = ListingClaim.__table__
    return bool(
        db.session.execute(
            sa.delete(table).where(
                table.c.listing_id == listing_id, table.c.moderator_id == moderator.id
            )
        ).rowcount
    )


def end_claims(listing_ids: list[int]) -> None:
    """A decision ends any claim on these listings, whoever held it. Flushes."""
    if listing_ids:
        table = ListingClaim.__table__
        db.session.execute(sa.delete(table).where(table.c.listing_id.in_(listing_ids)))


def live_claims(listing_ids: list[int], *, now: datetime) -> dict[int, ListingClaim]:
    """Live claims (not expired at ``now``) on the given listings, by listing id."""
    if not listing_ids:
        return {}
    rows = db.session.execute(
        sa.select(ListingClaim).where(
            ListingClaim.listing_id.in_(listing_ids), ListingClaim.expires_at > now
        )
    ).scalars()
    return {c.listing_id: c for c in rows}


def claimed_by_others(moderator_id: int | None, now: datetime) -> sa.Select:
    """Ids of listings under a live claim of someone other than ``moderator_id`` (a subquery
    for the queue's "not claimed" filter and for "next")."""
    q = sa.select(ListingClaim.listing_id).where(ListingClaim.expires_at > now)
    if moderator_id is not None:
        q = q.where(ListingClaim.moderator_id != moderator_id)
    return q
