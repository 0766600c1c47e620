"""The listing state machine: the transition table, ``transition()``, permission predicates,
the quota and the deadline. Reads its vocabulary from ``models.ACTIONS``; never commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..auth.models import Community, Role, User
from ..errors import (
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    QuotaExceeded,
    RoundClosed,
    StaleVersion,
)
from ..extensions import db
from ..rounds.allowances import accepts_from, closes_for, quota_for
from ..rounds.models import Round
from .models import ACTIONS, STATUS_LABELS, Listing, ListingAction, ListingStatus

S = ListingStatus

# action → (allowed from-states, to-state, who may do it: "community" or "staff"); the
# transitions of ``models.ACTIONS`` (history-only actions are not in the table).
TRANSITIONS: dict[str, tuple[frozenset[ListingStatus], ListingStatus, str]] = {
    a.name: (a.froms, a.to, a.who) for a in ACTIONS.values() if a.is_transition
}
REASON_REQUIRED = frozenset(a.name for a in ACTIONS.values() if a.reason_required)
QUOTA_STATUSES = (S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED)


def status_label(status: ListingStatus) -> str:
    """The Indonesian (translatable) label for a status."""
    return str(STATUS_LABELS[status])


def action_verb(action: str) -> str:
    """The translated verb of an action ("diajukan"…), for "tidak dapat %(action)s"."""
    return str(ACTIONS[action].verb)


# --- permissions ------------------------------------------------------------------------


def is_own(listing_or_business, user: User | None) -> bool:
    """True if ``user`` is an active member of the record's community."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == Role.MEMBER
        and user.community_id == listing_or_business.community_id
    )


def check_actor(action: ListingAction, listing: Listing, actor: User) -> None:
    """Raise NotAllowed unless ``actor`` is who ``action`` is for: staff, or a member of the
    listing's community."""
    if action.who == "staff" and not actor.is_staff:
        raise NotAllowed()
    if action.who == "community" and not is_own(listing, actor):
        raise NotAllowed()


def can_edit(listing: Listing, user: User | None, now: datetime) -> bool:
    """A member of its community, while it is a draft, submitted before the round closes,
    or sent back for changes before the round publishes. Approved listings are frozen."""
    if not is_own(listing, user):
        return False
    if listing.status == S.DRAFT:
        return not listing.round.is_published(now)
    if listing.status == S.SUBMITTED:
        return now < closes_for(listing.round, listing.community_id)
    if listing.status == S.CHANGES_REQUESTED:
        return now < listing.round.publishes_at
    return False


def allowed_actions(listing: Listing, user: User | None) -> list[str]:
    """Actions the table allows from the listing's status for this kind of user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    side = "staff" if user.is_staff else "community"
    return [
        a for a, (froms, _to, who) in TRANSITIONS.items() if listing.status in froms and who == side
    ]


def public_listing_filter(now: datetime):
    """The SQL condition for a publicly visible listing at ``now`` (joins Round); a listing
    hidden by shoppers' reports (``Listing.hidden_at``) is not public."""
    return sa.and_(
        Listing.status == S.APPROVED,
        Listing.hidden_at.is_(None),
        Listing.round_id == Round.id,
        Round.publishes_at <= now,
    )


# --- quota and deadline ------------------------------------------------------------------


def slots_used(community_id: int, round_id: int) -> int:
    """Listings of the community in the round that hold a slot (submitted,
    changes_requested, approved)."""
    return db.session.execute(
        sa.select(sa.func.count(Listing.id)).where(
            Listing.community_id == community_id,
            Listing.round_id == round_id,
            Listing.status.in_(QUOTA_STATUSES),
        )
    ).scalar_one()


def lock_community(community_id: int) -> None:
    """Make parallel submits of one community queue up until this transaction ends, so two
    requests (in any worker process) never both count the last free slot.

    PostgreSQL locks the community's row with ``SELECT … FOR NO KEY UPDATE``: that waits
    for another submit's lock but not for the ``FOR KEY SHARE`` locks that inserting a
    listing or photo (foreign keys to the community) takes, so two requests that each
    inserted a row first cannot deadlock (plain FOR UPDATE did, in bench/rush.py). SQLite has
    no row locks and ignores FOR UPDATE: a no-op UPDATE of the row takes the database's write
    lock now, before the count, instead of at the listing's own UPDATE after it (WAL readers are not
    blocked; other writers wait up to the busy timeout)."""
    if db.session.get_bind().dialect.name == "sqlite":
        table = Community.__table__
        db.session.execute(sa.update(table).where(table.c.id == community_id).values(id=table.c.id))
    else:
        db.session.execute(
            sa.select(Community.id)
            .where(Community.id == community_id)
            .with_for_update(key_share=True)
        )


def check_can_submit(listing: Listing, now: datetime) -> None:
    """Raise RoundClosed outside ``[opens_at, closes_at)`` and QuotaExceeded when no slot
    is free. Holds the community's lock (``lock_community``) until the caller's commit or
    rollback, so the count and the submit are one step for parallel requests."""
    rnd = listing.round
    if not listing.community.is_verified:
        raise NotAllowed(
            _(
                "Komunitas Anda belum diverifikasi staf Dinas, jadi produk belum bisa "
                "diajukan. Simpan sebagai draf dulu."
            )
        )
    if not accepts_from(rnd, listing.community_id, now):
        if now < rnd.opens_at:
            raise RoundClosed(_("Periode %(name)s belum dibuka.", name=rnd.title))
        raise RoundClosed(
            _("Batas waktu %(name)s sudah lewat. Produk tidak dapat diajukan lagi.", name=rnd.title)
        )
    lock_community(listing.community_id)
    quota = quota_for(rnd, listing.community_id)
    if slots_used(listing.community_id, rnd.id) >= quota:
        raise QuotaExceeded(
            _(
                "Kuota komunitas untuk %(name)s sudah penuh (%(n)s produk). Tarik "
                "produk lain atau tunggu periode berikutnya.",
                name=rnd.title,
                n=quota,
            )
        )


# --- what follows a submit -----------------------------------------------------------------

# Called as ``hook(listing, now)`` after a listing was submitted, resubmitted or edited while
# waiting, inside the same transaction (moderation registers its pre-checks here: listings
# never imports moderation). A hook flushes, never commits.
SUBMITTED_HOOKS: list = []


def on_submitted(hook) -> None:
    """Register ``hook(listing, now)`` to run after each submit, resubmit or edit of a
    waiting listing (once per function)."""
    if hook not in SUBMITTED_HOOKS:
        SUBMITTED_HOOKS.append(hook)


def run_submitted_hooks(listing: Listing, now: datetime) -> None:
    for hook in SUBMITTED_HOOKS:
        hook(listing, now)


# --- the one transition function ---------------------------------------------------------


def transition(
    listing: Listing,
    action: str,
    *,
    actor: User,
    now: datetime,
    reason: str | None = None,
    note: str | None = None,
    details: dict | None = None,
) -> Listing:
    """Move ``listing`` by ``action`` if the table allows it; stamp, bump the version and
    write the audit entry. Raises InvalidTransition, NotAllowed, RoundClosed or
    QuotaExceeded with a user-facing message. Flushes; never commits."""
    if action not in TRANSITIONS:
        raise InvalidTransition()
    declared = ACTIONS[action]
    check_actor(declared, listing, actor)
    if listing.status not in declared.froms:
        raise InvalidTransition(
            _(
                "Produk berstatus \"%(status)s\" tidak dapat %(action)s.",
                status=status_label(listing.status),
                action=action_verb(action),
            )
        )
    if declared.reason_required and not (reason or "").strip():
        raise InvalidInput(_("Alasan wajib diisi."))
    if action == "submit":
        check_can_submit(listing, now)
        listing.submitted_at = now
    elif action == "resubmit":
        if now >= listing.round.publishes_at:
            raise RoundClosed(
                _(
                    "%(name)s sudah tayang; perbaikan tidak dapat diajukan lagi.",
                    name=listing.round.title,
                )
            )
        listing.submitted_at = now
    elif action in ("approve", "request_changes", "reject"):
        listing.decided_at = now
        if action == "approve":
            listing.approved_at = now
    before = listing.status
    listing.status = declared.to
    listing.version += 1
    listing.updated_at = now
    flush_listing()
    audit.record(
        declared.code,
        actor=actor,
        object_type="listing",
        object_id=listing.id,
        community_id=listing.community_id,
        from_state=before.value,
        to_state=declared.to.value,
        reason=reason,
        note=note,
        at=now,
        details={"version": listing.version, **(details or {})},
    )
    if declared.to == S.SUBMITTED:
        run_submitted_hooks(listing, now)
    return listing


def flush_listing() -> None:
    """Flush a listing change; a write based on a stale read (someone decided or edited it
    meanwhile: the version moved on) raises StaleVersion with a message, nothing written."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(
            _(
                "Produk ini baru saja diubah atau diputuskan oleh orang lain. "
                "Muat ulang halaman untuk melihat versi terbaru."
            )
        ) from None
