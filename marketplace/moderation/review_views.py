"""Staff pages for one listing: the review page, the decision on the version the moderator
saw (with "save and next"), and the business's permit checks."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ..clock import now
from ..errors import DomainError, FormErrors, StaleVersion, add_errors
from ..extensions import db
from ..listings.models import Listing, ListingStatus
from ..listings.state import status_label
from ..notifications import latest_for_listing
from ..whatsapp import wa_me_url
from . import bp
from .access import current_staff
from .changes import changes_since_request
from .claims import claim, release
from .decisions import decide, email_decisions
from .forms import DECISION_CHOICES, DecisionForm, PermitForm, ReleaseForm
from .notices import send_notice
from .permits import CHECK_FIELDS, check_form_data, set_permits_checked, unchecked_permits
from .prechecks import stored_findings
from .queue import QueueFilter, listing_flags, next_in_queue
from .queue import review as review_data
from .reasons import active_reasons

# Field names of the "what changed" list.
CHANGE_LABELS = {
    "title": _l("Nama produk"),
    "price": _l("Harga"),
    "unit": _l("Satuan"),
    "description": _l("Deskripsi"),
}

# Keyboard shortcuts of the decision radios (static/js/staff.js reads them from data-key).
SHORTCUT_KEYS = {"approve": "a", "request_changes": "p", "reject": "t"}


def _listing_for_staff(listing_id: int) -> Listing:
    listing = db.get_or_404(Listing, listing_id)
    if listing.status == ListingStatus.DRAFT:  # drafts belong to their community only
        abort(404)
    return listing


def _decision_form(listing: Listing, reasons: list | None = None) -> DecisionForm:
    form = DecisionForm()
    # The first nine are numbered: the keys 1–9 pick them on the review page.
    form.reason_id.choices = [SelectChoice("0", _("— pilih alasan —"))] + [
        SelectChoice(str(r.id), f"{i}. {r.label}" if i <= 9 else r.label)
        for i, r in enumerate(active_reasons() if reasons is None else reasons, start=1)
    ]
    if not form.is_submitted():
        form.version.data = listing.version
    return form


def _render_review(
    listing: Listing, form: DecisionForm, flt: QueueFilter, status: int = 200, **known
):
    """``known``: ``reasons`` / ``claim`` already loaded (see ``queue.review``)."""
    notice = latest_for_listing(listing.id)
    b = listing.business
    return render_template(
        "moderation/review.html",
        listing=listing,
        form=form,
        r=review_data(listing, flt, viewer_id=current_staff().id, now=now(), **known),
        release_form=ReleaseForm(formdata=None),
        flt=flt,
        filter_args=flt.args(),
        decision_choices=DECISION_CHOICES,
        shortcut_keys=SHORTCUT_KEYS,
        flags=listing_flags(listing, stored_findings([listing.id]).get(listing.id)),
        changes=changes_since_request(listing)
        if listing.status == ListingStatus.SUBMITTED
        else None,
        change_labels=CHANGE_LABELS,
        now=now(),
        notice=notice,
        wa_url=wa_me_url(b.whatsapp, notice.message) if notice else None,
        permit_form=PermitForm(formdata=None, data=check_form_data(b)),
        unchecked=unchecked_permits(b),
        check_fields=list(CHECK_FIELDS.items()),
    ), status


@bp.route("/moderasi/produk/<int:listing_id>")
def review(listing_id: int):
    flt = QueueFilter.from_args(request.args)
    known = {}
    # Opening a waiting listing claims it. The status is read alone first: the commit of the
    # claim would expire a loaded listing (reloading it costs four statements).
    found = db.session.execute(
        sa.select(Listing.status).where(Listing.id == listing_id)
    ).scalar_one_or_none()
    if found == ListingStatus.SUBMITTED:
        held = claim(listing_id, current_staff(), now=now())
        db.session.commit()
        known["claim"] = held if held.expires_at > now() else None
    listing = _listing_for_staff(listing_id)
    reasons = active_reasons()
    return _render_review(listing, _decision_form(listing, reasons), flt, reasons=reasons, **known)


@bp.route("/moderasi/produk/<int:listing_id>/lepas", methods=["POST"])
def release_claim(listing_id: int):
    """End my claim on the listing (colleagues get it from "next" again), back to the queue."""
    listing = _listing_for_staff(listing_id)
    if not ReleaseForm().validate_on_submit():
        abort(400)
    release(listing.id, current_staff())
    db.session.commit()
    flash(_("\"%(title)s\" dilepas untuk moderator lain.", title=listing.title), "info")
    flt = QueueFilter.from_args(request.args)
    return redirect(url_for(".queue", round_id=listing.round_id, **flt.args()))


@bp.route("/moderasi/produk/<int:listing_id>/keputusan", methods=["POST"])
def decide_listing(listing_id: int):
    listing = _listing_for_staff(listing_id)
    flt = QueueFilter.from_args(request.args)
    form = _decision_form(listing)
    back = url_for(".review", listing_id=listing.id, **flt.args())
    if not form.validate_on_submit():
        if form.version.errors:  # the hidden field is missing: an old or tampered page
            flash(_("Formulir tidak lengkap. Muat ulang halaman, lalu putuskan lagi."), "error")
            return redirect(back)
        return _render_review(listing, form, flt, 400)
    action = form.action.data
    try:
        decided = decide(
            listing,
            action,
            moderator=current_staff(),
            seen_version=form.version.data,
            reason_id=form.reason_id.data or None,
            reason_text=form.reason_text.data,
            note=form.note.data,
            now=now(),
        )
    except FormErrors as exc:
        db.session.rollback()
        add_errors(form, exc.errors)
        return _render_review(listing, form, flt, 400)
    except StaleVersion as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(back)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    # Read before the commit expires the listing (reloading it costs four statements).
    title, status, round_id = listing.title, listing.status, listing.round_id
    nxt_id = None
    if form.save_next.data:
        nxt = next_in_queue(listing, flt, viewer_id=current_staff().id, now=now())
        nxt_id = nxt.id if nxt is not None else None
    db.session.commit()
    email_decisions([(listing, decided.message)])
    flash(
        _(
            "Keputusan untuk \"%(title)s\" tersimpan: %(status)s.",
            title=title,
            status=status_label(status),
        ),
        "success",
    )
    if form.save_next.data:
        if nxt_id is None:
            flash(_("Tidak ada lagi produk yang menunggu di antrean ini."), "info")
            return redirect(url_for(".queue", round_id=round_id, **flt.args()))
        return redirect(url_for(".review", listing_id=nxt_id, **flt.args()))
    return redirect(back)


@bp.route("/moderasi/produk/<int:listing_id>/izin", methods=["POST"])
def permits(listing_id: int):
    """Mark the business's permit numbers checked (badges on the public pages) or not."""
    listing = db.get_or_404(Listing, listing_id)
    form = PermitForm()
    if not form.validate_on_submit():
        abort(400)
    business = listing.business
    notice = set_permits_checked(
        business,
        {kind: getattr(form, field).data for kind, field in CHECK_FIELDS.items()},
        actor=current_staff(),
        now=now(),
    )
    db.session.commit()
    send_notice(notice)  # after the commit
    flash(_("Pemeriksaan izin %(name)s tersimpan.", name=business.name), "success")
    return redirect(
        url_for(
            ".review",
            listing_id=listing.id,
            **{
                k: v
                for k, v in request.args.items()
                if k in ("komunitas", "kecamatan", "kategori", "status")
            },
        )
    )
