"""The portal's notifications: the list (each forwardable to the seller's WhatsApp) and
marking them read (the header's unread count is a ``templating`` context value)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from ..clock import now
from ..extensions import db
from ..notifications import current_message, for_community, mark_all_read
from ..rounds.models import Round
from ..whatsapp import wa_me_url
from . import bp
from .access import member_required
from .forms import ActionForm
from .models import Business, Listing
from .queries import kept_listing_ids


@bp.route("/notifikasi")
@member_required
def notifications():
    items = for_community(current_user.community_id, listings=kept_listing_ids(current_user))
    # Many sellers have no account: the coordinator forwards the decision to the seller's
    # WhatsApp in one tap (the link carries the same text as the notification).
    ids = {n.listing_id for n in items if n.listing_id}
    sellers = (
        dict(
            db.session.execute(
                sa.select(Listing.id, Business.whatsapp)
                .join(Business, Listing.business_id == Business.id)
                .where(Listing.id.in_(ids), Listing.community_id == current_user.community_id)
            ).all()
        )
        if ids
        else {}
    )
    # An approval sent before its round went public (on schedule or by "publish now") is
    # shown and forwarded without the now-false promise of a date.
    at = now()
    rounds = (
        {
            lid: (title, rnd)
            for lid, title, rnd in db.session.execute(
                sa.select(Listing.id, Listing.title, Round)
                .join(Round, Listing.round_id == Round.id)
                .where(Listing.id.in_(ids), Listing.community_id == current_user.community_id)
            ).all()
        }
        if ids
        else {}
    )
    shown = {
        n.id: current_message(
            n,
            title=rounds[n.listing_id][0],
            round_title=rounds[n.listing_id][1].title,
            publishes_at=rounds[n.listing_id][1].publishes_at,
            now=at,
        )
        if n.listing_id in rounds
        else n.message
        for n in items
    }
    forward = {
        n.id: wa_me_url(sellers[n.listing_id], shown[n.id])
        for n in items
        if n.listing_id in sellers
    }
    return render_template(
        "listings/notifications.html",
        items=items,
        shown=shown,
        forward=forward,
        form=ActionForm(),
    )


@bp.route("/notifikasi/baca", methods=["POST"])
@member_required
def notifications_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    mark_all_read(current_user.community_id, now(), listings=kept_listing_ids(current_user))
    db.session.commit()
    return redirect(url_for(".notifications"))
