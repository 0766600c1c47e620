"""The portal's business pages: the community's businesses and the business form."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import invites
from ..auth.services import confirm_password
from ..auth.sessions import is_fresh, mark_fresh
from ..clock import now
from ..errors import FormErrors, InvalidInput, add_errors
from ..extensions import db
from ..inputs import format_phone, parse_phone
from ..reference.queries import district_choices
from . import bp
from .access import member_required, own_or_404
from .businesses import BusinessInput, last_decided_change, pending_change, save_business
from .forms import ActionForm, BusinessForm
from .models import PERMIT_LABELS, Business
from .permits import form_values, permit_states
from .queries import community_businesses


def _phone_changed(business: Business, typed: str) -> bool:
    try:
        return parse_phone(typed) != business.whatsapp
    except InvalidInput:
        return False  # the save reports the typing error


@bp.route("/usaha")
@member_required
def businesses():
    items = community_businesses(current_user.community_id, kept_by=current_user)
    at = now()
    return render_template(
        "listings/businesses.html",
        businesses=items,
        members=invites.community_members(current_user.community_id)
        if current_user.is_coordinator
        else [],
        action_form=ActionForm(),
        permits={b.id: permit_states(b, at) for b in items},
        pending={b.id: pending_change(b) for b in items},
        decided={b.id: last_decided_change(b) for b in items},
        permit_labels=PERMIT_LABELS,
    )


@bp.route("/usaha/baru", methods=["GET", "POST"])
@bp.route("/usaha/<int:business_id>/ubah", methods=["GET", "POST"])
@member_required
def business_form(business_id: int | None = None):
    business = own_or_404(Business, business_id) if business_id else None
    form = BusinessForm(obj=business, data=form_values(business) if business else None)
    form.district_id.choices = [(0, _("— pilih kecamatan —"))] + district_choices()
    if request.method == "GET" and business is None:
        form.district_id.data = current_user.community.district_id
    if request.method == "GET" and business is not None:
        form.whatsapp.data = format_phone(business.whatsapp)  # as people write it
    pending = pending_change(business) if business is not None else None
    if request.method == "GET" and pending is not None:  # go on from what is waiting
        for field, (_old, new) in pending.changes.items():
            getattr(form, field).data = format_phone(new) if field == "whatsapp" else new
    if form.validate_on_submit():
        data = BusinessInput(
            **{
                k: getattr(form, k).data or ("" if k != "district_id" else 0)
                for k in BusinessInput.__dataclass_fields__
            }
        )
        if business is not None and _phone_changed(business, data.whatsapp) and not is_fresh():
            # A changed WhatsApp number redirects every shopper: it needs a fresh login.
            if not confirm_password(current_user, request.form.get("current_password"), now=now()):
                db.session.commit()  # keep the audit entry of a wrong password
                form.whatsapp.errors = [
                    _(
                        "Untuk mengganti nomor WhatsApp, masukkan kata sandi Anda "
                        "di kolom di bawahnya."
                    )
                ]
                return render_template(
                    "listings/business_form.html", form=form, business=business, needs_password=True
                ), 400
            mark_fresh()
        try:
            saved = save_business(business, data, actor=current_user, now=now())
        except FormErrors as exc:
            add_errors(form, exc.errors)
            return render_template("listings/business_form.html", form=form, business=business), 400
        waiting = business is not None and pending_change(saved) is not None
        db.session.commit()
        if waiting:
            flash(
                _(
                    "Data usaha %(name)s tersimpan. Perubahan nama, WhatsApp, tautan, cerita "
                    "atau kecamatan menunggu persetujuan moderator; pembeli tetap melihat "
                    "data lama sampai disetujui.",
                    name=saved.name,
                ),
                "info",
            )
        else:
            flash(_("Data usaha %(name)s tersimpan.", name=saved.name), "success")
        return redirect(
            request.args.get("lanjut") == "produk"
            and url_for(".listing_new")
            or url_for(".businesses")
        )
    return render_template(
        "listings/business_form.html", form=form, business=business, pending=pending
    )
