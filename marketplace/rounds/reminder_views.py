"""Staff page for one round's WhatsApp reminders: the broadcast text for the communities'
groups and a one-tap message per community, each marked "terkirim" once sent. Staff only
(the blueprint's guard). Rules live in ``rounds.reminders``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..errors import DomainError
from ..extensions import db
from ..whatsapp import wa_me_url
from . import bp, reminders
from .forms import MarkSentForm
from .models import Round


def _link(rnd: Round, event: str) -> str:
    """The round's link in the message: its public page once published, else the portal."""
    if event == "published":
        if rnd.edition:
            return url_for("catalogue.round_page", edition=rnd.edition, _external=True)
        return url_for("catalogue.catalogue", _external=True)  # a round without an edition
    return url_for("listings.dashboard", _external=True)


@bp.route("/<int:round_id>/pengingat")
def reminder_page(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    at = now()
    event = request.args.get("acara") or reminders.page_event(rnd, at)
    if event not in reminders.EVENTS:
        event = reminders.page_event(rnd, at)
    broadcast = reminders.broadcast_text(rnd, _link(rnd, event), at)
    if event != "opened":
        broadcast = reminders.reminder_text(rnd, event) + "\n" + _link(rnd, event)
    return render_template(
        "rounds/reminders.html",
        rnd=rnd,
        event=event,
        events=reminders.EVENTS,
        due=reminders.due_events(rnd, at),
        broadcast=broadcast,
        broadcast_link=wa_me_url(None, broadcast),
        rows=reminders.whatsapp_list(rnd, event),
        marks=reminders.marks(rnd, event),
        form=MarkSentForm(),
    )


@bp.route("/<int:round_id>/pengingat/terkirim", methods=["POST"])
def reminder_mark(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    if not MarkSentForm().validate_on_submit():
        abort(400)
    event = request.form.get("event") or ""
    raw = (request.form.get("community_id") or "").strip()
    community_id = int(raw) if raw.isdecimal() and len(raw) < 10 else None
    try:
        done = reminders.mark_sent(
            rnd, event, community_id, actor=current_user._get_current_object(), now=now()
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".reminder_page", round_id=rnd.id))
    db.session.commit()
    flash(_("Ditandai terkirim.") if done else _("Sudah ditandai terkirim."), "success")
    return redirect(url_for(".reminder_page", round_id=rnd.id, acara=event))
