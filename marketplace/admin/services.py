"""Administration: site settings, categories, staff accounts. Admins only; every change
writes an audit event (``settings.update``, ``category.*``, ``staff.*``) with what it was
and what it became. Nothing here commits.
"""

from __future__ import annotations

import re
from datetime import datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..auth.access import require_admin
from ..auth.models import Role, User
from ..auth.services import check_password_policy, end_sessions, hash_password, normalise_email
from ..errors import FormErrors, InvalidInput, NotAllowed
from ..extensions import db
from ..inputs import clean_text, parse_instagram
from ..reference.models import Category
from ..site_settings import SiteSettings, get_settings
from ..slugs import slugify

STAFF_ROLES = (Role.MODERATOR, Role.ADMIN)
MAX_HASHTAGS = 30
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_HASHTAG = re.compile(r"^#\w{1,60}$")


# --- settings -------------------------------------------------------------------------------------


def _luminance(hex_color: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1–21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def parse_hashtags(raw: str) -> str:
    """``UMKMTangsel, #EtalaseUMKM`` → ``#UMKMTangsel #EtalaseUMKM``: ``#`` added, duplicates
    dropped, at most 30 (Instagram's limit), each letters, digits or ``_``."""
    tags, seen = [], set()
    for word in re.split(r"[\s,;]+", raw or ""):
        if not word:
            continue
        tag = "#" + word.lstrip("#")
        if not _HASHTAG.match(tag):
            raise InvalidInput(
                _("Tagar \"%(tag)s\" tidak valid: pakai huruf, angka atau _ saja.", tag=word[:40])
            )
        if tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    if len(tags) > MAX_HASHTAGS:
        raise InvalidInput(_("Paling banyak %(n)s tagar (batas Instagram).", n=MAX_HASHTAGS))
    return " ".join(tags)


def update_settings(values: dict, *, actor: User, now: datetime) -> SiteSettings:
    """Validate and store the settings. ``values`` holds every field of
    ``site_settings.DEFAULTS`` as typed (strings, ints, ``time``). Raises FormErrors
    (field → message). Audited as ``settings.update`` with the fields that changed."""
    require_admin(actor)
    errors: dict[str, str] = {}
    clean: dict = {}

    def take(field, fn):
        try:
            clean[field] = fn(values.get(field))
        except InvalidInput as exc:
            errors[field] = exc.message

    take(
        "agency_name", lambda v: clean_text(v, max_length=160, field=_("Nama dinas"), required=True)
    )

    def colour(v):
        v = (v or "").strip()
        if not _COLOR.match(v):
            raise InvalidInput(_("Tulis warna sebagai #RRGGBB, mis. #0E4D92."))
        return v.upper()

    for name in ("brand_color", "accent_color", "text_color"):
        take(name, colour)
    take("hashtags", parse_hashtags)
    take("instagram_handle", parse_instagram)

    def number(lo, hi, label):
        def parse(v):
            if v is None or isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise InvalidInput(
                    _("%(field)s harus antara %(lo)s dan %(hi)s.", field=label, lo=lo, hi=hi)
                )
            return v

        return parse

    take("default_quota", number(1, 500, _("Kuota")))
    take("cadence_every_days", number(7, 90, _("Jarak antar-periode")))
    take("cadence_showcase_days", number(1, 90, _("Lama etalase")))
    for name in ("cadence_opens_weekday", "cadence_closes_weekday", "cadence_publishes_weekday"):
        take(name, number(0, 6, _("Hari")))

    def clock_time(v):
        if not isinstance(v, time):
            raise InvalidInput(_("Isi jam, mis. 08:00."))
        return v.replace(second=0, microsecond=0)

    for name in ("cadence_opens_time", "cadence_closes_time", "cadence_publishes_time"):
        take(name, clock_time)

    if not errors:
        if contrast(clean["text_color"], clean["brand_color"]) < 4.5:
            errors["text_color"] = _(
                "Warna teks kurang kontras dengan warna utama (perlu rasio 4,5:1, "
                "sekarang %(r)s:1).",
                r=f"{contrast(clean['text_color'], clean['brand_color']):.1f}".replace(".", ","),
            )
        if contrast(clean["accent_color"], clean["brand_color"]) < 3:
            errors["accent_color"] = _(
                "Warna aksen kurang kontras dengan warna utama (perlu rasio 3:1, "
                "sekarang %(r)s:1).",
                r=f"{contrast(clean['accent_color'], clean['brand_color']):.1f}".replace(".", ","),
            )
    if errors:
        raise FormErrors(errors)

    row = db.session.get(SiteSettings, 1)
    before = (row or get_settings()).as_dict()
    if row is None:
        row = get_settings()
        db.session.add(row)
    for key, value in clean.items():
        setattr(row, key, value)
    row.updated_at, row.updated_by_id = now, actor.id
    db.session.flush()
    after = row.as_dict()
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    audit.record(
        "settings.update",
        actor=actor,
        object_type="site_settings",
        object_id=row.id,
        at=now,
        details={"changed": changed},
    )
    return row


# --- categories -----------------------------------------------------------------------------------


def categories() -> list[Category]:
    """Every category, active ones first, in display order."""
    return list(
        db.session.execute(
            sa.select(Category).order_by(
                Category.is_active.desc(), Category.sort_order, Category.id
            )
        ).scalars()
    )


def category_usage() -> dict[int, int]:
    from ..listings.models import Listing

    return dict(
        db.session.execute(
            sa.select(Listing.category_id, sa.func.count(Listing.id)).group_by(Listing.category_id)
        ).all()
    )


def _category_name(raw: str, exclude_id: int | None = None) -> str:
    try:
        name = clean_text(raw, max_length=80, field=_("Nama kategori"), required=True)
    except InvalidInput as exc:
        raise FormErrors({"name": exc.message}) from None
    q = sa.select(Category.id).where(sa.func.lower(Category.name) == name.lower())
    if exclude_id is not None:
        q = q.where(Category.id != exclude_id)
    if db.session.execute(q).first():
        raise FormErrors({"name": _("Kategori \"%(name)s\" sudah ada.", name=name)})
    return name


def create_category(name: str, *, actor: User, now: datetime) -> Category:
    """Add an active category at the end of the order, with a unique slug. Audited."""
    require_admin(actor)
    name = _category_name(name)
    base = slugify(name, max_length=50, fallback="kategori")
    slug, n = base, 1
    while db.session.execute(sa.select(Category.id).where(Category.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    last = db.session.execute(sa.select(sa.func.max(Category.sort_order))).scalar() or 0
    cat = Category(slug=slug, name=name, sort_order=last + 1, is_active=True)
    db.session.add(cat)
    db.session.flush()
    audit.record(
        "category.create",
        actor=actor,
        object_type="category",
        object_id=cat.id,
        at=now,
        to_state="active",
        details={"name": name, "slug": slug},
    )
    return cat


def rename_category(cat: Category, name: str, *, actor: User, now: datetime) -> Category:
    """Change the shown name; the slug (in public URLs) stays. Audited."""
    require_admin(actor)
    name = _category_name(name, exclude_id=cat.id)
    before = cat.name_id
    cat.name = name
    db.session.flush()
    audit.record(
        "category.rename",
        actor=actor,
        object_type="category",
        object_id=cat.id,
        at=now,
        details={"before": before, "after": name},
    )
    return cat


def move_category(cat: Category, step: int, *, actor: User, now: datetime) -> Category:
    """Move one place up (``step`` −1) or down (+1) among the categories. Audited."""
    require_admin(actor)
    ordered = list(
        db.session.execute(sa.select(Category).order_by(Category.sort_order, Category.id)).scalars()
    )
    i = ordered.index(cat)
    j = i + (1 if step > 0 else -1)
    if not 0 <= j < len(ordered):
        return cat
    before = [c.slug for c in ordered]
    ordered[i], ordered[j] = ordered[j], ordered[i]
    for n, c in enumerate(ordered, start=1):
        c.sort_order = n
    db.session.flush()
    audit.record(
        "category.reorder",
        actor=actor,
        object_type="category",
        object_id=cat.id,
        at=now,
        details={"before": before, "after": [c.slug for c in ordered]},
    )
    return cat


def set_category_active(cat: Category, active: bool, *, actor: User, now: datetime) -> Category:
    """Retire (no longer offered for new listings; old listings keep it and stay visible) or
    bring back a category. Audited as ``category.retire`` / ``category.restore``."""
    require_admin(actor)
    if cat.is_active == active:
        return cat
    if not active:
        remaining = db.session.execute(
            sa.select(sa.func.count(Category.id)).where(
                Category.is_active.is_(True), Category.id != cat.id
            )
        ).scalar_one()
        if remaining == 0:
            raise InvalidInput(_("Kategori terakhir yang aktif tidak dapat dipensiunkan."))
    cat.is_active = active
    db.session.flush()
    audit.record(
        "category.restore" if active else "category.retire",
        actor=actor,
        object_type="category",
        object_id=cat.id,
        at=now,
        from_state="retired" if active else "active",
        to_state="active" if active else "retired",
        details={"name": cat.name},
    )
    return cat


# --- staff accounts -------------------------------------------------------------------------------


def staff_accounts() -> list[User]:
    return list(
        db.session.execute(
            sa.select(User)
            .where(User.role.in_(STAFF_ROLES))
            .order_by(User.active.desc(), User.role, User.name)
        ).scalars()
    )


def _active_admins(exclude: User | None = None) -> int:
    q = sa.select(sa.func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    if exclude is not None:
        q = q.where(User.id != exclude.id)
    return db.session.execute(q).scalar_one()


def _staff_role(raw) -> Role:
    try:
        role = Role(raw)
    except ValueError:
        raise FormErrors({"role": _("Pilih peran moderator atau admin.")}) from None
    if role not in STAFF_ROLES:
        raise FormErrors({"role": _("Pilih peran moderator atau admin.")})
    return role


def create_staff_account(
    *, email: str, name: str, role: str, password: str, actor: User, now: datetime
) -> User:
    """A new moderator or admin. Refuses an e-mail that already has an account (members are
    never turned into staff from here). Raises FormErrors. Audited as ``staff.create``."""
    require_admin(actor)
    errors: dict[str, str] = {}
    try:
        email = normalise_email(email)
        if db.session.execute(sa.select(User.id).where(User.email == email)).first():
            errors["email"] = _("E-mail ini sudah dipakai akun lain.")
    except InvalidInput as exc:
        errors["email"] = exc.message
    try:
        name = clean_text(name, max_length=120, field=_("Nama"), required=True)
    except InvalidInput as exc:
        errors["name"] = exc.message
    try:
        role_value = _staff_role(role)
    except FormErrors as exc:
        errors.update(exc.errors)
    try:
        check_password_policy(password, (email or "").split("@")[0], name or "")
    except InvalidInput as exc:
        errors["password"] = exc.message
    if errors:
        raise FormErrors(errors)
    user = User(
        email=email,
        name=name,
        role=role_value,
        password_hash=hash_password(password),
        created_at=now,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "staff.create",
        actor=actor,
        object_type="user",
        object_id=user.id,
        at=now,
        to_state=role_value.value,
        details={"email": email},
    )
    return user


def _target(user: User) -> None:
    if user.role not in STAFF_ROLES:
        raise NotAllowed(_("Hanya akun staf yang dikelola di sini."))


def change_role(user: User, role: str, *, actor: User, now: datetime) -> User:
    """Moderator ↔ admin. An admin cannot demote themself (ask another admin), and the last
    active admin stays admin. Audited as ``staff.role``."""
    require_admin(actor)
    _target(user)
    new = _staff_role(role)
    if new == user.role:
        return user
    if user.id == actor.id:
        raise InvalidInput(_("Anda tidak dapat mengubah peran akun Anda sendiri."))
    if user.role == Role.ADMIN and user.active and _active_admins(exclude=user) == 0:
        raise InvalidInput(_("Harus ada paling sedikit satu admin aktif."))
    before = user.role
    user.role = new
    db.session.flush()
    audit.record(
        "staff.role",
        actor=actor,
        object_type="user",
        object_id=user.id,
        at=now,
        from_state=before.value,
        to_state=new.value,
    )
    return user


def set_staff_active(
    user: User, active: bool, *, actor: User, now: datetime, reason: str | None = None
) -> User:
    """Deactivate (every session and remember cookie of the account ends at once) or
    reactivate a staff account. Not one's own account; never the last active admin.
    Audited as ``staff.deactivate`` / ``staff.reactivate``."""
    require_admin(actor)
    _target(user)
    if user.active == active:
        return user
    if user.id == actor.id:
        raise InvalidInput(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if not active and user.role == Role.ADMIN and _active_admins(exclude=user) == 0:
        raise InvalidInput(_("Harus ada paling sedikit satu admin aktif."))
    user.active = active
    end_sessions(user)
    db.session.flush()
    audit.record(
        "staff.reactivate" if active else "staff.deactivate",
        actor=actor,
        object_type="user",
        object_id=user.id,
        at=now,
        from_state="inactive" if active else "active",
        to_state="active" if active else "inactive",
        reason=reason,
    )
    return user
