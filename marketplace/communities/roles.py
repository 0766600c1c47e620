"""Roles inside a community (#14): the coordinator manages members, every business and
listing and submits for anyone; a member keeps the businesses assigned to them
(``Business.keeper_id``) and their listings. The coordinator assigns businesses and hands the
role to another member. The predicate itself is ``listings.state.is_own``. Nothing here
commits; every change is audited."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..audit.labels import register_labels
from ..auth.models import Role, User
from ..errors import InvalidInput, NotAllowed
from ..extensions import db
from ..listings.models import Business

register_labels(
    {
        "member.coordinator_handover": _l("Peran koordinator diserahkan"),
        "business.keeper": _l("Pemegang usaha diganti"),
    }
)


def _coordinator_of(actor: User | None, community_id: int) -> None:
    if (
        actor is None
        or actor.role != Role.MEMBER
        or actor.community_id != community_id
        or not actor.is_coordinator
        or not actor.active
    ):
        raise NotAllowed(_("Hanya koordinator yang dapat melakukan ini."))


def hand_over(member: User, *, actor: User, now: datetime) -> None:
    """The coordinator makes ``member`` (an active member of the same community) the
    coordinator and becomes a member. Raises NotAllowed or InvalidInput."""
    _coordinator_of(actor, member.community_id)
    if member.id == actor.id or not member.active or member.role != Role.MEMBER:
        raise InvalidInput(_("Pilih anggota aktif lain."))
    member.is_coordinator, actor.is_coordinator = True, False
    audit.record(
        "member.coordinator_handover",
        actor=actor,
        object_type="user",
        object_id=member.id,
        community_id=member.community_id,
        at=now,
        details={"from_user_id": actor.id},
    )


def assign_keeper(business: Business, keeper_id: int | None, *, actor: User, now: datetime):
    """The coordinator assigns ``business`` to an active member (``keeper_id``), or back to
    the coordinator (None). Raises NotAllowed or InvalidInput."""
    _coordinator_of(actor, business.community_id)
    keeper = db.session.get(User, keeper_id) if keeper_id else None
    if keeper_id and (
        keeper is None
        or keeper.community_id != business.community_id
        or not keeper.active
        or keeper.role != Role.MEMBER
    ):
        raise InvalidInput(_("Pilih anggota komunitas yang aktif."))
    before = business.keeper_id
    if before == (keeper.id if keeper else None):
        return
    business.keeper_id = keeper.id if keeper else None
    business.updated_at = now
    audit.record(
        "business.keeper",
        actor=actor,
        object_type="business",
        object_id=business.id,
        community_id=business.community_id,
        at=now,
        details={"from": before, "to": business.keeper_id},
    )
