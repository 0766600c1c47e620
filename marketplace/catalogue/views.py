"""Public pages: home, catalogue (search + filters), listing, business, community, round,
and the health check. Thin: parse the query string, call ``services``, render."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, jsonify, redirect, render_template, request, url_for

from ..clock import now
from ..extensions import db
from . import bp, services
from .forms import CatalogueArgs
from .services import InvalidCursor

MAX_ID = 2**53


@bp.context_processor
def catalogue_helpers():
    return {"slugify": services.slugify}


def _page(args: CatalogueArgs, endpoint: str, url_values: dict | None = None, **filters):
    """Run the search for a listing page; a cursor we did not make is a 404."""
    try:
        page = services.search_listings(now(), q=args.q, category=args.category,
                                        district=args.district, after=args.cursor,
                                        per_page=args.per_page, **filters)
    except InvalidCursor:
        abort(404)
    values = dict(url_values or {})
    if args.cursor and not page.items:  # a stale link (listings went away): start again
        abort(redirect(url_for(endpoint, **values, **args.url_args())))
    next_url = url_for(endpoint, **values, **args.url_args(cursor=page.next)) if page.next else None
    prev_url = url_for(endpoint, **values, **args.url_args(cursor=page.prev)) if page.prev else None
    return page, prev_url, next_url


@bp.route("/")
def home():
    data = services.home_data(now())
    return render_template("catalogue/home.html", data=data)


@bp.route("/katalog")
def catalogue():
    args = CatalogueArgs.from_args(request.args)
    page, prev_url, next_url = _page(args, ".catalogue")
    categories, districts = services.filter_choices()
    chosen_category = next((c for c in categories if c.slug == args.category), None)
    chosen_district = next((d for d in districts if d.slug == args.district), None)
    return render_template("catalogue/catalogue.html", args=args, page=page, prev_url=prev_url,
                           next_url=next_url, categories=categories, districts=districts,
                           chosen_category=chosen_category, chosen_district=chosen_district)


@bp.route("/produk/<int:listing_id>")
@bp.route("/produk/<int:listing_id>-<slug>")
def listing(listing_id: int, slug: str | None = None):
    if not 0 < listing_id < MAX_ID:
        abort(404)
    at = now()
    item = services.public_listing(listing_id, at)
    if item is None:
        abort(404)
    canonical = services.slugify(item.title)
    if slug != canonical:
        return redirect(url_for(".listing", listing_id=item.id, slug=canonical), 301)
    product_url = services.absolute_url_for(".listing", listing_id=item.id, slug=canonical)
    message = services.whatsapp_message(item, product_url, current_app.config["SITE_NAME"])
    cover = services.best_variant(item.cover.image) if item.cover else None
    og_image = services.absolute(services.media_src(cover)) if cover else None
    return render_template(
        "catalogue/listing.html", listing=item, business=item.business,
        product_url=product_url, whatsapp_url=services.whatsapp_url(item.business, message),
        og_image=og_image, structured_data=_product_data(item, product_url, og_image),
        related=services.related_listings(item, at))


def _product_data(item, product_url: str, image: str | None) -> dict:
    """schema.org Product for search engines (rendered as JSON-LD, escaped by ``tojson``)."""
    data = {"@context": "https://schema.org", "@type": "Product", "name": item.title,
            "description": item.description[:500], "url": product_url,
            "category": item.category.name, "brand": {"@type": "Brand", "name": item.business.name}}
    if image:
        data["image"] = [image]
    if item.price is not None:
        data["offers"] = {"@type": "Offer", "price": item.price, "priceCurrency": "IDR",
                          "availability": "https://schema.org/InStock", "url": product_url,
                          "seller": {"@type": "Organization", "name": item.business.name}}
    return data


@bp.route("/usaha/<int:business_id>")
def business(business_id: int):
    if not 0 < business_id < MAX_ID:
        abort(404)
    found = services.public_business(business_id, now())
    if found is None:
        abort(404)
    args = CatalogueArgs.from_args(request.args)
    args.q, args.category, args.district = "", None, None
    page, prev_url, next_url = _page(args, ".business", {"business_id": business_id},
                                     business_id=business_id)
    return render_template("catalogue/business.html", business=found, page=page,
                           prev_url=prev_url, next_url=next_url)


@bp.route("/komunitas/<slug>")
def community(slug: str):
    found = services.public_community(slug)
    if found is None:
        abort(404)
    args = CatalogueArgs.from_args(request.args)
    args.q, args.category, args.district = "", None, None
    page, prev_url, next_url = _page(args, ".community", {"slug": found.slug}, community_id=found.id)
    return render_template("catalogue/community.html", community=found, page=page,
                           prev_url=prev_url, next_url=next_url)


@bp.route("/edisi/<int:edition>")
def round_page(edition: int):
    rnd = services.published_round(edition, now())
    if rnd is None:
        abort(404)
    args = CatalogueArgs.from_args(request.args)
    args.q, args.category, args.district = "", None, None
    page, prev_url, next_url = _page(args, ".round_page", {"edition": edition}, round_id=rnd.id)
    return render_template("catalogue/round.html", round=rnd, page=page,
                           prev_url=prev_url, next_url=next_url)


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
