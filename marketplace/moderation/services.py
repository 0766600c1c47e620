"""Staff work: the moderation queue, decisions on a listing version, take-downs, community
verification and the staff dashboard figures.

Every function takes ``now`` (aware UTC) and the acting staff ``User`` where it changes
something; none commits. State changes go through ``listings.services.transition`` and
``auth.services.change_community_status``, which write the audit entries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask_babel import force_locale, gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import AuditEvent
from ..auth.models import Community, CommunityStatus, User
from ..auth.services import change_community_status
from ..errors import FormErrors, InvalidInput, InvalidTransition, NotAllowed, StaleVersion
from ..db import get_by_id
from ..extensions import db
from ..formatting import wib
from ..inputs import clean_text
from ..listings.models import Business, Listing, ListingStatus
from ..listings.services import (TRANSITIONS, community_businesses, listing_history, status_label,
                                 transition)
from ..rounds.models import Round
from ..slugs import slugify
from ..notifications import notify
from .models import DecisionAction, ModerationDecision, ModerationReason

S = ListingStatus

REASON_MAX = 200
NOTE_MAX = 2000
# Decisions that must carry a reason (a preset or typed text).
REASON_REQUIRED = frozenset({DecisionAction.REQUEST_CHANGES, DecisionAction.REJECT,
                             DecisionAction.TAKE_DOWN})
# Statuses staff can filter the queue by; drafts never reach staff.
QUEUE_STATUSES = (S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED, S.WITHDRAWN, S.REMOVED)


# --- reasons -------------------------------------------------------------------------------

def active_reasons() -> list[ModerationReason]:
    """Preset reasons staff may pick, in their display order."""
    return list(db.session.execute(
        sa.select(ModerationReason).where(ModerationReason.is_active.is_(True))
        .order_by(ModerationReason.sort_order, ModerationReason.id)).scalars())


def _resolve_reason(action: DecisionAction, reason_id: int | None,
                    reason_text: str | None) -> tuple[ModerationReason | None, str | None]:
    """(preset, the reason text written to the decision and the audit trail).

    Raises FormErrors keyed by form field when the reason is missing, unknown or too long.
    """
    preset = None
    if reason_id:
        preset = get_by_id(ModerationReason, reason_id)
        if preset is None or not preset.is_active:
            raise FormErrors({"reason_id": _("Pilih alasan dari daftar.")})
    try:
        text = clean_text(reason_text, max_length=REASON_MAX, field=_("Alasan"))
    except InvalidInput as exc:
        raise FormErrors({"reason_text": exc.message}) from None
    if action in REASON_REQUIRED and preset is None and not text:
        raise FormErrors({"reason_id": _("Pilih alasan atau tuliskan alasannya.")})
    if preset is not None and text:
        reason = f"{preset.label}: {text}"[:REASON_MAX]
    else:
        reason = (preset.label if preset else text) or None
    return preset, reason


# --- decisions -----------------------------------------------------------------------------

def decide(listing: Listing, action: str | DecisionAction, *, moderator: User, seen_version: int,
           reason_id: int | None = None, reason_text: str | None = None, note: str | None = None,
           now: datetime) -> ModerationDecision:
    """Decide on the version of ``listing`` the moderator saw.

    ``action`` is approve, request_changes, reject (from submitted) or take_down (from
    approved). request_changes, reject and take_down need a preset ``reason_id`` or a
    ``reason_text``; both may be given. ``note`` is a free note for the community.

    Writes one ``ModerationDecision`` (unique per listing version) and moves the listing
    through ``listings.services.transition`` (which audits). Flushes, never commits.

    Raises StaleVersion when the listing changed or was decided since the moderator opened
    it (also when a concurrent decision wins the unique constraint; the session is rolled
    back then), FormErrors for a missing or bad reason/note, InvalidTransition when the
    action does not apply to the listing's status, NotAllowed for a non-staff user.
    Decisions after the round's ``closes_at`` are allowed.
    """
    if moderator is None or not moderator.is_staff:
        raise NotAllowed()
    try:
        action = DecisionAction(action)
    except ValueError:
        raise InvalidTransition() from None
    if listing.version != seen_version:
        raise StaleVersion(_stale_message(listing, seen_version, moderator))
    # Compare-and-set on the version with a no-op write: it takes the row's write lock (the
    # database's on SQLite, the row's on PostgreSQL) so a concurrent decision or edit waits for
    # this transaction, then finds the version moved on and is refused.
    table = Listing.__table__
    claimed = db.session.execute(
        sa.update(table).where(table.c.id == listing.id, table.c.version == seen_version)
        .values(version=table.c.version)).rowcount
    if claimed != 1:
        raise StaleVersion(_stale_message(listing, seen_version, moderator))
    froms, to, _who = TRANSITIONS[action.value]
    if listing.status not in froms:
        raise InvalidTransition(_("Produk ini berstatus \"%(status)s\"; keputusan ini tidak berlaku.",
                                  status=status_label(listing.status)))
    preset, reason = _resolve_reason(action, reason_id, reason_text)
    try:
        note = clean_text(note, max_length=NOTE_MAX, field=_("Catatan"), multiline=True) or None
    except InvalidInput as exc:
        raise FormErrors({"note": exc.message}) from None

    decision = ModerationDecision(
        listing_id=listing.id, listing_version=seen_version, moderator_id=moderator.id,
        action=action, from_status=listing.status.value, to_status=to.value,
        reason_id=preset.id if preset else None, reason=reason, note=note, created_at=now)
    try:
        with db.session.begin_nested():  # a savepoint: a bulk approve keeps its other decisions
            db.session.add(decision)
            db.session.flush([decision])
    except sa.exc.IntegrityError:
        raise StaleVersion(_("Produk ini sudah diputuskan oleh moderator lain.")) from None
    details = {"decision_id": decision.id, "decided_version": seen_version}
    if preset is not None:
        details.update(reason_code=preset.code, explanation=preset.explanation)
    transition(listing, action.value, actor=moderator, now=now, reason=reason, note=note,
               details=details)
    notify(listing.community_id, decision_message(listing, action, reason=reason, note=note,
                                                  explanation=preset.explanation if preset else None,
                                                  now=now),
           kind=f"listing.{action.value}", listing_id=listing.id, at=now)
    return decision


def decision_message(listing: Listing, action: DecisionAction, *, reason: str | None,
                     note: str | None, explanation: str | None, now: datetime) -> str:
    """The text a community gets for a decision: in the portal, by e-mail and on WhatsApp.

    Always Indonesian (it is stored and sent to the community), whatever language the
    moderator reads the staff pages in."""
    with force_locale("id"):
        return _decision_text(listing, action, reason=reason, note=note, explanation=explanation,
                              now=now)


def _decision_text(listing: Listing, action: DecisionAction, *, reason: str | None,
                   note: str | None, explanation: str | None, now: datetime) -> str:
    rnd = listing.round
    if action == DecisionAction.APPROVE:
        if rnd.is_published(now):
            text = _("Produk \"%(title)s\" disetujui dan sudah tampil di katalog.", title=listing.title)
        else:
            text = _("Produk \"%(title)s\" disetujui untuk %(round)s dan tampil di katalog mulai %(at)s.",
                     title=listing.title, round=rnd.title, at=wib(rnd.publishes_at))
    elif action == DecisionAction.REQUEST_CHANGES:
        text = _("Produk \"%(title)s\" perlu perbaikan: %(reason)s.", title=listing.title, reason=reason)
    elif action == DecisionAction.REJECT:
        text = _("Produk \"%(title)s\" ditolak untuk %(round)s: %(reason)s.", title=listing.title,
                 round=rnd.title, reason=reason)
    else:
        text = _("Produk \"%(title)s\" diturunkan dari katalog: %(reason)s.", title=listing.title,
                 reason=reason)
    parts = [text]
    if explanation:
        parts.append(explanation)
    if note:
        parts.append(_("Catatan moderator: %(note)s", note=note))
    if action == DecisionAction.REQUEST_CHANGES:
        parts.append(_("Perbaiki lalu ajukan ulang sebelum %(at)s.", at=wib(rnd.publishes_at)))
    return "\n".join(parts)


def decision_email(listing: Listing, message: str) -> tuple[list[str], str, str]:
    """(recipients: the community's active members, subject, body) for a decision."""
    recipients = [u.email for u in db.session.execute(
        sa.select(User).where(User.community_id == listing.community_id, User.active.is_(True))
        .order_by(User.id)).scalars()]
    with force_locale("id"):  # like the message: the community's language
        subject = _("Hasil moderasi: %(title)s", title=listing.title)
    return recipients, subject, message


def _stale_message(listing: Listing, seen_version: int, moderator: User) -> str:
    earlier = db.session.execute(
        sa.select(ModerationDecision).where(ModerationDecision.listing_id == listing.id,
                                            ModerationDecision.listing_version == seen_version)
    ).scalar_one_or_none()
    if earlier is None:
        return _("Produk ini sudah berubah sejak Anda membukanya. Periksa lagi versi terbaru.")
    if earlier.moderator_id == moderator.id:
        return _("Produk ini sudah Anda putuskan.")
    return _("Produk ini sudah diputuskan oleh moderator lain.")


def decisions_for(listing_id: int) -> list[ModerationDecision]:
    """Every decision on a listing, oldest first."""
    return list(db.session.execute(
        sa.select(ModerationDecision).where(ModerationDecision.listing_id == listing_id)
        .options(selectinload(ModerationDecision.moderator))
        .order_by(ModerationDecision.id)).scalars())


# --- the queue -------------------------------------------------------------------------------

@dataclass
class QueueFilter:
    """What the queue is narrowed to. ``status`` None means every status staff may see."""

    community_id: int | None = None
    district_id: int | None = None
    category_id: int | None = None
    status: ListingStatus | None = S.SUBMITTED

    def args(self) -> dict[str, str]:
        """As query-string arguments (for links that keep the filter)."""
        out = {}
        if self.community_id:
            out["komunitas"] = str(self.community_id)
        if self.district_id:
            out["kecamatan"] = str(self.district_id)
        if self.category_id:
            out["kategori"] = str(self.category_id)
        out["status"] = self.status.value if self.status else "semua"
        return out

    @classmethod
    def from_args(cls, args) -> "QueueFilter":
        """Parse query-string arguments; unknown or odd values are ignored, never an error."""
        def number(name):
            raw = (args.get(name) or "").strip()
            return int(raw) if raw.isdigit() and len(raw) < 10 else None

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
        return cls(community_id=number("komunitas"), district_id=number("kecamatan"),
                   category_id=number("kategori"), status=status)


def queue_query(round_id: int, flt: QueueFilter) -> sa.Select:
    """Listings of a round for staff, oldest submission first (drafts never included)."""
    q = (sa.select(Listing).join(Business, Listing.business_id == Business.id)
         .where(Listing.round_id == round_id, Listing.status.in_(QUEUE_STATUSES)))
    if flt.status is not None:
        q = q.where(Listing.status == flt.status)
    if flt.community_id:
        q = q.where(Listing.community_id == flt.community_id)
    if flt.district_id:
        q = q.where(Business.district_id == flt.district_id)
    if flt.category_id:
        q = q.where(Listing.category_id == flt.category_id)
    return q.order_by(Listing.submitted_at.asc().nulls_last(), Listing.id)


def queue_communities(round_id: int) -> list[Community]:
    """Communities with at least one listing (not a draft) in the round, by name."""
    return list(db.session.execute(
        sa.select(Community).where(Community.id.in_(
            sa.select(Listing.community_id).where(Listing.round_id == round_id,
                                                  Listing.status.in_(QUEUE_STATUSES))))
        .order_by(Community.name)).scalars())


def next_in_queue(listing: Listing, flt: QueueFilter) -> Listing | None:
    """The next submitted listing of the same round after ``listing`` in queue order (the
    filter's community, district and category kept), wrapping to the oldest; None when the
    queue is empty."""
    flt = QueueFilter(flt.community_id, flt.district_id, flt.category_id, S.SUBMITTED)
    base = queue_query(listing.round_id, flt).where(Listing.id != listing.id)
    if listing.submitted_at is not None:
        after = base.where(sa.or_(
            Listing.submitted_at > listing.submitted_at,
            sa.and_(Listing.submitted_at == listing.submitted_at, Listing.id > listing.id)))
        found = db.session.execute(after.limit(1)).scalar_one_or_none()
        if found is not None:
            return found
    return db.session.execute(base.limit(1)).scalar_one_or_none()


def queue_sizes(round_ids: list[int]) -> dict[int, dict[ListingStatus, int]]:
    """For each round id: count of listings by status (drafts excluded)."""
    out: dict[int, dict[ListingStatus, int]] = {rid: {} for rid in round_ids}
    if not round_ids:
        return out
    rows = db.session.execute(
        sa.select(Listing.round_id, Listing.status, sa.func.count(Listing.id))
        .where(Listing.round_id.in_(round_ids), Listing.status.in_(QUEUE_STATUSES))
        .group_by(Listing.round_id, Listing.status))
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
    waiting: int = 0  # submitted listings of the round within the filter


def review(listing: Listing, flt: QueueFilter) -> Review:
    """History (with the actors' accounts), earlier decisions, preset reasons and the next
    listing in the queue for the review page."""
    history = listing_history(listing.id)
    ids = {e.actor_id for e in history if e.actor_id}
    actors = {u.id: u for u in db.session.execute(
        sa.select(User).where(User.id.in_(ids))).scalars()} if ids else {}
    pending = queue_query(listing.round_id, QueueFilter(flt.community_id, flt.district_id,
                                                        flt.category_id, S.SUBMITTED))
    total = db.session.execute(sa.select(sa.func.count()).select_from(pending.subquery())).scalar_one()
    return Review(history=history, actors=actors, decisions=decisions_for(listing.id),
                  reasons=active_reasons(), next_listing=next_in_queue(listing, flt),
                  waiting=total)


# --- rounds for staff ---------------------------------------------------------------------------

@dataclass
class RoundSummary:
    round: Round
    phase: str
    counts: dict[ListingStatus, int]

    @property
    def waiting(self) -> int:
        return self.counts.get(S.SUBMITTED, 0)

    @property
    def approved(self) -> int:
        return self.counts.get(S.APPROVED, 0)


@dataclass
class Dashboard:
    pending_communities: int
    open_round: RoundSummary | None
    in_review: list[RoundSummary]
    other_waiting: list[RoundSummary]
    next_round: Round | None


def dashboard(now: datetime) -> Dashboard:
    """Figures for the staff home: pending communities, the open round, rounds in review
    (closed, not yet published) and any other round still holding submitted listings."""
    from ..rounds.services import next_round, open_round
    pending = db.session.execute(
        sa.select(sa.func.count(Community.id)).where(Community.status == CommunityStatus.PENDING)
    ).scalar_one()
    current = open_round(now)
    reviewing = list(db.session.execute(
        sa.select(Round).where(Round.closes_at <= now, Round.publishes_at > now)
        .order_by(Round.closes_at)).scalars())
    late_ids = [rid for (rid,) in db.session.execute(
        sa.select(Listing.round_id).join(Round, Listing.round_id == Round.id)
        .where(Listing.status == S.SUBMITTED, Round.publishes_at <= now).distinct())]
    late = list(db.session.execute(
        sa.select(Round).where(Round.id.in_(late_ids)).order_by(Round.publishes_at))
        .scalars()) if late_ids else []
    rounds = ([current] if current else []) + reviewing + late
    sizes = queue_sizes([r.id for r in rounds])

    def summary(r: Round) -> RoundSummary:
        return RoundSummary(round=r, phase=r.phase(now).value, counts=sizes[r.id])

    return Dashboard(pending_communities=pending,
                     open_round=summary(current) if current else None,
                     in_review=[summary(r) for r in reviewing],
                     other_waiting=[summary(r) for r in late],
                     next_round=next_round(now))


def rounds_for_queue() -> list[Round]:
    """Every round, newest first (for the queue's round switcher)."""
    return list(db.session.execute(sa.select(Round).order_by(Round.opens_at.desc())).scalars())


# --- communities ---------------------------------------------------------------------------------

COMMUNITY_STATUS_LABELS = {
    CommunityStatus.PENDING: _l("Menunggu verifikasi"),
    CommunityStatus.VERIFIED: _l("Terverifikasi"),
    CommunityStatus.SUSPENDED: _l("Ditangguhkan"),
}


def community_status_label(status: CommunityStatus) -> str:
    return str(COMMUNITY_STATUS_LABELS[status])


@dataclass
class CommunityRow:
    community: Community
    members: int
    businesses: int


def communities(status: CommunityStatus | None = None) -> list[CommunityRow]:
    """Communities with member and business counts; pending first, then oldest sign-up."""
    members = (sa.select(sa.func.count(User.id)).where(User.community_id == Community.id)
               .correlate(Community).scalar_subquery())
    businesses = (sa.select(sa.func.count(Business.id)).where(Business.community_id == Community.id)
                  .correlate(Community).scalar_subquery())
    order = sa.case((Community.status == CommunityStatus.PENDING, 0),
                    (Community.status == CommunityStatus.VERIFIED, 1), else_=2)
    q = sa.select(Community, members, businesses).order_by(order, Community.created_at, Community.id)
    if status is not None:
        q = q.where(Community.status == status)
    return [CommunityRow(c, m, b) for c, m, b in db.session.execute(q)]


@dataclass
class CommunityDetail:
    members: list[User]
    businesses: list[Business]
    history: list[AuditEvent]
    actors: dict[int, User]


def community_detail(community: Community) -> CommunityDetail:
    """Members, businesses and the community's own audit trail (sign-up, verification…)."""
    history = list(db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.object_type == "community",
                                    AuditEvent.object_id == community.id)
        .order_by(AuditEvent.id)).scalars())
    ids = {e.actor_id for e in history if e.actor_id}
    actors = {u.id: u for u in db.session.execute(
        sa.select(User).where(User.id.in_(ids))).scalars()} if ids else {}
    members = list(db.session.execute(
        sa.select(User).where(User.community_id == community.id).order_by(User.id)).scalars())
    return CommunityDetail(members=members, businesses=community_businesses(community.id),
                           history=history, actors=actors)


def verify_community(community: Community, *, actor: User, now: datetime,
                     note: str | None = None) -> Community:
    """pending/suspended → verified (audited). Raises InvalidTransition, NotAllowed."""
    try:
        note = clean_text(note, max_length=REASON_MAX, field=_("Catatan")) or None
    except InvalidInput as exc:
        raise FormErrors({"reason": exc.message}) from None
    return change_community_status(community, "verify", actor=actor, now=now, reason=note)


def suspend_community(community: Community, *, actor: User, now: datetime,
                      reason: str | None) -> Community:
    """pending/verified → suspended with a required reason (audited).

    Raises FormErrors when the reason is missing or too long, InvalidTransition, NotAllowed.
    """
    try:
        reason = clean_text(reason, max_length=REASON_MAX, field=_("Alasan"), required=True)
    except InvalidInput as exc:
        raise FormErrors({"reason": exc.message}) from None
    return change_community_status(community, "suspend", actor=actor, now=now, reason=reason)


# --- bulk approve ------------------------------------------------------------------------------

@dataclass
class BulkResult:
    approved: list[Listing]
    refused: list[tuple[Listing, str]]  # (listing, the message saying why)


def bulk_selection(round_id: int, picked: dict[int, int]) -> list[tuple[Listing, int]]:
    """The picked listings of the round as (listing, version the moderator saw), queue order.
    Ids of other rounds or unknown ids are dropped."""
    if not picked:
        return []
    rows = db.session.execute(
        sa.select(Listing).where(Listing.id.in_(list(picked)[:500]), Listing.round_id == round_id)
        .order_by(Listing.submitted_at.asc().nulls_last(), Listing.id)).scalars()
    return [(listing, picked[listing.id]) for listing in rows]


def bulk_approve(selection: list[tuple[Listing, int]], *, moderator: User, now: datetime) -> BulkResult:
    """Approve each listing at the version the moderator saw, one savepoint each: a listing
    that changed, was decided meanwhile or is not waiting is reported, the rest approved.
    Flushes, never commits."""
    result = BulkResult([], [])
    for listing, version in selection:
        try:
            with db.session.begin_nested():
                decide(listing, DecisionAction.APPROVE, moderator=moderator, seen_version=version, now=now)
        except (StaleVersion, InvalidTransition) as exc:
            db.session.refresh(listing)
            result.refused.append((listing, exc.message))
        else:
            result.approved.append(listing)
    return result


# --- permits (NIB, P-IRT, halal) -----------------------------------------------------------------

PERMITS = (("nib", "nib_checked", "NIB"), ("pirt_number", "pirt_checked", "P-IRT"),
           ("halal_number", "halal_checked", "Halal"))


def unchecked_permits(business: Business) -> list[str]:
    """Labels of the permit numbers the business entered that no moderator checked yet."""
    return [label for number, checked, label in PERMITS
            if getattr(business, number) and not getattr(business, checked)]


def set_permits_checked(business: Business, checked: dict[str, bool], *, actor: User,
                        now: datetime) -> Business:
    """Mark each entered permit number checked or not (``checked`` maps ``nib_checked``…
    to a bool). A permit without a number cannot be checked. Audited when anything
    changed; the public sees a badge only for checked ones. Flushes, never commits."""
    if actor is None or not actor.is_staff:
        raise NotAllowed()
    changes = {}
    for number, field, label in PERMITS:
        want = bool(checked.get(field)) and bool(getattr(business, number))
        if getattr(business, field) != want:
            changes[field] = want
            setattr(business, field, want)
    if changes:
        db.session.flush()
        from .. import audit
        audit.record("business.permits", actor=actor, object_type="business", object_id=business.id,
                     community_id=business.community_id, at=now, details=changes)
    return business


# --- the audit log -------------------------------------------------------------------------------

@dataclass
class AuditFilter:
    """What the audit page is narrowed to; dates are WIB calendar days (inclusive)."""

    actor: str = ""          # an e-mail or part of a name; "sistem" for no actor
    community_id: int | None = None
    listing_id: int | None = None
    action: str = ""
    date_from: str = ""      # YYYY-MM-DD (WIB)
    date_to: str = ""

    @classmethod
    def from_args(cls, args) -> "AuditFilter":
        def number(name):
            raw = (args.get(name) or "").strip().lstrip("#")
            return int(raw) if raw.isdigit() and len(raw) < 10 else None

        def day(name):
            raw = (args.get(name) or "").strip()
            try:
                datetime.strptime(raw, "%Y-%m-%d")
            except ValueError:
                return ""
            return raw

        return cls(actor=(args.get("pelaku") or "").strip()[:120], community_id=number("komunitas"),
                   listing_id=number("produk"), action=(args.get("tindakan") or "").strip()[:60],
                   date_from=day("dari"), date_to=day("sampai"))

    def args(self) -> dict[str, str]:
        out = {"pelaku": self.actor, "komunitas": self.community_id or "", "produk": self.listing_id or "",
               "tindakan": self.action, "dari": self.date_from, "sampai": self.date_to}
        return {k: str(v) for k, v in out.items() if v}


def audit_query(flt: AuditFilter) -> sa.Select:
    """Audit events matching the filter, newest first."""
    from ..clock import from_wib
    q = sa.select(AuditEvent)
    if flt.actor:
        if flt.actor.lower() == "sistem":
            q = q.where(AuditEvent.actor_id.is_(None))
        else:
            pattern = "%" + flt.actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            q = q.where(AuditEvent.actor_id.in_(sa.select(User.id).where(sa.or_(
                User.email.ilike(pattern, escape="\\"), User.name.ilike(pattern, escape="\\")))))
    if flt.community_id:
        q = q.where(AuditEvent.community_id == flt.community_id)
    if flt.listing_id:
        q = q.where(AuditEvent.object_type == "listing", AuditEvent.object_id == flt.listing_id)
    if flt.action:
        q = q.where(AuditEvent.action == flt.action)
    if flt.date_from:
        q = q.where(AuditEvent.created_at >= from_wib(datetime.strptime(flt.date_from, "%Y-%m-%d")))
    if flt.date_to:
        end = datetime.strptime(flt.date_to, "%Y-%m-%d") + timedelta(days=1)
        q = q.where(AuditEvent.created_at < from_wib(end))
    return q.order_by(AuditEvent.id.desc())


def audit_actions() -> list[str]:
    """Every action name that occurs in the audit trail (for the filter menu)."""
    return list(db.session.execute(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())


def users_by_id(ids) -> dict[int, User]:
    ids = {i for i in ids if i}
    return {u.id: u for u in db.session.execute(sa.select(User).where(User.id.in_(ids))).scalars()} if ids else {}


def communities_by_id(ids) -> dict[int, Community]:
    ids = {i for i in ids if i}
    return ({c.id: c for c in db.session.execute(sa.select(Community).where(Community.id.in_(ids))).scalars()}
            if ids else {})


AUDIT_CSV_HEADER = ["id", "waktu_wib", "waktu_utc", "pelaku_id", "pelaku", "tindakan", "objek", "objek_id",
                    "komunitas_id", "komunitas", "dari", "ke", "alasan", "catatan", "rincian"]


def audit_csv_rows(flt: AuditFilter, batch: int = 1000):
    """The filtered events as CSV rows (header first), fetched in batches so a long trail
    streams without loading it whole. Cells that a spreadsheet would run as a formula are
    prefixed with an apostrophe."""
    import json
    from ..clock import to_wib
    yield AUDIT_CSV_HEADER
    last_id = None
    while True:
        q = audit_query(flt)
        if last_id is not None:
            q = q.where(AuditEvent.id < last_id)
        events = list(db.session.execute(q.limit(batch)).scalars())
        if not events:
            return
        actors = users_by_id(e.actor_id for e in events)
        comms = communities_by_id(e.community_id for e in events)
        for e in events:
            actor = actors.get(e.actor_id)
            comm = comms.get(e.community_id)
            yield [_cell(v) for v in (
                e.id, to_wib(e.created_at).strftime("%Y-%m-%d %H:%M:%S"), e.created_at.isoformat(),
                e.actor_id or "", actor.email if actor else "", e.action, e.object_type, e.object_id or "",
                e.community_id or "", comm.name if comm else "", e.from_state or "", e.to_state or "",
                e.reason or "", e.note or "",
                json.dumps(e.details, ensure_ascii=False, sort_keys=True) if e.details else "")]
        last_id = events[-1].id
        db.session.expunge_all()


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- preset reasons (admins) ----------------------------------------------------------------------

def all_reasons() -> list[ModerationReason]:
    """Every preset reason, active ones first, in display order."""
    return list(db.session.execute(
        sa.select(ModerationReason).order_by(ModerationReason.is_active.desc(), ModerationReason.sort_order,
                                             ModerationReason.id)).scalars())


def save_reason(reason: ModerationReason | None, *, label: str, explanation: str, sort_order: int,
                is_active: bool, actor: User, now: datetime) -> ModerationReason:
    """Add (``reason`` None) or change a preset reason: a short label (≤ 80) and the longer
    explanation sent to the community (≤ 1,000). Admins only; audited. Raises FormErrors."""
    if actor is None or not actor.is_admin:
        raise NotAllowed()
    errors = {}
    try:
        label = clean_text(label, max_length=80, field=_("Label"), required=True)
    except InvalidInput as exc:
        errors["label"] = exc.message
    try:
        explanation = clean_text(explanation, max_length=1000, field=_("Penjelasan"), multiline=True,
                                 required=True)
    except InvalidInput as exc:
        errors["explanation"] = exc.message
    if errors:
        raise FormErrors(errors)
    from .. import audit
    before = None if reason is None else {"label": reason.label, "explanation": reason.explanation,
                                          "sort_order": reason.sort_order, "is_active": reason.is_active}
    if reason is None:
        base = slugify(label, max_length=30, fallback="alasan")
        code, n = base, 1
        while db.session.execute(sa.select(ModerationReason.id).where(ModerationReason.code == code)).first():
            n += 1
            code = f"{base}-{n}"
        reason = ModerationReason(code=code)
        db.session.add(reason)
    reason.label, reason.explanation = label, explanation
    reason.sort_order, reason.is_active = max(0, min(int(sort_order or 0), 9999)), bool(is_active)
    db.session.flush()
    audit.record("reason.create" if before is None else "reason.update", actor=actor,
                 object_type="moderation_reason", object_id=reason.id, at=now,
                 details={"before": before, "after": {"label": reason.label, "explanation": reason.explanation,
                                                      "sort_order": reason.sort_order,
                                                      "is_active": reason.is_active}})
    return reason
