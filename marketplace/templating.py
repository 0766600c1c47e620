"""What every template of the app can use, registered in one place: the formatting
filters, the app-wide globals and the context every page gets.

Blueprint-only helpers (a staff page's labels, the catalogue's highlighter) stay with their
blueprint's ``context_processor``."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import get_locale
from flask_login import current_user

from . import formatting
from .audit import action_label
from .auth.models import Role
from .clock import now
from .inputs import format_phone
from .language.wtforms import install as install_wtforms_translations
from .listings.models import PERMIT_KINDS, PERMIT_LABELS
from .listings.permits import badges_for
from .listings.stock import NO_CUTOFFS
from .listings.stock import cutoffs as stock_cutoffs
from .listings.stock import may_be_stale as stock_may_be_stale
from .listings.stock import public_mark as stock_public_mark
from .media.services import media_url
from .notifications import unread_count
from .reference.units import unit_name
from .rounds.models import phase_label
from .security import csp_nonce


def init_app(app: Flask) -> None:
    """Install the filters, globals and context processors on ``app``'s Jinja env."""
    install_wtforms_translations()
    app.jinja_env.filters.update(
        deadline=formatting.deadline,
        rupiah=formatting.rupiah,
        number=formatting.number,
        wib=formatting.wib,
        unit_name=unit_name,
        until=formatting.until,
        wib_input=formatting.wib_input,
        audit_action=action_label,
        phone=format_phone,
    )
    app.jinja_env.globals.update(csp_nonce=csp_nonce, media_url=media_url, phase_label=phase_label)
    # Permit badges: the one rule (Business.badges, checked and unexpired now), and the kinds
    # in display order with their labels.
    app.jinja_env.globals.update(
        badges=_badges, permit_kinds=[(k, PERMIT_LABELS[k]) for k in PERMIT_KINDS]
    )
    # Stock marks on cards and pages ("Stok habis", "Pre-order", "mungkin sudah tidak tersedia").
    app.jinja_env.globals.update(stock_mark=_stock_mark)

    @app.context_processor
    def page_context():
        """``current_locale`` and ``unread_notifications()`` (the header's badge: only a
        community member's page pays its query, and only when the header asks)."""
        return {
            "current_locale": str(get_locale() or "id"),
            "unread_notifications": _unread_notifications,
        }


def _unread_notifications() -> int:
    user = current_user
    if (
        not getattr(user, "is_authenticated", False)
        or user.role != Role.MEMBER
        or not user.community_id
    ):
        return 0
    return unread_count(user.community_id)


def _badges(business) -> list:
    """``(kind, label)`` of the badges ``business`` shows now (``listings.permits``)."""
    return badges_for(business, now())


def _stock_mark(listing):
    """``(css modifier, label)`` of a public listing's stock mark, or None
    (``listings.stock.public_mark``; the round cut-offs are read once per request)."""
    marks = g.get("stock_cutoffs")
    if marks is None:
        at = now()
        if not stock_may_be_stale(listing, at):
            return stock_public_mark(listing, NO_CUTOFFS)  # no query for a recent listing
        marks = g.stock_cutoffs = stock_cutoffs(at)
    return stock_public_mark(listing, marks)
