"""Account recovery: "Lupa kata sandi?" by e-mail, and a one-time link staff issue for a
community user (sent by WhatsApp). Nothing here commits.

A reset token is ``{"u": user id, "f": fingerprint}`` signed with the app's secret
(itsdangerous, salt ``password-reset``) and timestamped by the app clock; it is valid
``PASSWORD_RESET_MAX_AGE`` seconds (default 3600). The fingerprint is an HMAC of the user's
current password hash and e-mail, so the token dies the moment the password changes: it is
single-use, and a reset also kills every other link issued before it. A staff-issued link is
the same kind of token and expires the same way.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import audit
from ..audit.labels import register_labels
from ..errors import FormErrors, InvalidInput, NotAllowed
from ..extensions import db
from .models import Role, User
from .services import check_password_policy, end_sessions, hash_password, user_by_email
from .tokens import serializer

SALT = "password-reset"

register_labels(
    {
        "auth.reset_requested": _l("Atur ulang kata sandi diminta"),
        "auth.reset_issued": _l("Tautan atur ulang kata sandi dibuat staf"),
        "auth.password_reset": _l("Kata sandi diatur ulang"),
    }
)


def _serializer() -> URLSafeTimedSerializer:
    return serializer(SALT)


def max_age() -> timedelta:
    """How long a reset link stays valid (``PASSWORD_RESET_MAX_AGE``, seconds)."""
    return timedelta(seconds=int(current_app.config.get("PASSWORD_RESET_MAX_AGE", 3600)))


def _fingerprint(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    msg = f"{user.id}|{user.email}|{user.password_hash}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:24]


def make_token(user: User) -> str:
    """A signed reset token for ``user`` (no audit: callers audit why it was made)."""
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def request_reset(email: str, *, now: datetime) -> tuple[User | None, str | None]:
    """Someone typed ``email`` on "Lupa kata sandi?": ``(user, token)`` for an active account
    with that address, ``(None, None)`` otherwise. The caller answers the same either way and
    e-mails the token only when there is one. Audited in both cases (without the address)."""
    user = user_by_email(email)
    if user is None or not user.active:
        audit.record("auth.reset_requested", object_type="user", at=now, details={"known": False})
        return None, None
    audit.record(
        "auth.reset_requested",
        actor=user,
        object_type="user",
        object_id=user.id,
        community_id=user.community_id,
        at=now,
        details={"known": True},
    )
    return user, make_token(user)


def issue_for_member(user: User, *, actor: User, now: datetime) -> str:
    """Staff make a one-time reset link for a community user (audited). Raises NotAllowed
    unless ``actor`` is staff and ``user`` an active member of a community."""
    if actor is None or not actor.is_staff:
        raise NotAllowed()
    if user.role != Role.MEMBER or user.community_id is None or not user.active:
        raise NotAllowed(_("Tautan atur ulang hanya untuk akun aktif anggota komunitas."))
    audit.record(
        "auth.reset_issued",
        actor=actor,
        object_type="user",
        object_id=user.id,
        community_id=user.community_id,
        at=now,
        details={"email": user.email},
    )
    return make_token(user)


def read_token(token: str) -> User:
    """The user a reset token is for. Raises InvalidInput with a message when the link was
    changed, expired, already used (the password changed since), or the account is off."""
    try:
        data = _serializer().loads(token, max_age=int(max_age().total_seconds()))
    except SignatureExpired:
        raise InvalidInput(
            _("Tautan atur ulang kata sandi ini sudah kedaluwarsa. Silakan minta tautan baru.")
        ) from None
    except BadSignature:
        raise InvalidInput(_("Tautan atur ulang kata sandi tidak valid.")) from None
    user = db.session.get(User, data.get("u") or 0) if isinstance(data, dict) else None
    if (
        user is None
        or not user.active
        or not hmac.compare_digest(str(data.get("f", "")), _fingerprint(user))
    ):
        raise InvalidInput(
            _("Tautan ini sudah dipakai atau tidak berlaku lagi. Silakan minta tautan baru.")
        )
    return user


@dataclass
class ResetInput:
    """What the reset form carries: the new password twice."""

    new_password: str
    confirm_password: str


def reset_password(token: str, data: ResetInput, *, now: datetime) -> User:
    """Set a new password through a reset link: checks the link and the password policy,
    ends every session and remember cookie of the user, kills the link (audited).
    Raises InvalidInput (bad link) or FormErrors (field → message)."""
    user = read_token(token)
    context = [user.email.split("@")[0], user.name]
    if user.community is not None:
        context.append(user.community.name)
    try:
        check_password_policy(data.new_password or "", *context)
    except InvalidInput as exc:
        raise FormErrors({"new_password": exc.message}) from None
    if data.new_password != data.confirm_password:
        raise FormErrors({"confirm_password": _("Kedua kata sandi baru tidak sama.")})
    user.password_hash = hash_password(data.new_password)
    end_sessions(user)
    audit.record(
        "auth.password_reset",
        actor=user,
        object_type="user",
        object_id=user.id,
        community_id=user.community_id,
        at=now,
    )
    return user
