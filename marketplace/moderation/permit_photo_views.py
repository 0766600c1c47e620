"""Staff see a permit's certificate photo (stored privately: never a public URL)."""

from __future__ import annotations

from flask import Response, abort

from ..extensions import db
from ..listings.models import Business, PermitKind
from ..media.storage import storage_for
from . import bp


@bp.route("/usaha/<int:business_id>/izin/<any(halal, pirt, nib):kind>/foto")
def permit_photo(business_id: int, kind: str):
    """The certificate photo (the 1080 px WebP, else the largest) streamed from storage,
    never cached by a shared cache; 404 when there is none."""
    business = db.get_or_404(Business, business_id)
    permit = business.permit(PermitKind(kind))
    if permit is None or permit.image is None:
        abort(404)
    variants = permit.image.web_variants() or permit.image.variants
    if not variants:
        abort(404)
    variant = max(variants, key=lambda v: v.width)
    data = storage_for(variant).open(variant.key)
    response = Response(data, mimetype=variant.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
