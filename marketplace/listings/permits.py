"""A business's permits as its community enters them (number, expiry), what the public may
see of them (``badges_for``, its SQL twin ``valid_permit_clause``) and what the portal says
about them ("perlu diperbarui"). Staff checks live in ``moderation.permits``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import InvalidInput
from ..inputs import clean_text
from .models import PERMIT_KINDS, PERMIT_LABELS, Business, Permit, PermitKind, wib_date

# How the business form names each permit's fields, and the longest number it takes.
PERMIT_FIELDS = {
    PermitKind.NIB: ("nib", None, 20),
    PermitKind.PIRT: ("pirt_number", "pirt_expires_on", 30),
    PermitKind.HALAL: ("halal_number", "halal_expires_on", 60),
}
# Kinds whose certificate always has an expiry date: the form asks for it.
EXPIRY_REQUIRED = frozenset({PermitKind.HALAL})
MAX_YEARS_AHEAD = 20


def badges_for(business: Business, at: datetime) -> list[tuple[PermitKind, str]]:
    """``(kind, label)`` of every badge the public may see at ``at`` (``Business.badges``)."""
    return [(k, str(PERMIT_LABELS[k])) for k in business.badges(at)]


def valid_permit_clause(kind: PermitKind, at: datetime, business_id=None):
    """SQL: the business (column ``business_id``, default ``Business.id``) has a checked,
    unexpired permit of ``kind`` at ``at``: the same rule as ``Permit.is_valid``."""
    return valid_permit_select(kind, at, business_id).exists()


def valid_permit_select(kind: PermitKind, at: datetime, business_id=None):
    """``SELECT permits.id`` of that permit (``valid_permit_clause``'s rule), for a column
    that is NULL without one (the catalogue's cards: a per-row lookup, which PostgreSQL
    cannot turn into a hash of every valid permit as it does an EXISTS column)."""
    owner = Business.id if business_id is None else business_id
    return sa.select(Permit.id).where(
        Permit.business_id == owner,
        Permit.kind == kind,
        Permit.checked_at.is_not(None),
        sa.or_(Permit.expires_on.is_(None), Permit.expires_on >= wib_date(at)),
    )


_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})$"),
)


def parse_expiry(raw: str, *, at: datetime, field: str) -> date | None:
    """An expiry date as typed (``2027-06-30`` from a date input, or ``30/06/2027``,
    ``30-06-2027``); empty → None. Raises InvalidInput for anything else, a day already past
    (in WIB) or one more than 20 years ahead."""
    text = (raw or "").strip()
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        m = pattern.match(text)
        if m:
            try:
                value = date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                break
            today = wib_date(at)
            if value < today:
                raise InvalidInput(
                    _("Masa berlaku %(field)s sudah lewat. Perbarui izinnya dulu.", field=field)
                )
            if value.year > today.year + MAX_YEARS_AHEAD:
                raise InvalidInput(_("Masa berlaku %(field)s tidak masuk akal.", field=field))
            return value
    raise InvalidInput(_("Tanggal berlaku %(field)s tidak valid. Contoh: 31-12-2027.", field=field))


@dataclass
class PermitChange:
    """What the community's save did to one permit: ``added``, ``changed`` (the staff check
    is cleared) or ``removed``."""

    kind: PermitKind
    change: str


Wanted = dict[PermitKind, tuple[str | None, date | None]]


def parse_permits(
    business: Business, typed: dict[str, str], *, at: datetime
) -> tuple[Wanted, dict[str, str]]:
    """Parse the business form's permit fields (``typed`` maps the field names of
    ``PERMIT_FIELDS`` to strings): per kind the number (None: no permit) and expiry, and
    the errors (field → message). Changes nothing."""
    errors: dict[str, str] = {}
    wanted: dict[PermitKind, tuple[str | None, date | None]] = {}
    for kind, (number_field, expiry_field, max_length) in PERMIT_FIELDS.items():
        label = str(PERMIT_LABELS[kind])
        try:
            number = clean_text(typed.get(number_field, ""), max_length=max_length, field=label)
        except InvalidInput as exc:
            errors[number_field] = exc.message
            continue
        expires = None
        current = business.permit(kind)
        if expiry_field:
            raw = typed.get(expiry_field, "")
            try:
                expires = _expiry_unless_unchanged(raw, current, at=at, field=label)
            except InvalidInput as exc:
                errors[expiry_field] = exc.message
                continue
            if number and expires is None and kind in EXPIRY_REQUIRED:
                errors[expiry_field] = _("Isi tanggal berlaku sertifikat %(field)s.", field=label)
                continue
        wanted[kind] = (number or None, expires)
    return wanted, errors


def apply_permits(business: Business, wanted: Wanted, *, at: datetime) -> list[PermitChange]:
    """Apply what ``parse_permits`` returned. A new or changed number or expiry clears the
    moderator's check: no badge until a moderator looked again. Flushes nothing."""
    changes = []
    for kind in PERMIT_KINDS:
        number, expires = wanted[kind]
        current = business.permit(kind)
        if number is None:
            if current is not None:
                business.permits.remove(current)
                changes.append(PermitChange(kind, "removed"))
        elif current is None:
            business.permits.append(
                Permit(kind=kind, number=number, expires_on=expires, created_at=at, updated_at=at)
            )
            changes.append(PermitChange(kind, "added"))
        elif (current.number, current.expires_on) != (number, expires):
            current.number, current.expires_on = number, expires
            current.checked_at = current.checked_by_id = None
            current.updated_at = at
            changes.append(PermitChange(kind, "changed"))
    return changes


def _expiry_unless_unchanged(
    raw: str, current: Permit | None, *, at: datetime, field: str
) -> date | None:
    """The typed expiry; the date already stored passes even when it is past (the community
    may save its other fields; the badge stops by itself)."""
    if current is not None and current.expires_on is not None:
        for text in (current.expires_on.isoformat(), current.expires_on.strftime("%d-%m-%Y")):
            if (raw or "").strip() == text:
                return current.expires_on
    return parse_expiry(raw, at=at, field=field)


@dataclass
class PermitState:
    """One permit as its community's portal shows it: ``state`` is ``checked``,
    ``waiting`` (not checked yet), ``renew`` (checked, expiring within 30 days) or
    ``expired``."""

    permit: Permit
    state: str


def permit_states(business: Business, at: datetime) -> list[PermitState]:
    """The business's permits in ``PERMIT_KINDS`` order, with what the portal says of each."""
    out = []
    for kind in PERMIT_KINDS:
        p = business.permit(kind)
        if p is None:
            continue
        if p.is_expired(at):
            state = "expired"
        elif p.checked_at is None:
            state = "waiting"
        elif p.needs_renewal(at):
            state = "renew"
        else:
            state = "checked"
        out.append(PermitState(p, state))
    return out


def form_values(business: Business) -> dict[str, str]:
    """The business form's permit fields filled from the stored permits (for GET)."""
    values = {}
    for kind, (number_field, expiry_field, _max) in PERMIT_FIELDS.items():
        p = business.permit(kind)
        values[number_field] = p.number if p else ""
        if expiry_field:
            values[expiry_field] = p.expires_on.isoformat() if p and p.expires_on else ""
    return values


def community_marks(businesses: list[Business], at: datetime) -> list[tuple[Business, list[str]]]:
    """For the listing form: each business with the labels of the badges its listings carry
    at ``at`` (from its checked permits; a listing cannot claim one on its own)."""
    return [(b, [label for _kind, label in badges_for(b, at)]) for b in businesses]


def attach_permit_photo(
    business: Business, kind: PermitKind, data: bytes, *, actor, now: datetime
) -> tuple[Permit, list[int]]:
    """Store ``data`` (an uploaded photo of the certificate) through the image pipeline as a
    private picture (staff only, never public) and attach it to the business's permit of
    ``kind``. The moderator's check stays (the number did not change). Audited
    ``business.permit_photo``. Returns the permit and the ids of images it no longer uses
    (for ``media.sweep.discard_images`` before the commit). Raises InvalidInput when the
    business has no such permit, ImageRejected (a PDF, a bomb, a tiny picture…) or
    StorageFailed from the pipeline. Flushes, never commits."""
    from .. import audit
    from ..media.services import save_upload

    permit = business.permit(kind)
    if permit is None:
        raise InvalidInput(
            _(
                "Isi nomor %(field)s di data usaha dulu, lalu unggah fotonya.",
                field=PERMIT_LABELS[kind],
            )
        )
    image = save_upload(data, uploaded_by=actor, now=now, private=True)
    old = [permit.image_id] if permit.image_id is not None else []
    permit.image = image
    permit.updated_at = now
    audit.record(
        "business.permit_photo",
        actor=actor,
        object_type="business",
        object_id=business.id,
        community_id=business.community_id,
        details={"kind": kind.value, "image_id": image.id},
        at=now,
    )
    return permit, old
