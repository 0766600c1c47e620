"""The portal's late-entry code: a member types the code staff sent (rules in
``rounds.allowances``); the dashboard then shows the community's own deadline."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..errors import InvalidInput
from ..extensions import db, limiter
from ..rounds.allowances import redeem_late_code
from ..rounds.forms import LateCodeRedeemForm
from . import bp
from .access import member_required


def _community_key() -> str:
    return f"late-code:{current_user.community_id}"


@bp.route("/kode-susulan", methods=["POST"])
@member_required
@limiter.limit("10 per hour", key_func=_community_key)
def late_code_redeem():
    form = LateCodeRedeemForm()
    if not form.validate_on_submit():
        flash(_("Isi kode susulan."), "error")
        return redirect(url_for(".dashboard"))
    try:
        entry = redeem_late_code(
            form.code.data, actor=current_user._get_current_object(), now=now()
        )
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".dashboard"))
    db.session.commit()
    from ..formatting import wib

    flash(
        _(
            "Kode diterima. Komunitas Anda dapat mengajukan produk sampai %(t)s.",
            t=wib(entry.valid_until, "EEEE, d MMMM y, HH.mm.ss"),
        ),
        "success",
    )
    return redirect(url_for(".dashboard"))
