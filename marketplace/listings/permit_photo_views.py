"""The portal's certificate photos: a community uploads a photo of a permit (halal, P-IRT,
NIB) for staff to compare; it goes through the image pipeline and is stored privately."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..errors import DomainError, ImageRejected
from ..extensions import db, limiter
from ..media import sweep as media_sweep
from ..media.services import read_upload
from . import bp
from .access import member_required, own_or_404
from .forms import ActionForm
from .models import Business, PermitKind
from .permits import attach_permit_photo

# Photo uploads per account (SECURITY.md 8), the same budget as listing photos.
photo_limit = limiter.limit(
    lambda: current_app.config.get("UPLOAD_RATE_LIMIT", "60 per 10 minutes"),
    methods=["POST"],
    key_func=lambda: f"upload:{getattr(current_user, 'id', None) or request.remote_addr}",
)


@bp.route("/usaha/<int:business_id>/izin/<any(halal, pirt, nib):kind>/foto", methods=["POST"])
@member_required
@photo_limit
def permit_photo(business_id: int, kind: str):
    """``foto``: a photo of the certificate (any format the listing photos take)."""
    business = own_or_404(Business, business_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    upload = request.files.get("foto")
    if upload is None or not upload.filename:
        flash(_("Pilih foto sertifikat dulu."), "error")
        return redirect(url_for(".businesses"))
    try:
        data = read_upload(upload)
        _permit, unused = attach_permit_photo(
            business, PermitKind(kind), data, actor=current_user, now=now()
        )
        stale_keys = media_sweep.discard_images(unused)
    except ImageRejected as exc:
        db.session.commit()  # keeps the upload.rejected audit entry, nothing else
        flash(exc.message, "error")
        return redirect(url_for(".businesses"))
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".businesses"))
    db.session.commit()
    media_sweep.delete_unreferenced_objects(stale_keys)
    flash(_("Foto sertifikat tersimpan. Hanya staf Dinas yang dapat melihatnya."), "success")
    return redirect(url_for(".businesses"))
