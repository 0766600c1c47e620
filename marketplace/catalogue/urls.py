"""Absolute URLs for public pages and media, and the image variant a page shows.

Building a URL needs an app and, without ``SITE_URL``, a request.
"""

from __future__ import annotations

from ..listings.models import Listing
from ..slugs import slugify


def absolute(url: str) -> str:
    """Make a site-relative URL absolute, with ``SITE_URL`` when set (behind a proxy or for
    links built outside a request), else the request's own root."""
    from flask import current_app, request

    if url.startswith(("http://", "https://")):
        return url
    base = current_app.config.get("SITE_URL") or request.url_root
    return base.rstrip("/") + "/" + url.lstrip("/")


def absolute_url_for(endpoint: str, **values) -> str:
    """``url_for`` made absolute (see ``absolute``)."""
    from flask import url_for

    return absolute(url_for(endpoint, **values))


def media_src(variant) -> str:
    """The URL of a stored image variant (local media view, CDN or presigned S3)."""
    from ..media.services import variant_url

    return variant_url(variant)


def best_variant(image, name: str = "w640"):
    """The named WebP variant, else the largest web variant, else the largest of any kind."""
    if image is None:
        return None
    v = image.variant(name)
    if v is not None:
        return v
    web = image.web_variants() or list(image.variants)
    return max(web, key=lambda x: x.width) if web else None


def listing_path_values(listing: Listing) -> dict:
    """``url_for`` values for the canonical listing URL."""
    return {"listing_id": listing.id, "slug": slugify(listing.title)}
