"""The "beri tahu komunitas" action: tell the communities selling in a search's nearest
category that shoppers look for it (an in-app notification each, and WhatsApp-ready text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import record
from ..auth.models import Community, CommunityStatus
from ..errors import InvalidInput
from ..extensions import db
from ..listings.models import Listing, ListingStatus
from ..notifications import notify
from ..reference.models import Category, District
from ..rounds.models import Round
from .board import nearest_category, top_district, window
from .queries import top_queries

KIND = "demand.notify"


@dataclass
class Sent:
    """What ``notify_communities`` did: the text, the category and the communities told."""

    message: str
    category: Category
    communities: list[Community]


def communities_selling(category_id: int) -> list[Community]:
    """Verified communities with at least one approved listing in the category, by name."""
    selling = sa.select(Listing.community_id).where(
        Listing.category_id == category_id, Listing.status == ListingStatus.APPROVED
    )
    return list(
        db.session.execute(
            sa.select(Community)
            .where(Community.id.in_(selling), Community.status == CommunityStatus.VERIFIED)
            .order_by(Community.name)
        ).scalars()
    )


def demand_message(query: str, times: int, place: str, rnd: Round) -> str:
    """``Pembeli mencari *masker kain* — 38 kali di Pamulang selama Edisi 14 …``"""
    return _(
        "Pembeli mencari *%(q)s* — %(n)s kali di %(place)s selama %(round)s, dan belum "
        "menemukan cukup produk. Ada anggota yang bisa membuatnya? Ajukan di periode berikutnya.",
        q=query,
        n=times,
        place=place,
        round=rnd.title,
    )


def notify_communities(
    query: str, rnd: Round, actor, now: datetime, category_slug: str | None = None
) -> Sent:
    """Notify every community selling in the nearest category of ``query`` (the one
    shoppers filtered by most; ``category_slug`` overrides it). Only a query visible on the
    board (K visitors) may be sent. Writes one notification per community and one audit
    event; no commit. Raises ``InvalidInput`` for an unknown query or category."""
    since, until = window(rnd, now)
    found = next((q for q in top_queries(since, until, limit=500) if q.query == query), None)
    if found is None:
        raise InvalidInput(_("Pencarian ini tidak ada di papan."))
    slug = category_slug or nearest_category(query, since, until)
    category = (
        db.session.execute(sa.select(Category).where(Category.slug == slug)).scalar()
        if slug
        else None
    )
    if category is None:
        raise InvalidInput(_("Pilih kategori yang paling dekat dengan pencarian ini."))
    district_slug = top_district(query, since, until)
    district = (
        db.session.execute(sa.select(District).where(District.slug == district_slug)).scalar()
        if district_slug
        else None
    )
    place = district.name if district else "Tangerang Selatan"
    message = demand_message(query, found.unmet + found.thin, place, rnd)
    communities = communities_selling(category.id)
    for community in communities:
        notify(community.id, message, kind=KIND, at=now)
    record(
        KIND,
        actor=actor,
        object_type="round",
        object_id=rnd.id,
        details={
            "query": query,
            "category": category.slug,
            "communities": [c.id for c in communities],
        },
        at=now,
    )
    return Sent(message, category, communities)
