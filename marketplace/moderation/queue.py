"""The moderation queue (reads): filters, queue order, the next listing, sizes per round, the
review page's data and the rounds staff switch between."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload

from ..audit import AuditEvent
from ..auth.models import Community, User
from ..extensions import db
from ..listings.models import Business, Listing, ListingStatus, Permit
from ..listings.queries import listing_history
from ..rounds.models import Round
from .claims import claimed_by_others, live_claims
from .decisions import decisions_for
from .models import ListingClaim, ListingPrecheck, ModerationDecision, ModerationReason
from .permits import unchecked_permits
from .prechecks import Flag, finding_flags, text_findings
from .reasons import active_reasons

S = ListingStatus

# Statuses staff can filter the queue by; drafts never reach staff.
QUEUE_STATUSES = (S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED, S.WITHDRAWN, S.REMOVED)


@dataclass
class QueueFilter:
    """What the queue is narrowed to. ``status`` None means every status staff may see."""

    community_id: int | None = None
    district_id: int | None = None
    category_id: int | None = None
    status: ListingStatus | None = S.SUBMITTED
    flagged: bool = False  # only listings with at least one flag (see ``flagged_clause``)
    unclaimed: bool = False  # only listings no colleague has open (see ``moderation.claims``)

    def waiting(self) -> QueueFilter:
        """The same narrowing, restricted to listings waiting for a decision."""
        return replace(self, status=S.SUBMITTED)

    def args(self) -> dict[str, str]:
        """As query-string arguments (for links that keep the filter)."""
        out = {}
        if self.flagged:
            out["tanda"] = "ya"
        if self.unclaimed:
            out["klaim"] = "bebas"
        if self.community_id:
            out["komunitas"] = str(self.community_id)
        if self.district_id:
            out["kecamatan"] = str(self.district_id)
        if self.category_id:
            out["kategori"] = str(self.category_id)
        out["status"] = self.status.value if self.status else "semua"
        return out

    @classmethod
    def from_args(cls, args) -> QueueFilter:
        """Parse query-string arguments; unknown or odd values are ignored, never an error."""

        def number(name):
            raw = (args.get(name) or "").strip()
            return int(raw) if raw.isdecimal() and len(raw) < 10 else None

        raw_status = args.get("status") or S.SUBMITTED.value
        status: ListingStatus | None = S.SUBMITTED
        if raw_status == "semua":
            status = None
        else:
            try:
                status = ListingStatus(raw_status)
            except ValueError:
                status = S.SUBMITTED
            if status not in QUEUE_STATUSES:
                status = S.SUBMITTED
        return cls(
            community_id=number("komunitas"),
            district_id=number("kecamatan"),
            category_id=number("kategori"),
            status=status,
            flagged=args.get("tanda") == "ya",
            unclaimed=args.get("klaim") == "bebas",
        )


def flagged_clause() -> sa.ColumnElement[bool]:
    """SQL for "this listing carries a flag": no price, a pre-check finding kept at submit
    (photo, title or text), or a permit number of its business entered and not checked yet
    (the business must be joined)."""
    return sa.or_(
        Listing.price.is_(None),
        sa.select(ListingPrecheck.listing_id)
        .where(ListingPrecheck.listing_id == Listing.id, ListingPrecheck.flagged)
        .exists(),
        # a permit of the business entered and not checked yet (#12: listings.models.Permit)
        sa.select(Permit.id)
        .where(Permit.business_id == Business.id, Permit.checked_at.is_(None))
        .exists(),
    )


def queue_query(
    round_id: int, flt: QueueFilter, *, viewer_id: int | None = None, now: datetime | None = None
) -> sa.Select:
    """Listings of a round for staff, oldest submission first (drafts never included).

    With ``flt.unclaimed``, listings under a live claim (at ``now``) of anyone but
    ``viewer_id`` are left out; without ``now`` the claim filter is ignored."""
    q = (
        sa.select(Listing)
        .join(Business, Listing.business_id == Business.id)
        .where(Listing.round_id == round_id, Listing.status.in_(QUEUE_STATUSES))
    )
    if flt.status is not None:
        q = q.where(Listing.status == flt.status)
    if flt.community_id:
        q = q.where(Listing.community_id == flt.community_id)
    if flt.district_id:
        q = q.where(Business.district_id == flt.district_id)
    if flt.category_id:
        q = q.where(Listing.category_id == flt.category_id)
    if flt.flagged:
        q = q.where(flagged_clause())
    if flt.unclaimed and now is not None:
        q = q.where(Listing.id.not_in(claimed_by_others(viewer_id, now)))
    return q.order_by(Listing.submitted_at.asc().nulls_last(), Listing.id)


def queue_communities(round_id: int) -> list[Community]:
    """Communities with at least one listing (not a draft) in the round, by name."""
    return list(
        db.session.execute(
            sa.select(Community)
            .where(
                Community.id.in_(
                    sa.select(Listing.community_id).where(
                        Listing.round_id == round_id, Listing.status.in_(QUEUE_STATUSES)
                    )
                )
            )
            .order_by(Community.name)
        ).scalars()
    )


def next_in_queue(
    listing: Listing, flt: QueueFilter, *, viewer_id: int, now: datetime
) -> Listing | None:
    """The next submitted listing of the same round after ``listing`` in queue order (the
    filter's community, district and category kept), wrapping to the oldest, skipping those
    a colleague has claimed (live at ``now``); None when nothing is left."""
    base = queue_query(
        listing.round_id, replace(flt.waiting(), unclaimed=True), viewer_id=viewer_id, now=now
    ).where(Listing.id != listing.id)
    base = base.options(lazyload("*"))  # callers read ids: no photos, permits, variants
    if listing.submitted_at is not None:
        after = base.where(
            sa.or_(
                Listing.submitted_at > listing.submitted_at,
                sa.and_(Listing.submitted_at == listing.submitted_at, Listing.id > listing.id),
            )
        )
        found = db.session.execute(after.limit(1)).scalar_one_or_none()
        if found is not None:
            return found
    return db.session.execute(base.limit(1)).scalar_one_or_none()


def prev_in_queue(listing: Listing, flt: QueueFilter) -> Listing | None:
    """The listing just before ``listing`` in queue order (same filter, any status: after
    "save and next" it is the one just decided), or None at the head (no wrapping)."""
    if listing.submitted_at is None:
        return None
    q = (
        queue_query(listing.round_id, replace(flt, status=None))
        .where(
            Listing.id != listing.id,
            sa.or_(
                Listing.submitted_at < listing.submitted_at,
                sa.and_(Listing.submitted_at == listing.submitted_at, Listing.id < listing.id),
            ),
        )
        .order_by(None)
        .order_by(Listing.submitted_at.desc(), Listing.id.desc())
        .options(lazyload("*"))
    )
    return db.session.execute(q.limit(1)).scalar_one_or_none()


def queue_sizes(round_ids: list[int]) -> dict[int, dict[ListingStatus, int]]:
    """For each round id: count of listings by status (drafts excluded)."""
    out: dict[int, dict[ListingStatus, int]] = {rid: {} for rid in round_ids}
    if not round_ids:
        return out
    rows = db.session.execute(
        sa.select(Listing.round_id, Listing.status, sa.func.count(Listing.id))
        .where(Listing.round_id.in_(round_ids), Listing.status.in_(QUEUE_STATUSES))
        .group_by(Listing.round_id, Listing.status)
    )
    for round_id, status, n in rows:
        out[round_id][status] = n
    return out


# --- the review page ---------------------------------------------------------------------------


@dataclass
class Review:
    """Everything the review page shows besides the listing itself."""

    history: list[AuditEvent]
    actors: dict[int, User]
    decisions: list[ModerationDecision]
    reasons: list[ModerationReason]
    next_listing: Listing | None = None
    prev_listing: Listing | None = None
    claim: ListingClaim | None = None  # the live claim on the listing (anyone's)
    waiting: int = 0  # submitted listings of the round within the filter


_UNSET = object()


def review(
    listing: Listing,
    flt: QueueFilter,
    *,
    viewer_id: int,
    now: datetime,
    reasons: list[ModerationReason] | None = None,
    claim=_UNSET,
) -> Review:
    """History (with the actors' accounts), earlier decisions, preset reasons, the live
    claim and the next listing in the queue (colleagues' claims skipped) for the review
    page. ``reasons`` and ``claim`` (the live claim, or None), when the caller has them
    already, save their queries."""
    history = listing_history(listing.id)
    ids = {e.actor_id for e in history if e.actor_id}
    actors = (
        {u.id: u for u in db.session.execute(sa.select(User).where(User.id.in_(ids))).scalars()}
        if ids
        else {}
    )
    pending = queue_query(listing.round_id, flt.waiting())
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(pending.subquery())
    ).scalar_one()
    return Review(
        history=history,
        actors=actors,
        decisions=decisions_for(listing.id),
        reasons=active_reasons() if reasons is None else reasons,
        next_listing=next_in_queue(listing, flt, viewer_id=viewer_id, now=now),
        prev_listing=prev_in_queue(listing, flt),
        claim=live_claims([listing.id], now=now).get(listing.id) if claim is _UNSET else claim,
        waiting=total,
    )


def rounds_for_queue() -> list[Round]:
    """Every round, newest first (for the queue's round switcher)."""
    return list(db.session.execute(sa.select(Round).order_by(Round.opens_at.desc())).scalars())


# --- flags on cards and the review page --------------------------------------------------------


def listing_flags(listing: Listing, findings: list[dict] | None = None) -> list[Flag]:
    """The flags of one listing: no price, contact details in the description and permits
    claimed but unchecked (computed from the listing and its business as they are now), then
    the photo and title pre-checks kept at submit (``findings``, see
    ``prechecks.stored_findings``)."""
    flags = []
    if listing.price is None:
        flags.append(
            Flag("no_price", _("Tanpa harga"), _("Harga tidak diisi (tampil \"hubungi penjual\")."))
        )
    found = text_findings(listing.description)
    if found:
        what = {"phone": _("nomor telepon"), "url": _("tautan"), "transfer": _("ajakan transfer")}
        flags.append(
            Flag(
                "contact_in_text",
                _("Kontak di deskripsi"),
                _(
                    "Deskripsi memuat %(what)s: pembeli harus lewat tombol WhatsApp.",
                    what=", ".join(what[f] for f in found),
                ),
            )
        )
    unchecked = unchecked_permits(listing.business)
    if unchecked:
        flags.append(
            Flag(
                "permit_unchecked",
                _("Izin belum diperiksa: %(permits)s", permits=", ".join(unchecked)),
                _(
                    "Nomor %(permits)s diisi tetapi belum diperiksa staf.",
                    permits=", ".join(unchecked),
                ),
            )
        )
    return flags + finding_flags(findings or [])
