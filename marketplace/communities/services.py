"""The directory (reads) and join requests (writes). Nothing here commits.

A request is stored for the community's members only; the requester gets a WhatsApp-ready
message from the coordinator either way (``reply_text``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..audit.labels import register_labels
from ..auth.models import Community, CommunityStatus, User
from ..errors import FormErrors, InvalidInput, NotAllowed
from ..extensions import db
from ..inputs import clean_text, parse_phone
from ..listings.models import Listing
from ..listings.state import public_listing_filter
from ..reference.models import Category, District
from ..rounds.models import Round
from .models import JoinRequest, JoinStatus

register_labels(
    {
        "join.request": _l("Permintaan bergabung masuk"),
        "join.accept": _l("Permintaan bergabung diterima"),
        "join.decline": _l("Permintaan bergabung ditolak"),
    }
)

# One number may have one pending request per community; more in a day are refused quietly.
PENDING_PER_COMMUNITY = 200


@dataclass
class DirectoryRow:
    """A verified community with how many public listings it has (0 allowed)."""

    community: Community
    public_listings: int


def directory(
    *, district_slug: str | None, category_slug: str | None, now: datetime
) -> list[DirectoryRow]:
    """Verified communities, by name, optionally in one kecamatan and/or with public listings
    in one category. Unknown slugs filter to nothing rather than erroring."""
    counts = (
        sa.select(Listing.community_id, sa.func.count(Listing.id).label("n"))
        .join(Round, Listing.round_id == Round.id)
        .where(public_listing_filter(now))
    )
    if category_slug:
        counts = counts.join(Category, Listing.category_id == Category.id).where(
            Category.slug == category_slug[:80]
        )
    counts = counts.group_by(Listing.community_id).subquery()
    q = (
        sa.select(Community, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.community_id == Community.id)
        .where(Community.status == CommunityStatus.VERIFIED)
        .order_by(Community.name)
    )
    if district_slug:
        q = q.join(District, Community.district_id == District.id).where(
            District.slug == district_slug[:80]
        )
    if category_slug:
        q = q.where(counts.c.n > 0)
    return [DirectoryRow(c, n) for c, n in db.session.execute(q).unique().all()]


@dataclass
class JoinInput:
    """What the form carries (raw text)."""

    name: str
    whatsapp: str
    sells: str


def request_to_join(community: Community, data: JoinInput, *, now: datetime) -> JoinRequest:
    """Store a request for ``community`` (verified only). The same number asking the same
    community again while pending gets the pending request back (no duplicate). Audited
    without the typed text. Raises NotAllowed, FormErrors(field → message)."""
    if community.status != CommunityStatus.VERIFIED:
        raise NotAllowed()
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, label, length in (("name", _("Nama"), 120), ("sells", _("Yang dijual"), 300)):
        try:
            values[field] = clean_text(
                getattr(data, field), max_length=length, field=label, required=True
            )
        except InvalidInput as exc:
            errors[field] = exc.message
    try:
        values["whatsapp"] = parse_phone(data.whatsapp)
    except InvalidInput as exc:
        errors["whatsapp"] = exc.message
    if errors:
        raise FormErrors(errors)
    existing = db.session.execute(
        sa.select(JoinRequest).where(
            JoinRequest.community_id == community.id,
            JoinRequest.whatsapp == values["whatsapp"],
            JoinRequest.status == JoinStatus.PENDING,
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    pending = db.session.execute(
        sa.select(sa.func.count(JoinRequest.id)).where(
            JoinRequest.community_id == community.id,
            JoinRequest.status == JoinStatus.PENDING,
            JoinRequest.created_at > now - timedelta(days=1),
        )
    ).scalar_one()
    if pending >= PENDING_PER_COMMUNITY:
        raise InvalidInput(_("Komunitas ini sedang menerima banyak permintaan. Coba lagi besok."))
    req = JoinRequest(community_id=community.id, created_at=now, **values)
    db.session.add(req)
    db.session.flush()
    audit.record(
        "join.request",
        object_type="join_request",
        object_id=req.id,
        community_id=community.id,
        at=now,
    )
    return req


def _coordinator_of(actor: User | None, req: JoinRequest) -> None:
    if (
        actor is None
        or actor.is_staff
        or not actor.is_coordinator
        or actor.community_id != req.community_id
    ):
        raise NotAllowed(_("Hanya koordinator komunitas yang dapat menjawab permintaan ini."))


def decide(req: JoinRequest, accept: bool, *, actor: User, now: datetime) -> JoinRequest:
    """The coordinator accepts or declines a pending request (audited). Raises NotAllowed,
    InvalidInput when it was already answered."""
    _coordinator_of(actor, req)
    if req.status != JoinStatus.PENDING:
        raise InvalidInput(_("Permintaan ini sudah dijawab."))
    updated = db.session.execute(
        sa.update(JoinRequest)
        .where(JoinRequest.id == req.id, JoinRequest.status == JoinStatus.PENDING)
        .values(
            status=JoinStatus.ACCEPTED if accept else JoinStatus.DECLINED,
            decided_at=now,
            decided_by_id=actor.id,
        )
    ).rowcount
    if not updated:
        raise InvalidInput(_("Permintaan ini sudah dijawab."))
    db.session.refresh(req)
    audit.record(
        "join.accept" if accept else "join.decline",
        actor=actor,
        object_type="join_request",
        object_id=req.id,
        community_id=req.community_id,
        from_state="pending",
        to_state=req.status.value,
        at=now,
    )
    return req


def pending_for(community_id: int) -> list[JoinRequest]:
    """The community's requests, pending first, newest first."""
    return list(
        db.session.execute(
            sa.select(JoinRequest)
            .where(JoinRequest.community_id == community_id)
            .order_by((JoinRequest.status == JoinStatus.PENDING).desc(), JoinRequest.id.desc())
            .limit(200)
        ).scalars()
    )


def reply_text(req: JoinRequest, community: Community) -> str:
    """The WhatsApp message the coordinator sends the requester (accepted or declined)."""
    if req.status == JoinStatus.ACCEPTED:
        return _(
            "Halo %(name)s, permintaan Anda bergabung dengan %(c)s kami terima. Selamat "
            "bergabung! Kami akan membantu mendaftarkan usaha Anda.",
            name=req.name,
            c=community.name,
        )
    return _(
        "Halo %(name)s, terima kasih sudah ingin bergabung dengan %(c)s. Saat ini kami belum "
        "dapat menerima anggota baru. Anda bisa mencari komunitas lain di direktori "
        "Komunitas UMKM.",
        name=req.name,
        c=community.name,
    )
