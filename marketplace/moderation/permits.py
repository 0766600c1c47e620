"""Permit checks (NIB, P-IRT, halal): which permits staff have not checked yet, and marking
them checked (the public sees a badge only for checked, unexpired ones:
``Business.badges``)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from .. import audit
from ..auth.models import User
from ..errors import NotAllowed
from ..extensions import db
from ..listings.models import PERMIT_KINDS, PERMIT_LABELS, Business, PermitKind
from .notices import Notice, tell_community

# The staff form's checkbox for each kind (moderation.forms.PermitForm).
CHECK_FIELDS = {
    PermitKind.NIB: "nib_checked",
    PermitKind.PIRT: "pirt_checked",
    PermitKind.HALAL: "halal_checked",
}


def unchecked_permits(business: Business) -> list[str]:
    """Labels of the permits the business entered that no moderator checked yet."""
    return [
        str(p.label)
        for k in PERMIT_KINDS
        if (p := business.permit(k)) is not None and p.checked_at is None
    ]


def set_permits_checked(
    business: Business, checked: dict[PermitKind, bool], *, actor: User, now: datetime
) -> Notice | None:
    """Mark each entered permit checked (stamping ``checked_by``/``checked_at``) or not.
    A kind the business has no permit of cannot be checked; a kind missing from
    ``checked`` counts as not checked. Audited when anything changed (``details``: kind →
    bool) and told to the community (in the portal now; the returned Notice is its e-mail
    for after the commit; None when nothing changed). Flushes, never commits. Raises
    NotAllowed for a non-staff actor."""
    if actor is None or not actor.is_staff:
        raise NotAllowed()
    changes = {}
    for kind in PERMIT_KINDS:
        permit = business.permit(kind)
        if permit is None:
            continue
        want = bool(checked.get(kind))
        if (permit.checked_at is not None) != want:
            changes[kind.value] = want
            permit.checked_at = now if want else None
            permit.checked_by_id = actor.id if want else None
    if changes:
        db.session.flush()
        audit.record(
            "business.permits",
            actor=actor,
            object_type="business",
            object_id=business.id,
            community_id=business.community_id,
            at=now,
            details=changes,
        )
        return _permit_notice(business, changes, now)
    return None


def _permit_notice(business: Business, changes: dict[str, bool], now: datetime) -> Notice:
    with force_locale("id"):
        kinds = [PermitKind(k) for k in changes]
        shown = ", ".join(str(PERMIT_LABELS[k]) for k in kinds if changes[k.value])
        withdrawn = ", ".join(str(PERMIT_LABELS[k]) for k in kinds if not changes[k.value])
        lines = [_("Pemeriksaan izin usaha %(name)s oleh Dinas:", name=business.name)]
        if shown:
            lines.append(
                _("%(kinds)s sudah diperiksa; tandanya tampil di produk usaha ini.", kinds=shown)
            )
        if withdrawn:
            lines.append(
                _(
                    "%(kinds)s belum dapat dipastikan; tandanya tidak ditampilkan. Periksa "
                    "nomor dan masa berlakunya di data usaha.",
                    kinds=withdrawn,
                )
            )
        subject = _("Pemeriksaan izin %(name)s", name=business.name)
    return tell_community(
        business.community_id, "\n".join(lines), kind="business.permits", subject=subject, now=now
    )


def check_form_data(business: Business) -> dict[str, bool]:
    """The staff form's checkboxes filled from the business's permits."""
    return {
        field: (p := business.permit(kind)) is not None and p.checked_at is not None
        for kind, field in CHECK_FIELDS.items()
    }
