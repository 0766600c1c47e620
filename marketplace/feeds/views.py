"""``/feed/meta.csv``, ``/feed/google.xml`` and ``/feed/edisi.atom``. Thin: pick the scope
(all, ``?edisi=N`` or ``?komunitas=<slug>``), build, answer; an unknown round or community
is a 404. The count of priceless listings left out is in ``X-Feed-Skipped-No-Price``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, request
from flask_babel import gettext as _

from ..catalogue.pages import public_community, published_round
from ..catalogue.urls import absolute_url_for
from ..clock import now
from ..extensions import db
from ..listings.models import Listing
from ..listings.state import public_listing_filter
from ..rounds.services import published_rounds
from . import bp
from .products import product_feed
from .render import AtomEntry, google_rss, meta_csv, rounds_atom


def _scope(at) -> tuple[dict, str]:
    """Filter arguments for ``product_feed`` and a name for the feed's title. ``?edisi=`` and
    ``?komunitas=`` combine (one community's listings in one round); either unknown is a 404."""
    edition = (request.args.get("edisi") or "").strip()
    slug = (request.args.get("komunitas") or "").strip().lower()
    scope, names = {}, [current_app.config["SITE_NAME"]]
    if edition:
        rnd = (
            published_round(int(edition), at) if edition.isdecimal() and len(edition) < 10 else None
        )
        if rnd is None:
            abort(404)
        scope["round_id"] = rnd.id
        names.append(rnd.title)
    if slug:
        community = public_community(slug)
        if community is None:
            abort(404)
        scope["community_id"] = community.id
        names.append(community.name)
    return scope, " · ".join(names)


def _headers(response, feed):
    response.headers["X-Feed-Items"] = str(len(feed.items))
    response.headers["X-Feed-Skipped-No-Price"] = str(feed.skipped_no_price)
    response.headers["X-Feed-Skipped-No-Image"] = str(feed.skipped_no_image)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/meta.csv")
def meta():
    """Meta catalogue feed (Instagram Shopping, WhatsApp Business catalogue), CSV."""
    at = now()
    scope, _title = _scope(at)
    feed = product_feed(at, description_limit=9999, **scope)
    response = current_app.response_class(meta_csv(feed), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'inline; filename="etalase-meta.csv"'
    return _headers(response, feed)


@bp.get("/google.xml")
def google():
    """Google Merchant Center feed, RSS 2.0 with the ``g:`` namespace."""
    at = now()
    scope, title = _scope(at)
    feed = product_feed(at, description_limit=5000, **scope)
    body = google_rss(
        feed,
        title=title,
        link=absolute_url_for("catalogue.catalogue"),
        description=_("Produk UMKM Tangerang Selatan pilihan Dinas Koperasi dan UMKM."),
    )
    return _headers(current_app.response_class(body, mimetype="application/rss+xml"), feed)


@bp.get("/edisi.atom")
def rounds():
    """Atom feed of published rounds, newest first, each with its number of listings."""
    at = now()
    found = [r for r in published_rounds(at) if r.edition]
    counts = dict(
        db.session.execute(
            sa.select(Listing.round_id, sa.func.count(Listing.id))
            .join(Listing.round)
            .where(public_listing_filter(at), Listing.round_id.in_([r.id for r in found]))
            .group_by(Listing.round_id)
        ).all()
    )
    entries = [
        AtomEntry(
            id=absolute_url_for("catalogue.round_page", edition=r.edition),
            title=r.title,
            link=absolute_url_for("catalogue.round_page", edition=r.edition),
            updated=r.publishes_at,
            summary=_("%(n)s produk dari komunitas UMKM Tangerang Selatan", n=counts.get(r.id, 0)),
        )
        for r in found
    ]
    body = rounds_atom(
        entries,
        feed_id=absolute_url_for("feeds.rounds"),
        title=current_app.config["SITE_NAME"],
        self_link=absolute_url_for("feeds.rounds"),
        site_link=absolute_url_for("catalogue.home"),
    )
    response = current_app.response_class(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
