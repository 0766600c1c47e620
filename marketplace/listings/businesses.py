"""Creating and editing a community's businesses (usaha): parsing the form, audited saves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _

from .. import audit
from ..auth.models import Role, User
from ..db import get_by_id
from ..errors import FormErrors, InvalidInput, NotAllowed
from ..extensions import db
from ..inputs import clean_text, parse_instagram, parse_whatsapp
from ..reference.models import District
from .models import Business
from .state import is_own


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
    take("nib", lambda: clean_text(data.nib, max_length=20, field="NIB") or None)
    take(
        "halal_number",
        lambda: clean_text(data.halal_number, max_length=60, field=_("Nomor halal")) or None,
    )
    take("pirt_number", lambda: clean_text(data.pirt_number, max_length=30, field="P-IRT") or None)
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
    public_fields = (
        "name",
        "whatsapp",
        "instagram",
        "tokopedia_url",
        "shopee_url",
        "district_id",
        "story",
    )
    before = {f: getattr(target, f) for f in public_fields}
    with db.session.no_autoflush:
        errors = _apply_business(target, data)
    if errors:
        if business is not None:
            db.session.refresh(target)  # undo the half-applied edit
        raise FormErrors(errors)
    if business is None:
        target.created_at = now
        db.session.add(target)
    target.updated_at = now
    db.session.flush()
    # Old → new for every public field that changed: staff answering a complaint ("the
    # number on your site is not the seller's") can see what it was and who changed it.
    changes = {
        f: [before[f], getattr(target, f)]
        for f in public_fields
        if business is not None and before[f] != getattr(target, f)
    }
    audit.record(
        "business.create" if business is None else "business.update",
        actor=actor,
        object_type="business",
        object_id=target.id,
        community_id=target.community_id,
        at=now,
        details={"changes": changes} if changes else None,
    )
    return target
