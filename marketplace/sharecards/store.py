"""Share cards kept in media storage by content key: drawn once, then read back."""

from __future__ import annotations

import io
import logging

from flask import current_app
from PIL import Image

from ..catalogue.cards import CardSpec
from ..listings.models import Listing
from ..media.storage import get_storage, storage_for
from ..media.sweep import GENERATED_PREFIX
from ..site_settings import get_settings
from .render import CardLook, draw_card, to_jpeg

log = logging.getLogger(__name__)
PREFIX = GENERATED_PREFIX + "cards/"
PHOTO_WIDTH = 640  # the smallest derivative that fills a 600×630 tile without upscaling much


def storage_key(spec: CardSpec) -> str:
    """``generated/cards/<key>.jpg``: never a photo key, so the media sweep leaves it."""
    return f"{PREFIX}{spec.key}.jpg"


def cover_photo(listing: Listing) -> Image.Image | None:
    """The listing's cover as pixels: the narrowest WebP at least 640 px wide (else the
    widest) the media pipeline wrote. Our own re-encoded files, never an upload; None when
    there is none or storage fails (the card draws a plain tile instead)."""
    cover = listing.cover
    if cover is None:
        return None
    webs = sorted(cover.image.web_variants(), key=lambda v: v.width)
    variant = next((v for v in webs if v.width >= PHOTO_WIDTH), webs[-1] if webs else None)
    variant = variant or cover.image.variant("ig1080")
    if variant is None:
        return None
    try:
        data = storage_for(variant).open(variant.key)
        picture = Image.open(io.BytesIO(data), formats=("WEBP", "JPEG"))
        picture.load()
        return picture
    except Exception:  # a missing object or a storage outage: the card is drawn anyway
        log.warning("share card: photo %s of listing %s not readable", variant.key, listing.id)
        return None


def look(spec: CardSpec) -> CardLook:
    settings = get_settings()
    return CardLook(
        site_name=current_app.config.get("SITE_NAME", "Etalase UMKM"),
        heading=spec.heading,
        summary=spec.summary,
        agency_name=settings.agency_name,
        brand_color=settings.brand_color,
        accent_color=settings.accent_color,
        text_color=settings.text_color,
    )


def card_jpeg(spec: CardSpec) -> bytes:
    """The card's JPEG: read from storage, or drawn and saved there first (a save is whole
    or nothing, so two workers drawing the same card at once both store the same bytes).
    Site settings (colours, agency name) are not part of the key: a change to them shows
    on cards drawn after it."""
    storage = get_storage()
    key = storage_key(spec)
    try:
        return storage.open(key)
    except FileNotFoundError:
        pass
    data = to_jpeg(draw_card(look(spec), [cover_photo(item) for item in spec.listings]).image)
    storage.save(key, data, "image/jpeg")
    return data
