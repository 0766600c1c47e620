"""The Instagram kit of a round: which listings go in and in what order, how the slides
group into posts, the captions, and the ZIP.

The shape of a kit (also written into the ZIP's ``BACA-SAYA.txt``):

* post 0 is the **cover** on its own: one slide ("Edisi 14 · 12 Januari 2026", a mosaic of
  the first photos) and an announcing caption mentioning the communities;
* then the listing slides in the staff's order, **at most 10 per post** (Instagram's
  carousel limit): 23 listings make posts of 10, 10 and 3;
* every caption stays within Instagram's limits: 2,200 characters, 30 hashtags and
  20 @mentions. Long lists are made shorter (compact lines, then shorter names) before
  anything is cut, and the mentions and hashtags are kept.

Nothing here commits; ``save_selection`` flushes and audits.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from babel.dates import format_date
from flask import current_app
from flask_babel import gettext as _
from PIL import Image as PILImage
from sqlalchemy.orm import lazyload, selectinload

from .. import audit
from ..clock import now, to_wib
from ..errors import InvalidInput
from ..extensions import db
from ..formatting import rupiah
from ..inputs import format_phone
from ..listings.models import Listing, ListingStatus
from ..listings.permits import badges_for
from ..media.storage import storage_for
from ..rounds.models import Round
from ..shortlinks.codes import short_code
from ..shortlinks.qr import short_url
from ..site_settings import SiteSettings, get_settings
from ..slugs import slugify
from .models import KitEntry
from .slides import Brand, CoverCard, ListingCard, Slide, render_cover, render_listing

log = logging.getLogger(__name__)

POST_SIZE = 10  # Instagram carousel: at most 10 pictures per post
CAPTION_LIMIT = 2200  # characters
MAX_HASHTAGS = 30
MAX_MENTIONS = 20


# --- which round ------------------------------------------------------------------------------


def find_round(token: str) -> Round | None:
    """A round named on the command line: ``14`` is edition 14 (or, when no round has that
    edition, the round with id 14); ``id:5`` and ``edisi:14`` say which one explicitly."""
    token = (token or "").strip().lower()
    kind = None
    if ":" in token:
        kind, token = token.split(":", 1)
    if not token.isdecimal() or len(token) > 9:
        return None
    number = int(token)
    if kind in (None, "edisi", "edition"):
        rnd = db.session.execute(
            sa.select(Round).where(Round.edition == number)
        ).scalar_one_or_none()
        if rnd is not None or kind is not None:
            return rnd
    if kind in (None, "id"):
        return db.session.get(Round, number)
    return None


def kit_ready(rnd: Round, now: datetime) -> bool:
    """A kit is downloaded for a published round (its listings are public)."""
    return rnd.is_published(now)


# --- the selection ------------------------------------------------------------------------------


def approved_listings(rnd: Round, *, with_photos: bool = True) -> list[Listing]:
    """Every approved listing of the round, in approval order. ``with_photos=False`` leaves
    the photos (and their images and variants, three more queries and hundreds of rows) to
    load only if touched: the editor and captions never show them (#17, kit preview)."""
    options = [selectinload(Listing.community)]
    if not with_photos:
        options.append(lazyload(Listing.photos))
    return list(
        db.session.execute(
            sa.select(Listing)
            .where(Listing.round_id == rnd.id, Listing.status == ListingStatus.APPROVED)
            .options(*options)
            .order_by(Listing.approved_at, Listing.id)
        )
        .unique()
        .scalars()
    )


@dataclass
class SelectionRow:
    """One approved listing in the kit editor: its place, whether it goes in, and whether
    it was approved after the staff last saved their choice (``new``)."""

    listing: Listing
    position: int
    included: bool
    new: bool = False


def selection(rnd: Round, *, with_photos: bool = True) -> list[SelectionRow]:
    """The editor's rows in kit order: saved entries by position, then listings approved
    since (included), in approval order. Listings no longer approved drop out."""
    listings = approved_listings(rnd, with_photos=with_photos)
    entries = {
        e.listing_id: e
        for e in db.session.execute(
            sa.select(KitEntry).where(KitEntry.round_id == rnd.id)
        ).scalars()
    }
    saved = [l for l in listings if l.id in entries]
    saved.sort(key=lambda l: (entries[l.id].position, l.id))
    fresh = [l for l in listings if l.id not in entries]
    rows = [SelectionRow(l, i + 1, entries[l.id].included) for i, l in enumerate(saved)]
    rows += [
        SelectionRow(l, len(rows) + i + 1, True, new=bool(entries)) for i, l in enumerate(fresh)
    ]
    return rows


def kit_listings(rnd: Round) -> list[Listing]:
    """The listings that get a slide, in slide order."""
    return [row.listing for row in selection(rnd) if row.included]


def save_selection(
    rnd: Round, *, order: list[int], included: set[int], actor, now: datetime
) -> list[KitEntry]:
    """Store the staff's choice for ``rnd``: ``order`` lists listing ids first to last,
    ``included`` the ids that get a slide. Ids that are not approved listings of the
    round are ignored; approved ones missing from ``order`` keep their place after the
    rest. Audited as ``instagram.selection``. Flushes, never commits."""
    eligible = {row.listing.id: row for row in selection(rnd)}
    seen: list[int] = []
    for listing_id in order:
        if listing_id in eligible and listing_id not in seen:
            seen.append(listing_id)
    seen += [i for i in eligible if i not in seen]
    if not any(i in included for i in seen):
        raise InvalidInput(_("Pilih paling sedikit satu produk untuk kit Instagram."))
    db.session.execute(sa.delete(KitEntry).where(KitEntry.round_id == rnd.id))
    entries = [
        KitEntry(
            round_id=rnd.id,
            listing_id=i,
            position=n + 1,
            included=i in included,
            updated_at=now,
            updated_by_id=getattr(actor, "id", None),
        )
        for n, i in enumerate(seen)
    ]
    db.session.add_all(entries)
    db.session.flush()
    audit.record(
        "instagram.selection",
        actor=actor,
        object_type="round",
        object_id=rnd.id,
        at=now,
        details={
            "order": [i for i in seen if i in included],
            "left_out": [i for i in seen if i not in included],
        },
    )
    return entries


# --- posts and captions --------------------------------------------------------------------------


def group_posts(items: list, size: int = POST_SIZE) -> list[list]:
    """``items`` cut into consecutive posts of at most ``size`` (23 → 10, 10, 3)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def edition_date(rnd: Round) -> str:
    """The publication day in WIB, Indonesian: ``12 Januari 2026``."""
    return format_date(to_wib(rnd.publishes_at).date(), "d MMMM y", locale="id")


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def hashtags_for(settings: SiteSettings) -> list[str]:
    """The kit's hashtags, deduplicated (case-insensitively), at most 30."""
    out, seen = [], set()
    for tag in settings.hashtag_list:
        if tag.lower() not in seen:
            seen.add(tag.lower())
            out.append(tag)
    return out[:MAX_HASHTAGS]


def _fit_caption(blocks_by_level: list[list[str]], tail: list[str]) -> str:
    """The first level whose caption fits the limit; else the last one cut to fit, keeping
    ``tail`` (mentions and hashtags) whole."""
    tail_text = "\n\n".join(t for t in tail if t)
    for blocks in blocks_by_level:
        text = "\n\n".join([b for b in blocks if b] + ([tail_text] if tail_text else []))
        if len(text) <= CAPTION_LIMIT:
            return text
    body = "\n\n".join(b for b in blocks_by_level[-1] if b)
    room = CAPTION_LIMIT - (len(tail_text) + 2 if tail_text else 0)
    if room < 1:  # a tail alone over the limit (cannot happen with 30 tags of ≤ 60 chars)
        return _cut(tail_text, CAPTION_LIMIT)
    return (_cut(body, room) + ("\n\n" + tail_text if tail_text else "")).strip()


def _mention(handle: str | None) -> str | None:
    return f"@{handle}" if handle else None


def post_caption(
    rnd: Round,
    listings: list[Listing],
    *,
    part: int,
    parts: int,
    settings: SiteSettings | None = None,
) -> str:
    """The caption of listing post ``part`` of ``parts``: a heading, one entry per slide
    (name, price, business with its @mention, district, WhatsApp), the communities'
    mentions and the hashtags; within 2,200 characters, 30 hashtags and 20 mentions."""
    settings = settings or get_settings()
    site = current_app.config.get("SITE_NAME", "Etalase UMKM")
    head = _(
        "%(site)s %(edition)s · bagian %(part)s/%(parts)s",
        site=site,
        edition=rnd.title,
        part=part,
        parts=parts,
    )
    intro = _(
        "Produk UMKM Tangerang Selatan pilihan %(agency)s. Geser untuk melihat semuanya, "
        "lalu hubungi penjualnya lewat WhatsApp.",
        agency=settings.agency_name,
    )
    mentions: list[str] = []

    def mention(handle):
        m = _mention(handle)
        if m and m not in mentions and len(mentions) < MAX_MENTIONS:
            mentions.append(m)
        return m if m in mentions else None

    entries_full, entries_short, entries_tiny = [], [], []
    for n, l in enumerate(listings, start=1):
        price = rupiah(l.price, _("Hubungi penjual"))
        m = mention(l.business.instagram)
        who = f"{l.business.name} {m}" if m else l.business.name
        marks = "".join(f" · ✓ {label}" for _kind, label in badges_for(l.business, now()))
        entries_full.append(
            f"{n}. {l.title} – {price}{marks}\n{who} · {l.business.district.name} · "
            f"WA {format_phone(l.business.whatsapp)}"
        )
        entries_short.append(
            f"{n}. {_cut(l.title, 40)} – {price} · {m or _cut(l.business.name, 30)}"
        )
        entries_tiny.append(f"{n}. {_cut(l.title, 22)} {m or ''}".rstrip())
    communities = []
    for l in listings:
        m = _mention(l.community.instagram if l.community else None)
        if m and m not in mentions and len(mentions) < MAX_MENTIONS:
            mentions.append(m)
            communities.append(m)
    site_url = current_app.config.get("SITE_URL")
    more = (
        _(
            "Semua produk %(edition)s: %(url)s",
            edition=rnd.title,
            url=f"{site_url.rstrip('/')}/edisi/{rnd.edition}",
        )
        if site_url and rnd.edition
        else ""
    )
    tail = [
        _("Komunitas: %(names)s", names=" ".join(communities)) if communities else "",
        " ".join(hashtags_for(settings)),
    ]
    levels = [
        [head, intro, "\n\n".join(entries_full), more],
        [head, "\n".join(entries_short), more],
        [head, "\n".join(entries_tiny)],
    ]
    return _fit_caption(levels, tail)


def cover_caption(
    rnd: Round, listings: list[Listing], *, posts: int, settings: SiteSettings | None = None
) -> str:
    """The cover post's caption: what the edition is, how many products from how many
    communities, where to find them, the communities' mentions and the hashtags."""
    settings = settings or get_settings()
    site = current_app.config.get("SITE_NAME", "Etalase UMKM")
    communities = []
    for l in listings:
        m = _mention(l.community.instagram if l.community else None)
        if m and m not in communities:
            communities.append(m)
    n_comm = len({l.community_id for l in listings})
    lines = [
        _("%(site)s %(edition)s · %(date)s", site=site, edition=rnd.title, date=edition_date(rnd)),
        _(
            "%(n)s produk pilihan dari %(k)s komunitas UMKM Tangerang Selatan, dikurasi oleh "
            "%(agency)s. Lihat %(posts)s postingan berikutnya dan hubungi penjualnya "
            "langsung lewat "
            "WhatsApp.",
            n=len(listings),
            k=n_comm,
            agency=settings.agency_name,
            posts=posts,
        ),
    ]
    if settings.instagram_handle:
        lines.append(
            _("Ikuti @%(handle)s untuk edisi berikutnya.", handle=settings.instagram_handle)
        )
    site_url = current_app.config.get("SITE_URL")
    if site_url:
        lines.append(_("Katalog lengkap: %(url)s", url=site_url))
    tail = [" ".join(communities[:MAX_MENTIONS]), " ".join(hashtags_for(settings))]
    return _fit_caption([lines, lines[:2]], tail)


# --- slides ---------------------------------------------------------------------------------------


def brand(settings: SiteSettings | None = None) -> Brand:
    settings = settings or get_settings()
    return Brand(
        agency_name=settings.agency_name,
        brand_color=settings.brand_color,
        accent_color=settings.accent_color,
        text_color=settings.text_color,
        site_name=current_app.config.get("SITE_NAME", "Etalase UMKM"),
    )


def load_photo(listing: Listing) -> PILImage.Image | None:
    """The listing's cover photo as pixels: the ``ig1080`` JPEG (or the widest WebP) that
    the media pipeline wrote; None when there is none or storage fails (a placeholder is
    drawn then). These are our own re-encoded files, never an upload."""
    cover = listing.cover
    if cover is None:
        return None
    variant = cover.image.variant("ig1080")
    if variant is None:
        webs = cover.image.web_variants()
        variant = webs[-1] if webs else None
    if variant is None:
        return None
    try:
        data = storage_for(variant).open(variant.key)
        picture = PILImage.open(io.BytesIO(data), formats=("JPEG", "WEBP"))
        picture.load()
        return picture
    except Exception:  # missing object, storage outage: draw the slide anyway
        log.warning("kit: photo %s of listing %s not readable", variant.key, listing.id)
        return None


def price_with_unit(listing: Listing) -> str:
    """``Rp15.000 / pack``; "Hubungi penjual" without a price."""
    if listing.price is None:
        return _("Hubungi penjual")
    return f"{rupiah(listing.price)} / {listing.unit}"


def listing_card(listing: Listing, rnd: Round, *, with_photo: bool = True) -> ListingCard:
    return ListingCard(
        title=listing.title,
        price=price_with_unit(listing),
        business=listing.business.name,
        district=listing.business.district.name,
        whatsapp=format_phone(listing.business.whatsapp),
        edition=rnd.title,
        photo=load_photo(listing) if with_photo else None,
        code=short_code(listing.id),
        qr_url=short_url(short_code(listing.id)),
    )


def listing_slide(listing: Listing, rnd: Round, settings: SiteSettings | None = None) -> Slide:
    return render_listing(listing_card(listing, rnd), brand(settings))


def cover_slide(rnd: Round, listings: list[Listing], settings: SiteSettings | None = None) -> Slide:
    settings = settings or get_settings()
    n_comm = len({l.community_id for l in listings})
    photos = [p for p in (load_photo(l) for l in listings[:4]) if p is not None]
    card = CoverCard(
        heading=current_app.config.get("SITE_NAME", "Etalase UMKM"),
        edition_line=f"{rnd.title} · {edition_date(rnd)}",
        summary=_("%(n)s produk pilihan dari %(k)s komunitas UMKM", n=len(listings), k=n_comm),
        hashtags=" ".join(hashtags_for(settings)[:6]),
        photos=photos,
    )
    return render_cover(card, brand(settings))


# --- the kit --------------------------------------------------------------------------------------


@dataclass
class Post:
    """One Instagram post: its folder in the ZIP, its slides (None = the cover) and caption."""

    number: int
    folder: str
    listings: list[Listing | None]
    caption: str
    files: list[str] = field(default_factory=list)


def kit_plan(
    rnd: Round, settings: SiteSettings | None = None, rows: list[SelectionRow] | None = None
) -> list[Post]:
    """The posts of the kit, cover first, without drawing anything. ``rows``: the
    :func:`selection` already at hand (the kit page reads it once for both uses)."""
    settings = settings or get_settings()
    listings = kit_listings(rnd) if rows is None else [r.listing for r in rows if r.included]
    groups = group_posts(listings)
    posts = [
        Post(
            0,
            "00-sampul",
            [None],
            cover_caption(rnd, listings, posts=len(groups), settings=settings),
            ["01-sampul.jpg"],
        )
    ]
    for n, group in enumerate(groups, start=1):
        post = Post(
            n,
            f"{n:02d}-post",
            list(group),
            post_caption(rnd, group, part=n, parts=len(groups), settings=settings),
        )
        post.files = [
            f"{i:02d}-{slugify(l.title, max_length=40)}.jpg" for i, l in enumerate(group, start=1)
        ]
        posts.append(post)
    return posts


def kit_folder(rnd: Round) -> str:
    return f"etalase-{slugify(rnd.title, max_length=100, fallback='periode')}"


def readme(rnd: Round, posts: list[Post]) -> str:
    n = sum(len(p.listings) for p in posts[1:])
    lines = [
        _(
            "Kit Instagram %(edition)s (%(date)s): %(n)s produk dalam %(posts)s postingan "
            "carousel.",
            edition=rnd.title,
            date=edition_date(rnd),
            n=n,
            posts=len(posts) - 1,
        ),
        "",
        _(
            "1. Unggah 00-sampul/01-sampul.jpg sebagai postingan pertama, dengan teks dari "
            "00-sampul/caption.txt."
        ),
        _(
            "2. Setiap folder berikutnya (01-post, 02-post, …) adalah satu postingan carousel "
            "(paling banyak 10 foto, ukuran 1080×1350, rasio 4:5). Unggah fotonya sesuai urutan "
            "nama berkas, lalu tempel caption.txt di folder itu."
        ),
        _(
            "3. Caption sudah memuat mention usaha dan komunitas serta tagar, dan tidak lebih dari "
            "2.200 karakter."
        ),
    ]
    return "\n".join(lines) + "\n"


def build_zip(rnd: Round, settings: SiteSettings | None = None) -> bytes:
    """The whole kit as one ZIP: ``etalase-edisi-14/`` with ``BACA-SAYA.txt``, the cover
    folder and one folder per post, each with its JPEG slides and ``caption.txt``."""
    settings = settings or get_settings()
    posts = kit_plan(rnd, settings)
    listings = [l for p in posts[1:] for l in p.listings]
    root = kit_folder(rnd)
    stamp = to_wib(rnd.publishes_at).timetuple()[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:

        def put(name: str, data: bytes | str, compress: bool = True):
            info = zipfile.ZipInfo(f"{root}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)

        put("BACA-SAYA.txt", readme(rnd, posts))
        for post in posts:
            put(f"{post.folder}/caption.txt", post.caption + "\n")
            for name, listing in zip(post.files, post.listings, strict=False):
                slide = (
                    cover_slide(rnd, listings, settings)
                    if listing is None
                    else listing_slide(listing, rnd, settings)
                )
                put(f"{post.folder}/{name}", slide.jpeg(), compress=False)
    return buf.getvalue()
