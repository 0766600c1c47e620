"""Public pages: home, catalogue (search, filters, sorts), listing, business, community,
round, the WhatsApp redirect, sitemap.xml, robots.txt and the health check. Thin: parse the
query string, call the reads (``queries``, ``pages``, ``sharing``), render. Anonymous pages
are served from ``pagecache``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, jsonify, redirect, render_template, request, url_for

from ..clock import now
from ..extensions import db
from ..slugs import slugify
from . import bp, pagecache
from .cards import business_card, catalogue_card, community_card, round_card
from .cursor import SORT_NEWEST, InvalidCursor, sort_labels
from .forms import CatalogueArgs
from .listing_cards import card_grid
from .pages import (
    empty_suggestions,
    filter_choices,
    home_data,
    public_business,
    public_community,
    published_round,
    result_count,
)
from .queries import public_listing, related_listings, search_listings
from .search import highlight
from .sharing import (
    breadcrumb_data,
    og_image,
    product_data,
    share_url,
    whatsapp_message,
    whatsapp_url,
)
from .sitemap import sitemap_urls
from .summaries import catalogue_summary
from .taps import count_whatsapp_tap
from .urls import absolute_url_for, listing_path_values

MAX_ID = 2**53
#: The catalogue's result count stops at this many ("Lebih dari 1.000 produk").
COUNT_CAP = 1000


@bp.context_processor
def catalogue_helpers():
    return {"slugify": slugify, "highlight": highlight, "sort_labels": sort_labels}


def _page(args: CatalogueArgs, endpoint: str, url_values: dict | None = None, **filters):
    """Run the search for a listing page; a cursor we did not make is a 404."""
    try:
        page = search_listings(
            now(),
            q=args.q,
            after=args.cursor,
            sort=args.sort,
            per_page=args.per_page,
            filters=args.filters,
            cards=True,
            **filters,
        )
    except InvalidCursor:
        abort(404)
    values = dict(url_values or {})
    if args.cursor and not page.items:  # a stale link (listings went away): start again
        abort(redirect(url_for(endpoint, **values, **args.url_args())))
    next_url = url_for(endpoint, **values, **args.url_args(cursor=page.next)) if page.next else None
    prev_url = url_for(endpoint, **values, **args.url_args(cursor=page.prev)) if page.prev else None
    return page, prev_url, next_url


def _sub_args() -> CatalogueArgs:
    """Paging (and sort) for a business, community or round page; no other filters."""
    args = CatalogueArgs.from_args(request.args)
    return CatalogueArgs(
        sort=args.sort if not args.q else SORT_NEWEST, cursor=args.cursor, per_page=args.per_page
    )


def _plain(args: CatalogueArgs, page) -> bool:
    """Whether ``page`` is the first page of its view in the default order with no word,
    price or halal filter: then its items and count are what the share card shows."""
    return (
        not args.cursor
        and not args.q
        and page.sort == SORT_NEWEST
        and args.price_min is None
        and args.price_max is None
        and not args.halal
    )


def _result_count(args: CatalogueArgs, page) -> int | None:
    """How many listings the shopper's search found (capped at COUNT_CAP), None when the
    page is empty (the empty state speaks instead). A first page without a next one is the
    whole result: no count query then."""
    if not page.items:
        return None
    if not args.cursor and not page.next:
        return len(page.items)
    used_q = page.match.corrected if page.match and page.match.corrected else args.q
    return result_count(now(), used_q, args.filters, cap=COUNT_CAP)


@bp.route("/")
def home():
    at = now()
    data = home_data(at)
    grid = card_grid(data.listings, at)
    return render_template(
        "catalogue/home.html",
        data=data,
        cards=grid,
        earlier_cards=card_grid(data.earlier, at) if data.earlier else None,
        og=grid.og,
        canonical=absolute_url_for(".home"),
    )


@bp.route("/katalog")
def catalogue():
    args = CatalogueArgs.from_args(request.args)
    page, prev_url, next_url = _page(args, ".catalogue")
    # For the demand counter (outside the page cache): listings found, "6" meaning more.
    request.environ[pagecache.RESULTS] = 6 if page.next else len(page.items)
    categories, districts = filter_choices()
    chosen_category = next((c for c in categories if c.slug == args.category), None)
    chosen_district = next((d for d in districts if d.slug == args.district), None)
    chosen_community = public_community(args.community) if args.community else None
    # The canonical page of a filtered view is its first page, without a text query.
    canonical = absolute_url_for(".catalogue", **args.url_args(q=None, urut=None, per_page=None))
    total = _result_count(args, page)
    grid = card_grid(page.items, now(), page.match.searched if page.match else ())
    plain = _plain(args, page)
    unknown = (
        (args.category and not chosen_category)
        or (args.district and not chosen_district)
        or (args.community and not chosen_community)
    )  # a filter that names nothing: no card (the whole catalogue's would mislead)
    card = catalogue_card(
        now(),
        category=chosen_category,
        district=chosen_district,
        community=chosen_community,
        total=(total or 0) if plain or unknown else None,
        items=[] if unknown else page.items if plain else None,
    )
    return render_template(
        "catalogue/catalogue.html",
        args=args,
        page=page,
        prev_url=prev_url,
        next_url=next_url,
        categories=categories,
        districts=districts,
        chosen_category=chosen_category,
        chosen_district=chosen_district,
        chosen_community=chosen_community,
        canonical=canonical,
        suggestions=empty_suggestions(args, page, now()),
        total=total,
        total_cap=COUNT_CAP,
        cards=grid,
        og=card.og(),
        summary=catalogue_summary(
            total or 0,
            chosen_category.name if chosen_category else None,
            chosen_district.name if chosen_district else None,
        ),
    )


@bp.route("/produk/<int:listing_id>")
@bp.route("/produk/<int:listing_id>-<slug>")
def listing(listing_id: int, slug: str | None = None):
    if not 0 < listing_id < MAX_ID:
        abort(404)
    at = now()
    item = public_listing(listing_id, at)
    if item is None:
        abort(404)
    canonical = slugify(item.title)
    if slug != canonical:
        return redirect(url_for(".listing", listing_id=item.id, slug=canonical), 301)
    product_url = absolute_url_for(".listing", listing_id=item.id, slug=canonical)
    og = og_image(item)
    return render_template(
        "catalogue/listing.html",
        listing=item,
        business=item.business,
        product_url=product_url,
        canonical=product_url,
        og=og,
        has_whatsapp=bool(item.business.whatsapp_digits),
        share_url=share_url(item, product_url),
        structured_data=product_data(item, product_url, og.url if og else None, at=at),
        breadcrumbs=breadcrumb_data(item, product_url),
        related=card_grid(related_listings(item, at), at),
    )


@bp.route("/produk/<int:listing_id>/whatsapp")
def whatsapp(listing_id: int):
    """Count a tap on the WhatsApp button, then send the shopper to ``wa.me``.

    A GET that writes: the accepted exception to "no GET changes data" (SECURITY.md 16),
    because the button must be a plain link that works without JavaScript and opens the
    WhatsApp app. It changes nothing but an anonymous per-listing, per-day counter (no
    address, no user, no cookie); HEAD requests and browser prefetches are not counted, and
    robots.txt keeps crawlers away. Not cached (``pagecache`` only serves public pages).
    """
    if not 0 < listing_id < MAX_ID:
        abort(404)
    at = now()
    item = public_listing(listing_id, at)
    if item is None:
        abort(404)
    product_url = absolute_url_for(".listing", **listing_path_values(item))
    target = whatsapp_url(
        item.business, whatsapp_message(item, product_url, current_app.config["SITE_NAME"])
    )
    if target is None:
        abort(404)
    prefetch = "prefetch" in (
        request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    )
    if request.method == "GET" and not prefetch:
        count_whatsapp_tap(item.id, at)
        db.session.commit()
    response = redirect(target, 302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/usaha/<int:business_id>")
def business(business_id: int):
    if not 0 < business_id < MAX_ID:
        abort(404)
    found = public_business(business_id, now())
    if found is None:
        abort(404)
    args = _sub_args()
    page, prev_url, next_url = _page(
        args, ".business", {"business_id": business_id}, business_id=business_id
    )
    card = business_card(now(), found, page.items if _plain(args, page) else None)
    return render_template(
        "catalogue/business.html",
        business=found,
        page=page,
        prev_url=prev_url,
        next_url=next_url,
        canonical=absolute_url_for(".business", business_id=found.id),
        cards=card_grid(page.items, now()),
        card=card,
        og=card.og(),
    )


@bp.route("/komunitas/<slug>")
def community(slug: str):
    found = public_community(slug)
    if found is None:
        abort(404)
    args = _sub_args()
    page, prev_url, next_url = _page(
        args, ".community", {"slug": found.slug}, community_id=found.id
    )
    card = community_card(now(), found, page.items if _plain(args, page) else None)
    return render_template(
        "catalogue/community.html",
        community=found,
        page=page,
        prev_url=prev_url,
        next_url=next_url,
        canonical=absolute_url_for(".community", slug=found.slug),
        cards=card_grid(page.items, now()),
        card=card,
        og=card.og(),
    )


@bp.route("/edisi/<int:edition>")
def round_page(edition: int):
    rnd = published_round(edition, now())
    if rnd is None:
        abort(404)
    args = _sub_args()
    page, prev_url, next_url = _page(args, ".round_page", {"edition": edition}, round_id=rnd.id)
    card = round_card(now(), rnd, page.items if _plain(args, page) else None)
    return render_template(
        "catalogue/round.html",
        round=rnd,
        page=page,
        prev_url=prev_url,
        next_url=next_url,
        canonical=absolute_url_for(".round_page", edition=edition),
        cards=card_grid(page.items, now()),
        card=card,
        og=card.og(),
    )


@bp.route("/sitemap.xml")
def sitemap():
    """Every public page search engines should know: home, catalogue, categories,
    districts, rounds, communities, businesses and listings (at most 50,000 URLs)."""
    urls = sitemap_urls(now())
    body = render_template("catalogue/sitemap.xml", urls=urls)
    return current_app.response_class(body, mimetype="application/xml")


@bp.route("/robots.txt")
def robots():
    body = render_template("catalogue/robots.txt", sitemap=absolute_url_for(".sitemap"))
    return current_app.response_class(body, mimetype="text/plain")


@bp.route("/healthz")
def healthz():
    """Liveness and database check for load balancers: ``{"status": "ok"}``."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure is "not healthy"
        db.session.rollback()
        current_app.logger.exception("healthz: database check failed")
        return jsonify(status="error"), 503
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
