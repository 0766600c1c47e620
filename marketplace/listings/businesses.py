"""Creating and editing a community's businesses (usaha): parsing the form, audited saves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..auth.models import Role, User
from ..db import get_by_id
from ..errors import FormErrors, InvalidInput, NotAllowed
from ..extensions import db
from ..inputs import clean_text, parse_instagram, parse_whatsapp
from ..reference.models import District
from . import permits
from .models import REVIEWED_FIELDS, Business, BusinessChange, ChangeStatus, Listing, ListingStatus
from .state import is_own

PERMIT_INPUTS = ("nib", "halal_number", "pirt_number", "halal_expires_on", "pirt_expires_on")


@dataclass
class BusinessInput:
    """What the business form sends, as typed (strings)."""

    name: str
    owner_name: str
    district_id: int
    whatsapp: str
    instagram: str = ""
    tokopedia_url: str = ""
    shopee_url: str = ""
    nib: str = ""
    halal_number: str = ""
    pirt_number: str = ""
    halal_expires_on: str = ""
    pirt_expires_on: str = ""
    story: str = ""


# The marketplaces a business may link to, by the hosts their shop and share links use. A
# link elsewhere is refused: shoppers trust a "Shopee" button to open Shopee.
MARKETPLACE_HOSTS = {
    "Tokopedia": ("tokopedia.com", "tokopedia.link"),
    "Shopee": ("shopee.co.id", "shope.ee", "shp.ee"),
}


def _clean_url(raw: str, field: str) -> str | None:
    """A shop link on the marketplace ``field`` names, as an https URL; empty → None.

    Raises InvalidInput for a malformed link or one on another site."""
    text = (raw or "").strip()
    if not text:
        return None
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if len(text) > 300 or any(ch.isspace() for ch in text) or not host:
        raise InvalidInput(_("Tautan %(field)s tidak valid.", field=field))
    allowed = MARKETPLACE_HOSTS[field]
    if not any(host == h or host.endswith("." + h) for h in allowed):
        raise InvalidInput(
            _("Tautan %(field)s harus alamat %(host)s.", field=field, host=allowed[0])
        )
    return "https://" + text.split("://", 1)[1]


def _apply_business(business: Business, data: BusinessInput) -> dict[str, str]:
    """Parse every field; collect messages per field so the form can show them all."""
    errors: dict[str, str] = {}

    def take(field, fn):
        try:
            setattr(business, field, fn())
        except InvalidInput as exc:
            errors[field] = exc.message

    take(
        "name", lambda: clean_text(data.name, max_length=120, field=_("Nama usaha"), required=True)
    )
    take("owner_name", lambda: clean_text(data.owner_name, max_length=120, field=_("Nama pemilik")))
    take("whatsapp", lambda: parse_whatsapp(data.whatsapp))
    take("instagram", lambda: parse_instagram(data.instagram))
    take("tokopedia_url", lambda: _clean_url(data.tokopedia_url, "Tokopedia"))
    take("shopee_url", lambda: _clean_url(data.shopee_url, "Shopee"))
    take(
        "story",
        lambda: clean_text(data.story, max_length=1000, field=_("Cerita usaha"), multiline=True),
    )
    if get_by_id(District, data.district_id) is None:
        errors["district_id"] = _("Pilih kecamatan.")
    else:
        business.district_id = data.district_id
    return errors


def save_business(
    business: Business | None, data: BusinessInput, *, actor: User, now: datetime
) -> Business:
    """Create (``business`` None) or update a business of the actor's community.

    Raises FormErrors (field → message) when any field is wrong; nothing is changed then.
    """
    if actor.role != Role.MEMBER or actor.community_id is None:
        raise NotAllowed()
    target = Business(community_id=actor.community_id) if business is None else business
    if business is not None and not is_own(business, actor):
        raise NotAllowed()
    public_fields = REVIEWED_FIELDS
    before = {f: getattr(target, f) for f in public_fields}
    with db.session.no_autoflush:
        errors = _apply_business(target, data)
        wanted, permit_errors = permits.parse_permits(
            target, {f: getattr(data, f) for f in PERMIT_INPUTS}, at=now
        )
    errors.update(permit_errors)
    if errors:
        if business is not None:
            db.session.refresh(target)  # undo the half-applied edit
        raise FormErrors(errors)
    if business is None:
        target.created_at = now
        db.session.add(target)
    permit_changes = permits.apply_permits(target, wanted, at=now)
    if business is not None and has_public_listings(business):
        # Shoppers keep the checked values: the edit waits for a moderator.
        _hold_for_review(target, before, actor=actor, now=now)
    target.updated_at = now
    db.session.flush()
    # Old → new for every public field that changed: staff answering a complaint ("the
    # number on your site is not the seller's") can see what it was and who changed it.
    changes = {
        f: [before[f], getattr(target, f)]
        for f in public_fields
        if business is not None and before[f] != getattr(target, f)
    }
    details: dict = {"changes": changes} if changes else {}
    if permit_changes:  # which permits were added, changed or removed (numbers stay out)
        details["permits"] = {c.kind.value: c.change for c in permit_changes}
    audit.record(
        "business.create" if business is None else "business.update",
        actor=actor,
        object_type="business",
        object_id=target.id,
        community_id=target.community_id,
        at=now,
        details=details or None,
    )
    return target


def has_public_listings(business: Business) -> bool:
    """True while the business has an approved listing (public or about to be): its public
    fields then change only through a moderator (``BusinessChange``)."""
    return db.session.execute(
        sa.select(
            sa.exists().where(
                Listing.business_id == business.id, Listing.status == ListingStatus.APPROVED
            )
        )
    ).scalar_one()


def pending_change(business: Business) -> BusinessChange | None:
    """The business's change waiting for a moderator, if any."""
    return db.session.execute(
        sa.select(BusinessChange).where(
            BusinessChange.business_id == business.id,
            BusinessChange.status == ChangeStatus.PENDING,
        )
    ).scalar_one_or_none()


def last_decided_change(business: Business) -> BusinessChange | None:
    """The business's most recently decided change (the portal shows its reason)."""
    return db.session.execute(
        sa.select(BusinessChange)
        .where(
            BusinessChange.business_id == business.id,
            BusinessChange.status.in_((ChangeStatus.APPROVED, ChangeStatus.REFUSED)),
        )
        .order_by(BusinessChange.decided_at.desc(), BusinessChange.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _hold_for_review(business: Business, live: dict, *, actor: User, now: datetime) -> None:
    """Put the live values back on ``business`` and keep what the community typed as its
    one pending change (created, updated with a version bump, or withdrawn when the values
    are back to the live ones). Audited."""
    changes = {
        f: [live[f], getattr(business, f)]
        for f in REVIEWED_FIELDS
        if live[f] != getattr(business, f)
    }
    for f in REVIEWED_FIELDS:
        setattr(business, f, live[f])
    pending = pending_change(business)
    if pending is None and not changes:
        return
    if pending is None:
        pending = BusinessChange(
            business_id=business.id,
            community_id=business.community_id,
            changes=changes,
            created_by_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(pending)
        action = "business.change_request"
    elif changes:
        if pending.changes == changes:
            return
        pending.changes, pending.updated_at = changes, now
        pending.created_by_id = actor.id
        pending.version += 1
        action = "business.change_request"
    else:
        pending.status, pending.updated_at = ChangeStatus.WITHDRAWN, now
        pending.version += 1
        action = "business.change_withdraw"
    db.session.flush()
    audit.record(
        action,
        actor=actor,
        object_type="business",
        object_id=business.id,
        community_id=business.community_id,
        at=now,
        details={"change_id": pending.id, "version": pending.version, "changes": changes},
    )


IMPORT_FIELDS = (
    "name",
    "owner_name",
    "district_id",
    "whatsapp",
    "instagram",
    "tokopedia_url",
    "shopee_url",
    "story",
)


def business_values(data: BusinessInput) -> dict:
    """The business form's rules on ``data`` without saving anything: field → parsed value
    for ``IMPORT_FIELDS`` (whatsapp as E.164, links as https, None for empty optional
    fields). Raises FormErrors (field → Indonesian message). Used by the bulk import."""
    probe = Business()
    with db.session.no_autoflush:
        errors = _apply_business(probe, data)
    if errors:
        raise FormErrors(errors)
    return {f: getattr(probe, f) for f in IMPORT_FIELDS}
