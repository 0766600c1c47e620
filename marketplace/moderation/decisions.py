"""Deciding on the version of a listing a moderator saw (one at a time or in bulk), and the
text the community gets for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..errors import FormErrors, InvalidInput, InvalidTransition, NotAllowed, StaleVersion
from ..extensions import db
from ..formatting import wib
from ..inputs import clean_text
from ..listings.models import ACTIONS, Listing
from ..listings.state import status_label, transition
from ..notifications import (
    Notification,
    approval_text,
    mail_configured,
    notify,
    send_email,
)
from .changes import snapshot
from .claims import end_claims
from .models import DecisionAction, ModerationDecision
from .reasons import resolve_reason

NOTE_MAX = 2000


@dataclass
class Decided:
    """A decision and the notification it sent the community. ``message`` is the
    notification's text as a plain string, for the e-mail after the commit
    (``email_decisions``) without loading the notification again."""

    decision: ModerationDecision
    notification: Notification
    message: str


def decide(
    listing: Listing,
    action: str | DecisionAction,
    *,
    moderator: User,
    seen_version: int,
    reason_id: int | None = None,
    reason_text: str | None = None,
    note: str | None = None,
    now: datetime,
) -> Decided:
    """Decide on the version of ``listing`` the moderator saw.

    ``action`` is approve, request_changes, reject (from submitted) or take_down (from
    approved). request_changes, reject and take_down need a preset ``reason_id`` or a
    ``reason_text``; both may be given. ``note`` is a free note for the community.

    Writes one ``ModerationDecision`` (unique per listing version), moves the listing
    through ``listings.state.transition`` (which audits) and notifies the community; returns
    both (``Decided``). Flushes, never commits.

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
        sa.update(table)
        .where(table.c.id == listing.id, table.c.version == seen_version)
        .values(version=table.c.version)
    ).rowcount
    if claimed != 1:
        raise StaleVersion(_stale_message(listing, seen_version, moderator))
    declared = ACTIONS[action.value]
    if listing.status not in declared.froms:
        raise InvalidTransition(
            _(
                "Produk ini berstatus \"%(status)s\"; keputusan ini tidak berlaku.",
                status=status_label(listing.status),
            )
        )
    preset, reason = resolve_reason(action, reason_id, reason_text)
    try:
        note = clean_text(note, max_length=NOTE_MAX, field=_("Catatan"), multiline=True) or None
    except InvalidInput as exc:
        raise FormErrors({"note": exc.message}) from None

    decision = ModerationDecision(
        listing_id=listing.id,
        listing_version=seen_version,
        moderator_id=moderator.id,
        action=action,
        from_status=listing.status.value,
        to_status=declared.to.value,
        reason_id=preset.id if preset else None,
        reason=reason,
        note=note,
        created_at=now,
    )
    try:
        with db.session.begin_nested():  # a savepoint: a bulk approve keeps its other decisions
            db.session.add(decision)
            db.session.flush([decision])
    except sa.exc.IntegrityError:
        raise StaleVersion(_("Produk ini sudah diputuskan oleh moderator lain.")) from None
    details = {
        "decision_id": decision.id,
        "decided_version": seen_version,
        "seen": snapshot(listing),  # what the moderator saw: the next review's diff
    }
    if preset is not None:
        details.update(reason_code=preset.code, explanation=preset.explanation)
    transition(
        listing, action.value, actor=moderator, now=now, reason=reason, note=note, details=details
    )
    end_claims([listing.id])  # a decision ends the review, whoever had it open
    message = decision_message(
        listing,
        action,
        reason=reason,
        note=note,
        explanation=preset.explanation if preset else None,
        now=now,
    )
    notification = notify(
        listing.community_id, message, kind=declared.code, listing_id=listing.id, at=now
    )
    return Decided(decision, notification, message)


def decision_message(
    listing: Listing,
    action: DecisionAction,
    *,
    reason: str | None,
    note: str | None,
    explanation: str | None,
    now: datetime,
) -> str:
    """The text a community gets for a decision: in the portal, by e-mail and on WhatsApp.

    Always Indonesian (it is stored and sent to the community), whatever language the
    moderator reads the staff pages in."""
    with force_locale("id"):
        return _decision_text(
            listing, action, reason=reason, note=note, explanation=explanation, now=now
        )


def _decision_text(
    listing: Listing,
    action: DecisionAction,
    *,
    reason: str | None,
    note: str | None,
    explanation: str | None,
    now: datetime,
) -> str:
    rnd = listing.round
    if action == DecisionAction.APPROVE:
        text = approval_text(listing.title, rnd.title, rnd.publishes_at, now)
    elif action == DecisionAction.REQUEST_CHANGES:
        text = _(
            "Produk \"%(title)s\" perlu perbaikan: %(reason)s.", title=listing.title, reason=reason
        )
    elif action == DecisionAction.REJECT:
        text = _(
            "Produk \"%(title)s\" ditolak untuk %(round)s: %(reason)s.",
            title=listing.title,
            round=rnd.title,
            reason=reason,
        )
    else:
        text = _(
            "Produk \"%(title)s\" diturunkan dari katalog: %(reason)s.",
            title=listing.title,
            reason=reason,
        )
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
    recipients = [
        u.email
        for u in db.session.execute(
            sa.select(User)
            .where(User.community_id == listing.community_id, User.active.is_(True))
            .order_by(User.id)
        ).scalars()
    ]
    with force_locale("id"):  # like the message: the community's language
        subject = _("Hasil moderasi: %(title)s", title=listing.title)
    return recipients, subject, message


def _stale_message(listing: Listing, seen_version: int, moderator: User) -> str:
    earlier = db.session.execute(
        sa.select(ModerationDecision).where(
            ModerationDecision.listing_id == listing.id,
            ModerationDecision.listing_version == seen_version,
        )
    ).scalar_one_or_none()
    if earlier is None:
        return _("Produk ini sudah berubah sejak Anda membukanya. Periksa lagi versi terbaru.")
    if earlier.moderator_id == moderator.id:
        return _("Produk ini sudah Anda putuskan.")
    return _("Produk ini sudah diputuskan oleh moderator lain.")


def decisions_for(listing_id: int) -> list[ModerationDecision]:
    """Every decision on a listing, oldest first."""
    return list(
        db.session.execute(
            sa.select(ModerationDecision)
            .where(ModerationDecision.listing_id == listing_id)
            .options(selectinload(ModerationDecision.moderator))
            .order_by(ModerationDecision.id)
        ).scalars()
    )


# --- bulk approve ------------------------------------------------------------------------------


@dataclass
class BulkResult:
    approved: list[Listing]
    refused: list[tuple[Listing, str]]  # (listing, the message saying why)
    # (listing, its notification's text) for each approved one: e-mail after the commit
    notified: list[tuple[Listing, str]] = field(default_factory=list)


def bulk_selection(round_id: int, picked: dict[int, int]) -> list[tuple[Listing, int]]:
    """The picked listings of the round as (listing, version the moderator saw), queue order.
    Ids of other rounds or unknown ids are dropped."""
    if not picked:
        return []
    rows = db.session.execute(
        sa.select(Listing)
        .where(Listing.id.in_(list(picked)[:500]), Listing.round_id == round_id)
        .order_by(Listing.submitted_at.asc().nulls_last(), Listing.id)
    ).scalars()
    return [(listing, picked[listing.id]) for listing in rows]


def bulk_approve(
    selection: list[tuple[Listing, int]], *, moderator: User, now: datetime
) -> BulkResult:
    """Approve each listing at the version the moderator saw, one savepoint each: a listing
    that changed, was decided meanwhile or is not waiting is reported, the rest approved.
    Flushes, never commits."""
    result = BulkResult([], [])
    for listing, version in selection:
        try:
            with db.session.begin_nested():
                decided = decide(
                    listing,
                    DecisionAction.APPROVE,
                    moderator=moderator,
                    seen_version=version,
                    now=now,
                )
        except (StaleVersion, InvalidTransition) as exc:
            db.session.refresh(listing)
            result.refused.append((listing, exc.message))
        else:
            result.approved.append(listing)
            result.notified.append((listing, decided.message))
    return result


def email_decisions(notified: list[tuple[Listing, str]]) -> int:
    """After the commit: e-mail each (listing, notification text) to the members of the
    listing's community (when SMTP is configured). Returns how many e-mails went out."""
    if not mail_configured():  # no SMTP: not even the recipients' query
        return 0
    return sum(send_email(*decision_email(listing, message)) for listing, message in notified)
