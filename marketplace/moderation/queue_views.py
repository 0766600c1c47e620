"""Staff pages for the queue: the staff home, a round's moderation queue and bulk approve
(with a confirmation step)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..auth.sessions import previous_login
from ..clock import now
from ..extensions import db
from ..listings.models import Listing
from ..reference import queries as reference
from ..rounds.models import Round
from ..security import paginate_clamped
from . import bp
from .access import current_staff
from .changes import resubmitted_ids
from .claims import live_claims
from .dashboard import dashboard as dashboard_figures
from .decisions import bulk_approve, bulk_selection, email_decisions
from .forms import ConfirmBulkForm
from .prechecks import stored_findings
from .queue import (
    QUEUE_STATUSES,
    QueueFilter,
    listing_flags,
    queue_communities,
    queue_query,
    rounds_for_queue,
)

PER_PAGE = 50


@bp.route("/")
def dashboard():
    return render_template(
        "moderation/dashboard.html",
        d=dashboard_figures(now()),
        now=now(),
        previous_login=previous_login(),
    )


@bp.route("/moderasi/<int:round_id>")
def queue(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    flt = QueueFilter.from_args(request.args)
    me, at = current_staff(), now()
    query = queue_query(rnd.id, flt, viewer_id=me.id, now=at).options(
        selectinload(Listing.community)
    )
    page = paginate_clamped(query, per_page=PER_PAGE)
    args = flt.args()
    ids = [l.id for l in page.items]
    kept = stored_findings(ids)
    return render_template(
        "moderation/queue.html",
        rnd=rnd,
        page=page,
        flt=flt,
        filter_args=args,
        page_args={**args, "page": page.page} if page.page > 1 else args,
        now=at,
        flags={l.id: listing_flags(l, kept.get(l.id)) for l in page.items},
        ages={l.id: _age(l.submitted_at, at) for l in page.items},
        selected=_selected_arg(),
        claims=live_claims(ids, now=at),
        resubmitted=resubmitted_ids(ids),
        me=me,
        bulk_form=ConfirmBulkForm(),
        rounds=rounds_for_queue(),
        communities=queue_communities(rnd.id),
        districts=reference.districts(),
        categories=reference.categories(active_only=False),
        statuses=QUEUE_STATUSES,
        prev_url=url_for(".queue", round_id=rnd.id, page=page.prev_num, **args)
        if page.has_prev
        else None,
        next_url=url_for(".queue", round_id=rnd.id, page=page.next_num, **args)
        if page.has_next
        else None,
    )


def _age(submitted_at, at) -> str:
    """How long a listing has waited, in words ("3 jam")."""
    if submitted_at is None:
        return "–"
    return format_timedelta(max(at - submitted_at, timedelta(0)), threshold=1.2)


def _selected_arg() -> set[int]:
    """Ids kept checked when the moderator came back from a cancelled bulk confirmation
    (``dipilih=1,2,3`` in the query string; odd parts ignored, at most 500)."""
    raw = (request.args.get("dipilih") or "")[:6000]
    return {int(p) for p in raw.split(",")[:500] if p.isdecimal() and len(p) < 10}


def _picked() -> dict[int, int]:
    """``pilih-<id>`` = version pairs from the form; with the "whole page" button
    (``semua``), every ``ada-<id>`` = version pair (each card of the page that waits)."""
    prefix = "ada-" if request.form.get("semua") else "pilih-"
    out = {}
    for name, value in request.form.items():
        if name.startswith(prefix):
            raw_id = name[len(prefix) :]
            if raw_id.isdecimal() and value.isdecimal() and len(raw_id) < 10 and len(value) < 10:
                out[int(raw_id)] = int(value)
    return out


@bp.route("/moderasi/<int:round_id>/setujui-massal", methods=["POST"])
def bulk_approve_view(round_id: int):
    """Step 1 (no ``confirm``): show the picked listings and ask. Step 2: approve each at the
    version the moderator saw; changed or already decided ones are reported, not approved."""
    rnd = db.get_or_404(Round, round_id)
    form = ConfirmBulkForm()
    if not form.validate_on_submit():
        abort(400)
    selection = bulk_selection(rnd.id, _picked())
    back_args = {k: v for k, v in request.args.items() if k != "dipilih"}
    back = url_for(".queue", round_id=rnd.id, **back_args)
    if not selection:
        flash(_("Pilih dulu produk yang akan disetujui."), "warning")
        return redirect(back)
    if not form.confirm.data:
        kept = stored_findings([listing.id for listing, _v in selection])
        cancel = url_for(
            ".queue",
            round_id=rnd.id,
            **back_args,
            dipilih=",".join(str(listing.id) for listing, _v in selection),
        )
        return render_template(
            "moderation/bulk_confirm.html",
            rnd=rnd,
            selection=selection,
            flags={
                listing.id: listing_flags(listing, kept.get(listing.id))
                for listing, _v in selection
            },
            form=form,
            cancel=cancel,
            action=url_for(".bulk_approve_view", round_id=rnd.id, **back_args),
        )
    result = bulk_approve(selection, moderator=current_staff(), now=now())
    db.session.commit()
    email_decisions(result.notified)
    if result.approved:
        flash(_("%(n)s produk disetujui.", n=len(result.approved)), "success")
    for listing, message in result.refused:
        flash(
            _("\"%(title)s\" tidak disetujui: %(why)s", title=listing.title, why=message), "warning"
        )
    return redirect(back)
