"""What a shared listing shows: WhatsApp links, the Open Graph image, schema.org data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..listings.models import PERMIT_LABELS, Business, Listing
from ..listings.stock import schema_availability
from ..whatsapp import wa_me_url
from .urls import absolute, media_src


def whatsapp_url(business: Business, message: str) -> str | None:
    """``https://wa.me/<digits>?text=<message, URL-encoded>``, built only from the business's
    normalised digits; None when there are none."""
    digits = business.whatsapp_digits
    if not digits:
        return None
    return wa_me_url(digits, message)


def whatsapp_message(listing: Listing, product_url: str, site_name: str) -> str:
    """The prefilled message: names the product and its absolute URL."""
    from flask_babel import gettext as _

    return _(
        "Halo, saya tertarik dengan %(title)s di %(site)s: %(url)s",
        title=listing.title,
        site=site_name,
        url=product_url,
    )


OG_IMAGE_MAX_BYTES = 300 * 1024


@dataclass
class OgImage:
    url: str
    width: int
    height: int
    content_type: str


def og_image(listing: Listing) -> OgImage | None:
    """The cover photo for link previews: the Instagram JPEG (``ig1080``, what WhatsApp
    shows best) when it is under 300 KB, else the largest WebP under 300 KB."""
    image = listing.cover.image if listing.cover else None
    if image is None:
        return None
    candidates = [image.variant("ig1080")] + sorted(image.web_variants(), key=lambda v: -v.width)
    for v in candidates:
        if v is not None and (v.size or 0) <= OG_IMAGE_MAX_BYTES:
            return OgImage(
                url=absolute(media_src(v)),
                width=v.width,
                height=v.height,
                content_type=v.content_type,
            )
    return None


def product_data(listing: Listing, product_url: str, image: str | None, *, at: datetime) -> dict:
    """schema.org Product (rendered as JSON-LD by ``tojson``, which escapes ``<``, ``>``,
    ``&`` and quotes, so a title cannot close the script element). The business's checked,
    unexpired permits at ``at`` become ``hasCertification`` (never a number). Only a listing
    with a price gets an ``Offer`` (Google refuses one without); its ``availability`` follows
    the community's stock mark (``listings.stock``)."""
    business = listing.business
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": listing.title,
        "description": listing.description[:500],
        "url": product_url,
        "sku": str(listing.id),
        "category": listing.category.name,
        "brand": {"@type": "Brand", "name": business.name},
    }
    if image:
        data["image"] = [image]
    certifications = [
        {"@type": "Certification", "name": str(PERMIT_LABELS[kind])} for kind in business.badges(at)
    ]
    if certifications:
        data["hasCertification"] = certifications
    if listing.price is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": listing.price,
            "priceCurrency": "IDR",
            "availability": schema_availability(listing),
            "itemCondition": "https://schema.org/NewCondition",
            "url": product_url,
            "seller": {
                "@type": "Organization",
                "name": business.name,
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": business.district.name,
                    "addressRegion": "Banten",
                    "addressCountry": "ID",
                },
            },
        }
    return data


def breadcrumb_data(listing: Listing, product_url: str) -> dict:
    """schema.org BreadcrumbList of a listing page: Katalog › its category › the listing
    (absolute URLs; what the page's crumbs show)."""
    from flask_babel import gettext as _

    from .urls import absolute_url_for

    trail = [
        (_("Katalog"), absolute_url_for("catalogue.catalogue")),
        (
            listing.category.name,
            absolute_url_for("catalogue.catalogue", kategori=listing.category.slug),
        ),
        (listing.title, product_url),
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def share_url(listing: Listing, product_url: str) -> str:
    """ "Share on WhatsApp": ``https://wa.me/?text=`` with the product's URL first (so the
    preview is built from it), then its name and price."""
    from ..formatting import rupiah

    text = f"{product_url}\n{listing.title} · {rupiah(listing.price)}"
    return wa_me_url(None, text)
