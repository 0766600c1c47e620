"""Preset moderation reasons: the active list staff pick from, resolving a decision's reason,
and the admins' edits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..auth.access import require_admin
from ..auth.models import User
from ..db import get_by_id
from ..errors import FormErrors, InvalidInput
from ..extensions import db
from ..inputs import clean_text
from ..slugs import slugify
from .models import REASON_REQUIRED, DecisionAction, ModerationReason

REASON_MAX = 200


def active_reasons() -> list[ModerationReason]:
    """Preset reasons staff may pick, in their display order."""
    return list(
        db.session.execute(
            sa.select(ModerationReason)
            .where(ModerationReason.is_active.is_(True))
            .order_by(ModerationReason.sort_order, ModerationReason.id)
        ).scalars()
    )


def resolve_reason(
    action: DecisionAction, reason_id: int | None, reason_text: str | None
) -> tuple[ModerationReason | None, str | None]:
    """(preset, the reason text written to the decision and the audit trail).

    Raises FormErrors keyed by form field when the reason is missing, unknown or too long.
    """
    preset = None
    if reason_id:
        preset = get_by_id(ModerationReason, reason_id)
        if preset is None or not preset.is_active:
            raise FormErrors({"reason_id": _("Pilih alasan dari daftar.")})
    try:
        text = clean_text(reason_text, max_length=REASON_MAX, field=_("Alasan"))
    except InvalidInput as exc:
        raise FormErrors({"reason_text": exc.message}) from None
    if action in REASON_REQUIRED and preset is None and not text:
        raise FormErrors({"reason_id": _("Pilih alasan atau tuliskan alasannya.")})
    if preset is not None and text:
        reason = f"{preset.label}: {text}"[:REASON_MAX]
    else:
        reason = (preset.label if preset else text) or None
    return preset, reason


def all_reasons() -> list[ModerationReason]:
    """Every preset reason, active ones first, in display order."""
    return list(
        db.session.execute(
            sa.select(ModerationReason).order_by(
                ModerationReason.is_active.desc(), ModerationReason.sort_order, ModerationReason.id
            )
        ).scalars()
    )


def save_reason(
    reason: ModerationReason | None,
    *,
    label: str,
    explanation: str,
    sort_order: int,
    is_active: bool,
    actor: User,
    now: datetime,
) -> ModerationReason:
    """Add (``reason`` None) or change a preset reason: a short label (≤ 80) and the longer
    explanation sent to the community (≤ 1,000). Admins only; audited. Raises FormErrors."""
    require_admin(actor)
    errors = {}
    try:
        label = clean_text(label, max_length=80, field=_("Label"), required=True)
    except InvalidInput as exc:
        errors["label"] = exc.message
    try:
        explanation = clean_text(
            explanation, max_length=1000, field=_("Penjelasan"), multiline=True, required=True
        )
    except InvalidInput as exc:
        errors["explanation"] = exc.message
    if errors:
        raise FormErrors(errors)
    before = (
        None
        if reason is None
        else {
            "label": reason.label,
            "explanation": reason.explanation,
            "sort_order": reason.sort_order,
            "is_active": reason.is_active,
        }
    )
    if reason is None:
        base = slugify(label, max_length=30, fallback="alasan")
        code, n = base, 1
        while db.session.execute(
            sa.select(ModerationReason.id).where(ModerationReason.code == code)
        ).first():
            n += 1
            code = f"{base}-{n}"
        reason = ModerationReason(code=code)
        db.session.add(reason)
    reason.label, reason.explanation = label, explanation
    reason.sort_order, reason.is_active = max(0, min(int(sort_order or 0), 9999)), bool(is_active)
    db.session.flush()
    audit.record(
        "reason.create" if before is None else "reason.update",
        actor=actor,
        object_type="moderation_reason",
        object_id=reason.id,
        at=now,
        details={
            "before": before,
            "after": {
                "label": reason.label,
                "explanation": reason.explanation,
                "sort_order": reason.sort_order,
                "is_active": reason.is_active,
            },
        },
    )
    return reason
