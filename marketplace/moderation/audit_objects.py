"""Names and staff links of the objects audit events point at (listing, business,
community, round, user), loaded in one query per kind for a page of events."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from ..audit import AuditEvent
from ..auth.models import Community, User
from ..extensions import db
from ..listings.models import Business, Listing
from ..rounds.models import Round

# object_type → (model, name column, staff endpoint and its argument, or None)
_KINDS = {
    "listing": (Listing, Listing.title, ("moderation.review", "listing_id")),
    "business": (Business, Business.name, None),
    "community": (Community, Community.name, ("moderation.community", "community_id")),
    "round": (Round, Round.name, ("moderation.queue", "round_id")),
    "user": (User, User.email, None),
}


def object_names(events: list[AuditEvent]) -> dict[tuple[str, int], tuple[str, str | None]]:
    """(object_type, object_id) → (name, staff URL or None) for the events' objects; objects
    of unknown kinds or deleted rows are left out (the page shows "<type> #<id>")."""
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_id and e.object_type in _KINDS:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    out: dict[tuple[str, int], tuple[str, str | None]] = {}
    for kind, ids in wanted.items():
        model, name, link = _KINDS[kind]
        for oid, label in db.session.execute(sa.select(model.id, name).where(model.id.in_(ids))):
            url = url_for(link[0], **{link[1]: oid}) if link else None
            out[(kind, oid)] = (label, url)
    return out
