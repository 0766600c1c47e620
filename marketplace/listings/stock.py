"""Stock marks ("Stok habis", "Pre-order") a community sets on its approved listings without
a new review, and the "masih dijual?" question for listings long past their showcase.

The question is derived from the clock and the rounds, never from a job: a public listing's
*reference* is the later of its round's showcase end and ``Listing.stock_checked_at`` (the
last time its community set or confirmed the stock). Once ``STOCK_CHECK_AFTER_ROUNDS`` (N)
rounds have published after the reference, the portal asks "masih dijual?"; once N + 1 have,
the public sees "mungkin sudah tidak tersedia" until the community answers. Writes never
commit (the view does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import audit
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..rounds.models import Round
from .models import STOCK_LABELS, Listing, ListingStatus, StockStatus
from .state import is_own

# schema.org ItemAvailability and the product feeds' words for each mark.
SCHEMA_AVAILABILITY = {
    StockStatus.IN_STOCK: "https://schema.org/InStock",
    StockStatus.SOLD_OUT: "https://schema.org/OutOfStock",
    StockStatus.PREORDER: "https://schema.org/PreOrder",
}
FEED_AVAILABILITY = {
    StockStatus.IN_STOCK: "in stock",
    StockStatus.SOLD_OUT: "out of stock",
    StockStatus.PREORDER: "preorder",
}


class StockNotEditable(DomainError):
    """Only an approved (or public) listing carries a stock mark."""


def stock_label(stock: StockStatus) -> str:
    """The translated label of a mark ("Stok habis"…)."""
    return str(STOCK_LABELS[stock])


def stock_options() -> list[tuple[str, str]]:
    """``(value, label)`` of the marks a community can choose, in order."""
    return [(s.value, stock_label(s)) for s in StockStatus]


def parse_stock(raw: str | None) -> StockStatus | None:
    """A posted mark (``in_stock``, ``sold_out``, ``preorder``) or None for anything else."""
    try:
        return StockStatus((raw or "").strip())
    except ValueError:
        return None


def _check(listing: Listing, actor) -> None:
    if not is_own(listing, actor):
        raise NotAllowed()
    if listing.status != ListingStatus.APPROVED:
        raise StockNotEditable(
            _("Stok hanya dapat ditandai pada produk yang sudah disetujui atau tayang.")
        )


def set_stock(listing: Listing, stock: StockStatus, *, actor, now: datetime) -> bool:
    """Set ``listing``'s mark to ``stock`` (a member of its community; the listing approved or
    public). Not a content change: no review, the version stays (a moderator's open review is
    not made stale), but the page cache is bumped as for any approved listing. Stamps
    ``stock_checked_at`` (an answer to "masih dijual?" too) and audits
    ``listing.stock_<value>`` with ``details={"from", "to"}``. Returns False when the mark
    was already ``stock`` (still stamped and audited as a confirmation). Raises NotAllowed or
    StockNotEditable."""
    _check(listing, actor)
    before = listing.stock
    listing.stock = stock
    listing.stock_checked_at = now
    if before == stock:
        audit.record(
            "listing.stock_confirm",
            actor=actor,
            obj=listing,
            at=now,
            community_id=listing.community_id,
        )
        return False
    audit.record(
        f"listing.stock_{stock.value}",
        actor=actor,
        obj=listing,
        community_id=listing.community_id,
        details={"from": before.value, "to": stock.value},
        at=now,
    )
    return True


def confirm_stock(listing: Listing, *, actor, now: datetime) -> None:
    """ "Masih dijual": the community answers the question with yes; the mark stays, the
    count of rounds starts again from ``now``. Audited ``listing.stock_confirm``."""
    _check(listing, actor)
    listing.stock_checked_at = now
    audit.record(
        "listing.stock_confirm",
        actor=actor,
        obj=listing,
        community_id=listing.community_id,
        at=now,
    )


# --- the "masih dijual?" question ---------------------------------------------------------


def check_after_rounds() -> int:
    """``STOCK_CHECK_AFTER_ROUNDS`` (N ≥ 1, default 3)."""
    return max(1, int(current_app.config.get("STOCK_CHECK_AFTER_ROUNDS", 3)))


@dataclass(frozen=True)
class Cutoffs:
    """Instants (aware UTC) a listing's reference must reach: before ``ask_before`` the
    portal asks "masih dijual?", before ``stale_before`` the public sees "mungkin sudah
    tidak tersedia". None: not enough rounds have published yet."""

    ask_before: datetime | None
    stale_before: datetime | None


NO_CUTOFFS = Cutoffs(None, None)


def may_be_stale(listing: Listing, now: datetime) -> bool:
    """False when no round can have published since the listing's reference (it is after
    ``now``, e.g. a showcase still running): the cut-offs need not be read."""
    return _reference(listing) < now


def cutoffs(now: datetime, n: int | None = None) -> Cutoffs:
    """The publication instants of the N-th and (N+1)-th latest rounds published at ``now``:
    a reference before the N-th means N rounds have published since. One query."""
    n = check_after_rounds() if n is None else n
    times = list(
        db.session.execute(
            sa.select(Round.publishes_at)
            .where(Round.publishes_at <= now)
            .order_by(Round.publishes_at.desc())
            .limit(n + 1)
        ).scalars()
    )
    return Cutoffs(
        ask_before=times[n - 1] if len(times) >= n else None,
        stale_before=times[n] if len(times) > n else None,
    )


def _reference(listing: Listing) -> datetime:
    ref = listing.round.showcase_ends_at
    if listing.stock_checked_at is not None and listing.stock_checked_at > ref:
        ref = listing.stock_checked_at
    return ref


def asks_still_sold(listing: Listing, marks: Cutoffs, now: datetime) -> bool:
    """The portal asks "masih dijual?" of this listing (public, N rounds past its reference)."""
    return (
        marks.ask_before is not None
        and listing.is_public(now)
        and _reference(listing) < marks.ask_before
    )


def maybe_gone(listing: Listing, marks: Cutoffs) -> bool:
    """The public sees "mungkin sudah tidak tersedia": N + 1 rounds past its reference with
    no answer (the caller shows it only for public listings)."""
    return marks.stale_before is not None and _reference(listing) < marks.stale_before


def awaiting_answer(community_id: int, now: datetime, marks: Cutoffs | None = None) -> list:
    """The community's public listings the portal asks "masih dijual?" about, oldest
    reference first (at most 50)."""
    from .state import public_listing_filter

    marks = marks or cutoffs(now)
    if marks.ask_before is None:
        return []
    stmt = (
        sa.select(Listing)
        .join(Listing.round)
        .where(
            public_listing_filter(now),
            Listing.community_id == community_id,
            Round.showcase_ends_at < marks.ask_before,
            sa.or_(
                Listing.stock_checked_at.is_(None),
                Listing.stock_checked_at < marks.ask_before,
            ),
        )
        .order_by(Round.showcase_ends_at, Listing.id)
        .limit(50)
    )
    return list(db.session.execute(stmt).unique().scalars())


def public_mark(listing: Listing, marks: Cutoffs) -> tuple[str, str] | None:
    """``(css modifier, label)`` a card or page shows for a public listing's stock, or None
    (in stock and recently confirmed): "Stok habis", "Pre-order", or "Mungkin sudah tidak
    tersedia"."""
    if listing.stock == StockStatus.SOLD_OUT:
        return "soldout", stock_label(listing.stock)
    if maybe_gone(listing, marks):
        return "stale", _("Mungkin sudah tidak tersedia")
    if listing.stock == StockStatus.PREORDER:
        return "preorder", stock_label(listing.stock)
    return None


def schema_availability(listing: Listing) -> str:
    """schema.org ``availability`` of the listing's Offer."""
    return SCHEMA_AVAILABILITY[listing.stock]


def feed_availability(listing: Listing) -> str:
    """The feeds' ``availability`` ("in stock", "out of stock", "preorder")."""
    return FEED_AVAILABILITY[listing.stock]
