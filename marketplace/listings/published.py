"""What the portal shows for a published listing: "Tayang", its public link and a WhatsApp
share link the coordinator sends to the seller. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, request, url_for
from flask_babel import gettext as _

from ..slugs import slugify
from ..whatsapp import wa_me_url
from .models import Listing


@dataclass(frozen=True)
class PublicLinks:
    """``url``: the absolute public page; ``share``: a ``wa.me`` share link carrying it."""

    url: str
    share: str


def is_public(listing: Listing, now: datetime) -> bool:
    """Approved, its round published at ``now`` and not hidden by reports: the one rule,
    ``Listing.is_public`` (the catalogue's filter is its SQL twin)."""
    return listing.is_public(now)


def public_links(listing: Listing) -> PublicLinks:
    """The public URL (``SITE_URL`` when set, else this request's root) and a share link."""
    path = url_for("catalogue.listing", listing_id=listing.id, slug=slugify(listing.title))
    base = current_app.config.get("SITE_URL") or request.url_root
    url = base.rstrip("/") + path
    text = _(
        "Produk Anda \"%(title)s\" sudah tayang di %(site)s: %(url)s",
        title=listing.title,
        site=current_app.config["SITE_NAME"],
        url=url,
    )
    return PublicLinks(url=url, share=wa_me_url(None, text))


def published_links(listings: list[Listing], now: datetime) -> dict[int, PublicLinks]:
    """listing id → its links, for the listings that are public at ``now``."""
    return {l.id: public_links(l) for l in listings if is_public(l, now)}
