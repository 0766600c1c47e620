"""The feeds as text: Meta's catalogue CSV, Google Merchant RSS 2.0 (``g:`` namespace) and
an Atom 1.0 feed of rounds. Pure functions over plain values (no database, no request).

Cells are not guarded against spreadsheet formulas: these files are read by Meta and Google,
and a leading apostrophe would show in the shop's product titles.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from .products import Feed

G_NS = "http://base.google.com/ns/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
META_COLUMNS = [
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
    "additional_image_link",
    "product_type",
    "custom_label_0",
]


def price_text(rupiah: int) -> str:
    """``15000 IDR``: the amount and ISO 4217 code both feeds ask for (no separators)."""
    return f"{int(rupiah)} IDR"


def meta_csv(feed: Feed) -> str:
    """Meta's catalogue data feed (CSV, a header row of field names, UTF-8): one row per
    item; ``additional_image_link`` comma-separated; ``product_type`` the category,
    ``custom_label_0`` the district."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(META_COLUMNS)
    for item in feed.items:
        writer.writerow(
            [
                item.id,
                item.title,
                item.description,
                item.availability,
                item.condition,
                price_text(item.price),
                item.link,
                item.image_link,
                item.brand,
                ",".join(item.additional_images[:20]),
                item.category,
                item.district,
            ]
        )
    return out.getvalue()


def _sub(parent, tag: str, text: str | None = None, **attrs):
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def google_rss(feed: Feed, *, title: str, link: str, description: str) -> bytes:
    """Google Merchant Center feed: RSS 2.0, one ``<item>`` per listing with ``g:id``,
    ``g:title``, ``g:description``, ``g:link``, ``g:image_link``, ``g:availability``
    (``in_stock``, ``out_of_stock``, ``preorder``), ``g:condition``, ``g:price``, ``g:brand``
    (+ extra images, product type, a district label); the number of priceless listings left
    out in an XML comment."""
    ET.register_namespace("g", G_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", link)
    _sub(channel, "description", description)
    channel.append(
        ET.Comment(
            f" left out: {feed.skipped_no_price} without a price, "
            f"{feed.skipped_no_image} without a photo "
        )
    )
    g = f"{{{G_NS}}}"
    for item in feed.items:
        node = _sub(channel, "item")
        _sub(node, g + "id", item.id)
        _sub(node, g + "title", item.title)
        _sub(node, g + "description", item.description)
        _sub(node, g + "link", item.link)
        _sub(node, g + "image_link", item.image_link)
        for extra in item.additional_images[:10]:
            _sub(node, g + "additional_image_link", extra)
        _sub(node, g + "availability", item.availability.replace(" ", "_"))
        _sub(node, g + "condition", item.condition)
        _sub(node, g + "price", price_text(item.price))
        _sub(node, g + "brand", item.brand)
        _sub(node, g + "identifier_exists", "no")
        _sub(node, g + "product_type", item.category)
        _sub(node, g + "custom_label_0", item.district)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


@dataclass
class AtomEntry:
    """One published round in the Atom feed (times aware UTC)."""

    id: str
    title: str
    link: str
    updated: datetime
    summary: str


def _stamp(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def rounds_atom(
    entries: list[AtomEntry], *, feed_id: str, title: str, self_link: str, site_link: str
) -> bytes:
    """Atom 1.0 (RFC 4287): ``feed`` with ``id``, ``title``, ``updated`` (the newest entry,
    or the epoch when empty), ``link rel=self`` and ``author``; one ``entry`` per round."""
    ET.register_namespace("", ATOM_NS)
    a = f"{{{ATOM_NS}}}"
    root = ET.Element(a + "feed")
    _sub(root, a + "id", feed_id)
    _sub(root, a + "title", title)
    newest = max((e.updated for e in entries), default=None)
    _sub(root, a + "updated", _stamp(newest) if newest else "1970-01-01T00:00:00Z")
    _sub(root, a + "link", rel="self", href=self_link, type="application/atom+xml")
    _sub(root, a + "link", rel="alternate", href=site_link, type="text/html")
    author = _sub(root, a + "author")
    _sub(author, a + "name", title)
    for e in entries:
        node = _sub(root, a + "entry")
        _sub(node, a + "id", e.id)
        _sub(node, a + "title", e.title)
        _sub(node, a + "updated", _stamp(e.updated))
        _sub(node, a + "link", rel="alternate", href=e.link, type="text/html")
        _sub(node, a + "summary", e.summary)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
