"""The API's reads beyond listings (those are ``catalogue.queries.search_listings``): rounds,
communities and businesses, public only, paged by id with an opaque cursor."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..auth.models import Community, CommunityStatus
from ..catalogue.cursor import InvalidCursor, clamp_per_page
from ..extensions import db
from ..listings.models import Business, Listing
from ..listings.state import public_listing_filter
from ..rounds.models import Round


@dataclass
class IdPage:
    """Rows in id order and the cursor of the next page (None on the last)."""

    items: list
    next: str | None


def encode_id_cursor(kind: str, ident: int) -> str:
    """An opaque cursor: ``<kind>:<last id>`` in URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(f"{kind}:{ident}".encode()).decode().rstrip("=")


def decode_id_cursor(kind: str, token: str | None) -> int | None:
    """The id a cursor of ``kind`` names, None without one; anything we did not make raises
    ``InvalidCursor``."""
    if not token:
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        got, _, number = text.partition(":")
        ident = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor(token) from None
    if got != kind or not 0 <= ident < 2**31 or str(ident) != number:
        raise InvalidCursor(token)
    return ident


def _id_page(stmt, col, kind: str, cursor: str | None, per_page) -> IdPage:
    after = decode_id_cursor(kind, cursor)
    per_page = clamp_per_page(per_page)
    if after is not None:
        stmt = stmt.where(col > after)
    rows = list(db.session.execute(stmt.order_by(col).limit(per_page + 1)).unique().scalars())
    items = rows[:per_page]
    more = len(rows) > per_page
    return IdPage(items=items, next=encode_id_cursor(kind, items[-1].id) if more else None)


def published_round_by_id(round_id: int, now: datetime) -> Round | None:
    """The round if it is published at ``now``, else None."""
    if not 0 < round_id < 2**31:  # a 32-bit column
        return None
    return db.session.execute(
        sa.select(Round).where(Round.id == round_id, Round.publishes_at <= now)
    ).scalar_one_or_none()


def public_communities(cursor: str | None, per_page) -> IdPage:
    """Verified (or since suspended) communities in id order; pending ones are not public."""
    stmt = sa.select(Community).where(Community.status != CommunityStatus.PENDING)
    return _id_page(stmt, Community.id, "c", cursor, per_page)


def _has_public_listing(now: datetime):
    return sa.exists(
        sa.select(Listing.id)
        .join(Listing.round)
        .where(Listing.business_id == Business.id, public_listing_filter(now))
    )


def public_businesses(now: datetime, cursor: str | None, per_page, community: str | None = None):
    """Businesses with at least one public listing at ``now``, in id order; ``community``
    (a slug) narrows them to one community."""
    stmt = (
        sa.select(Business).options(joinedload(Business.community)).where(_has_public_listing(now))
    )
    if community:
        stmt = stmt.join(Business.community).where(Community.slug == community[:140])
    return _id_page(stmt, Business.id, "b", cursor, per_page)
