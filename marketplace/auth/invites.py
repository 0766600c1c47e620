"""Members: a coordinator invites people by an expiring signed link and removes members.

The link carries (community, e-mail, inviter) signed with the app's secret (itsdangerous),
timestamped by the app clock and valid ``INVITE_MAX_AGE_DAYS`` days. It is single-use by
nature: accepting creates the account for that e-mail, and a second use finds it taken.
Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import audit
from ..errors import FormErrors, InvalidInput, NotAllowed
from ..extensions import db
from ..inputs import clean_text
from .models import Community, Role, User
from .services import check_password_policy, end_sessions, hash_password, normalise_email
from .tokens import serializer

SALT = "community-invite"


def _serializer() -> URLSafeTimedSerializer:
    return serializer(SALT)


def max_age() -> timedelta:
    return timedelta(days=int(current_app.config.get("INVITE_MAX_AGE_DAYS", 7)))


def _coordinator(actor: User | None) -> Community:
    if (
        actor is None
        or actor.role != Role.MEMBER
        or not actor.is_coordinator
        or actor.community is None
    ):
        raise NotAllowed(_("Hanya koordinator komunitas yang dapat mengelola anggota."))
    return actor.community


def invite(email: str, *, actor: User, now: datetime) -> str:
    """A signed invitation token for ``email`` to join the actor's community (audited).

    Raises NotAllowed for anyone but a coordinator, FormErrors when the e-mail is not valid
    or already has an account."""
    community = _coordinator(actor)
    try:
        email = normalise_email(email)
    except InvalidInput as exc:
        raise FormErrors({"email": exc.message}) from None
    if db.session.execute(sa.select(User.id).where(User.email == email)).first():
        raise FormErrors(
            {"email": _("E-mail ini sudah punya akun. Satu akun hanya untuk satu komunitas.")}
        )
    audit.record(
        "member.invite",
        actor=actor,
        object_type="community",
        object_id=community.id,
        community_id=community.id,
        at=now,
        details={"email": email},
    )
    return _serializer().dumps({"c": community.id, "e": email, "by": actor.id})


@dataclass
class Invitation:
    community: Community
    email: str
    inviter_id: int


def read_invite(token: str) -> Invitation:
    """The invitation a token carries. Raises InvalidInput with a message when the link was
    changed, expired, the community is gone or suspended, or the e-mail already joined."""
    try:
        data = _serializer().loads(token, max_age=int(max_age().total_seconds()))
    except SignatureExpired:
        raise InvalidInput(
            _("Tautan undangan ini sudah kedaluwarsa. Minta koordinator mengirim undangan baru.")
        ) from None
    except BadSignature:
        raise InvalidInput(_("Tautan undangan tidak valid. Periksa lagi tautannya.")) from None
    community = db.session.get(Community, data.get("c") or 0)
    if community is None or community.status.value == "suspended":
        raise InvalidInput(_("Komunitas pada undangan ini tidak dapat menerima anggota saat ini."))
    if db.session.execute(sa.select(User.id).where(User.email == data.get("e"))).first():
        raise InvalidInput(_("Undangan ini sudah dipakai. Silakan masuk dengan e-mail tersebut."))
    return Invitation(community=community, email=data["e"], inviter_id=data.get("by"))


def accept_invite(token: str, *, name: str, password: str, now: datetime) -> User:
    """Create the invited member's account. Raises InvalidInput (bad link) or FormErrors."""
    inv = read_invite(token)
    errors = {}
    try:
        name = clean_text(name, max_length=120, field=_("Nama"), required=True)
    except InvalidInput as exc:
        errors["name"] = exc.message
    try:
        check_password_policy(password, inv.email.split("@")[0], name or "", inv.community.name)
    except InvalidInput as exc:
        errors["password"] = exc.message
    if errors:
        raise FormErrors(errors)
    user = User(
        email=inv.email,
        name=name,
        password_hash=hash_password(password),
        role=Role.MEMBER,
        community=inv.community,
        is_coordinator=False,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "member.join",
        actor=user,
        object_type="user",
        object_id=user.id,
        community_id=inv.community.id,
        at=now,
        details={"invited_by": inv.inviter_id},
    )
    return user


def community_members(community_id: int) -> list[User]:
    """Active members of a community, coordinators first."""
    return list(
        db.session.execute(
            sa.select(User)
            .where(User.community_id == community_id, User.active.is_(True))
            .order_by(User.is_coordinator.desc(), User.name)
        ).scalars()
    )


def remove_member(member: User, *, actor: User, now: datetime) -> User:
    """Take a member out of the actor's community: the account is deactivated and every
    session ends; the listings they made stay with the community. A coordinator cannot remove
    themselves. Raises NotAllowed."""
    community = _coordinator(actor)
    if member.community_id != community.id or not member.active:
        raise NotAllowed()
    if member.id == actor.id:
        raise NotAllowed(
            _(
                "Anda tidak dapat menghapus diri sendiri. Minta koordinator lain, atau "
                "hubungi staf Dinas."
            )
        )
    member.active = False
    member.is_coordinator = False
    end_sessions(member)
    db.session.flush()
    audit.record(
        "member.remove",
        actor=actor,
        object_type="user",
        object_id=member.id,
        community_id=community.id,
        at=now,
        details={"email": member.email},
    )
    return member
