"""The shoppers' "Saya cari…" form: on an empty or thin result page, a shopper tells us
what they look for. No account; rate limited per address (``DEMAND_ASK_RATE_LIMIT``); counted
like a search (kind "ask", a stronger signal), so the words are kept only normalised and
shown only once K visitors wrote the same ones. Personal-looking text is never kept."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import limiter
from . import ask_bp
from .facts import BUCKET_NONE, SearchFacts, is_bot, looks_personal, normalise
from .models import KIND_ASK

MAX_ASK_CHARS = 100


def _slug(name: str) -> str:
    return (request.values.get(name) or "").strip().lower()[:60]


@ask_bp.route("/saya-cari", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["DEMAND_ASK_RATE_LIMIT"], methods=["POST"])
def ask():
    text = " ".join((request.values.get("q") or "").split())[:MAX_ASK_CHARS]
    category, district = _slug("kategori"), _slug("kecamatan")
    if request.method == "POST":
        query = "" if looks_personal(text) else normalise(text)
        if not text:
            error = _("Tulis dulu apa yang Anda cari.")
        elif not query:
            error = _("Tulis nama barangnya saja, tanpa nomor telepon, e-mail atau tautan.")
        else:
            staff = current_user.is_authenticated and current_user.is_staff
            if not staff and not is_bot(request.user_agent.string):
                current_app.extensions["demand"].record(
                    SearchFacts(query, BUCKET_NONE, category, district),
                    request.remote_addr or "",
                    kind=KIND_ASK,
                )
            flash(_("Terima kasih! Kami sampaikan ke komunitas UMKM."), "success")
            return redirect(url_for("catalogue.catalogue", q=text))
        return render_template(
            "demand/ask.html", text=text, category=category, district=district, error=error
        ), 400
    return render_template(
        "demand/ask.html", text=text, category=category, district=district, error=None
    )
