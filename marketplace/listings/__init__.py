"""Businesses and listings: the lifecycle vocabulary and state machine (``models.ACTIONS``,
``state``), quota and deadline, the listing form's use case, and the community portal pages.

May import ``rounds``, ``media``, ``auth``, ``reference``, ``audit``, ``notifications`` and
the shared modules; ``catalogue``, ``moderation``, ``api``, ``instagram``, ``stats`` and
``admin`` import it, never the other way."""

from flask import Blueprint

bp = Blueprint("listings", __name__)

# The views register their routes on ``bp``; no view module imports another.
from . import (
    business_views,
    dashboard_views,
    late_views,
    listing_views,
    member_views,  # noqa: E402,F401
    notification_views,
    stock_views,
)
