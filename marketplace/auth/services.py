"""Accounts: sign-up of a community with its first member, login checks, staff accounts.

Passwords are hashed with scrypt (``PASSWORD_HASH_METHOD``) and rehashed at login when
the parameters change. Nothing here commits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..db import get_by_id
from ..errors import FormErrors, InvalidInput, InvalidTransition, NotAllowed
from ..extensions import db
from ..inputs import clean_text, parse_instagram, parse_phone
from ..reference.models import District
from ..slugs import slugify
from .models import Community, CommunityStatus, Role, User

COMMON_PASSWORDS = frozenset(
    """
password password1 12345678 123456789 1234567890 qwerty123 iloveyou admin123 11111111
00000000 87654321 passw0rd abc12345 qwertyuiop 88888888 12341234 rahasia123 bismillah
indonesia jakarta123 sayang123 umkmtangsel tangsel123 tangerang etalaseumkm etalase123
""".split()
)

# Words too common in names to refuse on their own ("Komunitas UMKM Pamulang": "pamulang" counts).
GENERIC_WORDS = frozenset("komunitas umkm usaha toko warung kelompok paguyuban ibu bapak".split())

# A dummy hash so an unknown e-mail costs the same time as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def normalise_email(raw: str) -> str:
    """Trimmed, lower-cased e-mail. Raises InvalidInput if it does not look like one."""
    email = (raw or "").strip().lower()
    if len(email) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise InvalidInput(_("Alamat e-mail tidak valid."))
    return email


def user_by_email(raw: str) -> User | None:
    """The user whose address is ``raw`` once normalised (any case, spaces trimmed), or None
    when there is none or ``raw`` is not an address. Used by login and by password recovery."""
    try:
        email = normalise_email(raw)
    except InvalidInput:
        return None
    return db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()


def check_password_policy(password: str, *context: str) -> None:
    """At least 8 characters, no composition rules; common and context words refused."""
    if len(password or "") < 8:
        raise InvalidInput(_("Kata sandi paling sedikit 8 karakter."))
    if len(password) > 200:
        raise InvalidInput(_("Kata sandi paling banyak 200 karakter."))
    folded = unicodedata.normalize("NFKC", password).lower()
    squashed = re.sub(r"[\W_]+", "", folded)
    if folded in COMMON_PASSWORDS or squashed in COMMON_PASSWORDS or len(set(folded)) < 3:
        raise InvalidInput(
            _(
                "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain, "
                "misalnya beberapa kata yang mudah Anda ingat."
            )
        )
    for text in context:
        text = (text or "").lower()
        # the whole name ("sriwahyuni") and each word of it ("wahyuni", "pamulang")
        words = [re.sub(r"[\W_]+", "", text)] + re.split(r"[\W_]+", text)
        if any(len(w) >= 4 and w not in GENERIC_WORDS and w in squashed for w in words):
            raise InvalidInput(_("Kata sandi jangan memuat nama atau e-mail Anda."))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def unique_slug(name: str) -> str:
    """A community slug from its name, ``-2``, ``-3``… appended while it is taken."""
    base, n = slugify(name, max_length=100, fallback="komunitas"), 1
    slug = base
    while db.session.execute(sa.select(Community.id).where(Community.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    return slug


@dataclass
class SignupInput:
    """The sign-up form as typed."""

    community_name: str
    district_id: int
    description: str
    instagram: str
    contact_name: str
    contact_phone: str
    email: str
    password: str


def signup_community(data: SignupInput, *, now: datetime) -> User:
    """Create a pending community and its coordinator account.

    Raises FormErrors (field → message); nothing is added then.
    """
    errors: dict[str, str] = {}
    values: dict = {}

    def take(field, fn):
        try:
            values[field] = fn()
        except InvalidInput as exc:
            errors[field] = exc.message

    take(
        "community_name",
        lambda: clean_text(
            data.community_name, max_length=120, field=_("Nama komunitas"), required=True
        ),
    )
    take(
        "description",
        lambda: clean_text(data.description, max_length=1000, field=_("Deskripsi"), multiline=True),
    )
    take("instagram", lambda: parse_instagram(data.instagram))
    take(
        "contact_name",
        lambda: clean_text(data.contact_name, max_length=120, field=_("Nama Anda"), required=True),
    )
    take("contact_phone", lambda: parse_phone(data.contact_phone))
    take("email", lambda: normalise_email(data.email))
    take(
        "password",
        lambda: check_password_policy(
            data.password, data.email.split("@")[0], data.contact_name, data.community_name
        ),
    )
    if get_by_id(District, data.district_id) is None:
        errors["district_id"] = _("Pilih kecamatan.")
    if (
        "email" in values
        and db.session.execute(sa.select(User.id).where(User.email == values["email"])).first()
    ):
        errors["email"] = _("E-mail ini sudah terdaftar. Silakan masuk, atau pakai e-mail lain.")
    if errors:
        raise FormErrors(errors)
    community = Community(
        name=values["community_name"],
        slug=unique_slug(values["community_name"]),
        district_id=data.district_id,
        description=values["description"],
        contact_name=values["contact_name"],
        contact_phone=values["contact_phone"],
        instagram=values["instagram"],
        status=CommunityStatus.PENDING,
        created_at=now,
    )
    user = User(
        email=values["email"],
        name=values["contact_name"],
        password_hash=hash_password(data.password),
        role=Role.MEMBER,
        community=community,
        is_coordinator=True,
        created_at=now,
        # signing up logs the coordinator in at once (auth.views.signup): staff see this as
        # the last login, not "–"
        last_login_at=now,
    )
    db.session.add_all([community, user])
    db.session.flush()
    audit.record(
        "community.signup",
        actor=user,
        object_type="community",
        object_id=community.id,
        community_id=community.id,
        to_state=CommunityStatus.PENDING.value,
        at=now,
    )
    return user


def authenticate(email: str, password: str, *, now: datetime) -> User | None:
    """The active user with this e-mail and password, or None. Same work either way.

    Rehashes the password when the configured method changed. Audits success and failure.
    """
    user = user_by_email(email)
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if user is None:
        if (
            method not in _DUMMY_HASH
        ):  # made once: an unknown e-mail costs one check, like a known one
            _DUMMY_HASH[method] = generate_password_hash("x-dummy-password", method=method)
        check_password_hash(_DUMMY_HASH[method], password or "")
        audit.record("auth.login_failed", object_type="user", at=now, details={"known": False})
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        audit.record(
            "auth.login_failed",
            actor=user,
            object_type="user",
            object_id=user.id,
            community_id=user.community_id,
            at=now,
            details={"known": True},
        )
        return None
    if not user.password_hash.startswith(method + "$"):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    audit.record(
        "auth.login",
        actor=user,
        object_type="user",
        object_id=user.id,
        community_id=user.community_id,
        at=now,
    )
    return user


def previous_login_at(user: User, before: datetime) -> datetime | None:
    """When ``user`` logged in last before ``before`` (the start of the session being shown),
    from the audit trail's ``auth.login`` entries, aware UTC; None when there was none (a first
    login, or an account that signed up and was logged in by the sign-up)."""
    return db.session.execute(
        sa.select(audit.AuditEvent.created_at)
        .where(
            audit.AuditEvent.object_type == "user",
            audit.AuditEvent.object_id == user.id,
            audit.AuditEvent.action == "auth.login",
            audit.AuditEvent.created_at < before,
        )
        .order_by(audit.AuditEvent.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def end_sessions(user: User) -> None:
    """Invalidate every session and remember cookie of ``user`` (new session token)."""
    import secrets

    user.session_token = secrets.token_hex(16)


def confirm_password(user: User, password: str | None, *, now: datetime) -> bool:
    """True if ``password`` is the user's (re-authentication before a sensitive action).
    Rehashes when the configured method changed; audits a failure."""
    if not check_password_hash(user.password_hash, password or ""):
        audit.record(
            "auth.reauth_failed",
            actor=user,
            object_type="user",
            object_id=user.id,
            community_id=user.community_id,
            at=now,
        )
        return False
    if not user.password_hash.startswith(current_app.config["PASSWORD_HASH_METHOD"] + "$"):
        user.password_hash = hash_password(password)
    return True


def change_password(user: User, current: str, new: str, confirm: str, *, now: datetime) -> None:
    """Set a new password after checking the current one and the policy; ends every other
    session and remember cookie (the caller starts a new session). Raises FormErrors."""
    if not confirm_password(user, current, now=now):
        raise FormErrors({"current_password": _("Kata sandi saat ini salah.")})
    context = [user.email.split("@")[0], user.name]
    if user.community is not None:
        context.append(user.community.name)
    try:
        check_password_policy(new, *context)
    except InvalidInput as exc:
        raise FormErrors({"new_password": exc.message}) from None
    if new != confirm:
        raise FormErrors({"confirm_password": _("Kedua kata sandi baru tidak sama.")})
    if check_password_hash(user.password_hash, new):
        raise FormErrors({"new_password": _("Kata sandi baru sama dengan yang lama.")})
    user.password_hash = hash_password(new)
    end_sessions(user)
    audit.record(
        "auth.password_changed",
        actor=user,
        object_type="user",
        object_id=user.id,
        community_id=user.community_id,
        at=now,
    )


def deactivate_user(user: User, *, actor: User | None, now: datetime) -> None:
    """Switch an account off: it cannot log in, and every session of it ends at once."""
    user.active = False
    end_sessions(user)
    audit.record(
        "user.deactivated",
        actor=actor,
        object_type="user",
        object_id=user.id,
        community_id=user.community_id,
        from_state="active",
        to_state="inactive",
        at=now,
    )


def create_staff(
    email: str,
    password: str,
    *,
    role: Role = Role.ADMIN,
    name: str = "",
    now: datetime,
    actor: User | None = None,
) -> User:
    """Create a staff account, or promote an existing one. Raises InvalidInput."""
    email = normalise_email(email)
    check_password_policy(password, email.split("@")[0])
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(
            email=email,
            name=name or email.split("@")[0],
            role=role,
            password_hash=hash_password(password),
            created_at=now,
        )
        db.session.add(user)
    else:
        user.role, user.community_id, user.password_hash = role, None, hash_password(password)
        end_sessions(user)
    db.session.flush()
    audit.record(
        "user.staff_set",
        actor=actor,
        object_type="user",
        object_id=user.id,
        to_state=role.value,
        at=now,
    )
    return user


COMMUNITY_TRANSITIONS = {
    "verify": ({CommunityStatus.PENDING, CommunityStatus.SUSPENDED}, CommunityStatus.VERIFIED),
    "suspend": ({CommunityStatus.PENDING, CommunityStatus.VERIFIED}, CommunityStatus.SUSPENDED),
}


def change_community_status(
    community: Community, action: str, *, actor: User, now: datetime, reason: str | None = None
) -> Community:
    """Verify or suspend a community (staff only). Audited. Raises InvalidTransition."""
    if not actor.is_staff:
        raise NotAllowed()
    froms, to = COMMUNITY_TRANSITIONS[action]
    if community.status not in froms:
        raise InvalidTransition(_("Komunitas ini sudah berstatus %(s)s.", s=community.status.value))
    before = community.status
    community.status = to
    if to == CommunityStatus.VERIFIED:
        community.verified_at = now
    db.session.flush()
    audit.record(
        f"community.{action}",
        actor=actor,
        object_type="community",
        object_id=community.id,
        community_id=community.id,
        from_state=before.value,
        to_state=to.value,
        reason=reason,
        at=now,
    )
    return community
