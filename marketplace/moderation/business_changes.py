"""Pending business changes (the "Perubahan usaha" queue): reading them as old → new
diffs, and a moderator approving (the new values go live) or refusing them with a reason.
Stale-decision guard: a decision names the change's version the moderator saw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..auth.models import User
from ..db import get_by_id
from ..errors import InvalidInput, NotAllowed, StaleVersion
from ..extensions import db
from ..listings.models import BusinessChange, ChangeStatus
from ..reference.models import District
from .notices import Notice, tell_community

FIELD_LABELS = {
    "name": _l("Nama usaha"),
    "whatsapp": _l("Nomor WhatsApp"),
    "instagram": "Instagram",
    "tokopedia_url": "Tokopedia",
    "shopee_url": "Shopee",
    "district_id": _l("Kecamatan"),
    "story": _l("Cerita usaha"),
}
MAX_REASON = 500


@dataclass
class DiffRow:
    """One changed field as staff read it: label, old and new value as text."""

    field: str
    label: str
    old: str
    new: str


def _shown(field: str, value) -> str:
    if value in (None, ""):
        return "–"
    if field == "district_id":
        district = get_by_id(District, value)
        return district.name if district else str(value)
    return str(value)


def diff(change: BusinessChange) -> list[DiffRow]:
    """The change's fields in form order, as text for the queue."""
    return [
        DiffRow(f, str(FIELD_LABELS.get(f, f)), _shown(f, old), _shown(f, new))
        for f, (old, new) in change.changes.items()
    ]


def pending_changes() -> list[BusinessChange]:
    """Every pending change, oldest first (the queue)."""
    return list(
        db.session.execute(
            sa.select(BusinessChange)
            .where(BusinessChange.status == ChangeStatus.PENDING)
            .order_by(BusinessChange.created_at, BusinessChange.id)
        ).scalars()
    )


def decide_change(
    change: BusinessChange,
    *,
    approve: bool,
    version: int,
    reason: str,
    actor: User,
    now: datetime,
) -> Notice:
    """Approve (the new values go live on the business) or refuse (``reason`` required,
    ≤ 500 characters) the pending ``change`` as of ``version``. Raises NotAllowed for a
    non-staff actor, StaleVersion when the change was edited or decided since the moderator
    opened it (also when another moderator's decision commits first), InvalidInput for a
    missing or too long reason. Audited; the community is notified in the portal, and the
    returned Notice is its e-mail for after the commit. Flushes, never commits."""
    if actor is None or not actor.is_staff:
        raise NotAllowed()
    if change.status != ChangeStatus.PENDING or change.version != version:
        raise StaleVersion(
            _("Perubahan ini sudah diubah atau diputuskan sejak Anda membukanya. Muat ulang.")
        )
    reason = " ".join((reason or "").split())
    if not approve and not reason:
        raise InvalidInput(_("Tuliskan alasan penolakan untuk komunitas."))
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("Alasan paling banyak 500 karakter."))
    business = change.business
    if approve:
        for field, (_old, new) in change.changes.items():
            setattr(business, field, new)
        business.updated_at = now
    change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REFUSED
    change.decided_by_id, change.decided_at = actor.id, now
    change.reason = reason or None
    change.version = version + 1
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(
            _("Perubahan ini baru saja diputuskan moderator lain. Muat ulang halaman.")
        ) from None
    audit.record(
        "business.change_approve" if approve else "business.change_refuse",
        actor=actor,
        object_type="business",
        object_id=business.id,
        community_id=business.community_id,
        reason=reason or None,
        at=now,
        details={"change_id": change.id, "version": version, "changes": change.changes},
    )
    with force_locale("id"):  # the community's language, whatever the moderator reads
        fields = ", ".join(str(FIELD_LABELS.get(f, f)) for f in change.changes)
        if approve:
            message = _(
                "Perubahan data usaha %(name)s (%(fields)s) disetujui dan sudah tampil di katalog.",
                name=business.name,
                fields=fields,
            )
        else:
            message = _(
                "Perubahan data usaha %(name)s (%(fields)s) ditolak: %(reason)s",
                name=business.name,
                fields=fields,
                reason=reason,
            )
        subject = _("Perubahan usaha %(name)s diputuskan", name=business.name)
    return tell_community(
        business.community_id, message, kind="business_change", subject=subject, now=now
    )
