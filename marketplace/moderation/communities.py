"""Communities for staff: the list with counts, one community's detail and trail, and
verification and suspension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import AuditEvent
from ..auth.models import Community, CommunityStatus, User
from ..auth.services import change_community_status
from ..errors import FormErrors, InvalidInput
from ..extensions import db
from ..inputs import clean_text
from ..listings.models import Business
from ..listings.queries import community_businesses
from .notices import Notice, status_notice
from .reasons import REASON_MAX

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
    members = (
        sa.select(sa.func.count(User.id))
        .where(User.community_id == Community.id)
        .correlate(Community)
        .scalar_subquery()
    )
    businesses = (
        sa.select(sa.func.count(Business.id))
        .where(Business.community_id == Community.id)
        .correlate(Community)
        .scalar_subquery()
    )
    order = sa.case(
        (Community.status == CommunityStatus.PENDING, 0),
        (Community.status == CommunityStatus.VERIFIED, 1),
        else_=2,
    )
    q = sa.select(Community, members, businesses).order_by(
        order, Community.created_at, Community.id
    )
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
    history = list(
        db.session.execute(
            sa.select(AuditEvent)
            .where(AuditEvent.object_type == "community", AuditEvent.object_id == community.id)
            .order_by(AuditEvent.id)
        ).scalars()
    )
    ids = {e.actor_id for e in history if e.actor_id}
    actors = (
        {u.id: u for u in db.session.execute(sa.select(User).where(User.id.in_(ids))).scalars()}
        if ids
        else {}
    )
    members = list(
        db.session.execute(
            sa.select(User).where(User.community_id == community.id).order_by(User.id)
        ).scalars()
    )
    return CommunityDetail(
        members=members,
        businesses=community_businesses(community.id),
        history=history,
        actors=actors,
    )


def verify_community(
    community: Community, *, actor: User, now: datetime, note: str | None = None
) -> Notice:
    """pending/suspended → verified (audited), and the community told (in-app now; the
    returned Notice is e-mailed after the commit). Raises InvalidTransition, NotAllowed."""
    try:
        note = clean_text(note, max_length=REASON_MAX, field=_("Catatan")) or None
    except InvalidInput as exc:
        raise FormErrors({"reason": exc.message}) from None
    change_community_status(community, "verify", actor=actor, now=now, reason=note)
    return status_notice(community, "verify", text=note, now=now)


def suspend_community(
    community: Community, *, actor: User, now: datetime, reason: str | None
) -> Notice:
    """pending/verified → suspended with a required reason (audited), and the community told
    with the reason (the returned Notice is e-mailed after the commit).

    Raises FormErrors when the reason is missing or too long, InvalidTransition, NotAllowed.
    """
    try:
        reason = clean_text(reason, max_length=REASON_MAX, field=_("Alasan"), required=True)
    except InvalidInput as exc:
        raise FormErrors({"reason": exc.message}) from None
    change_community_status(community, "suspend", actor=actor, now=now, reason=reason)
    return status_notice(community, "suspend", text=reason, now=now)
