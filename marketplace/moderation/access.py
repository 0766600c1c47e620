"""The staff blueprint's guard and template helpers, shared by every moderation view."""

from __future__ import annotations

from flask_login import current_user

from ..auth.access import staff_only
from ..auth.models import CommunityStatus
from ..listings.models import ListingStatus
from ..listings.state import status_label
from . import bp
from .communities import community_status_label


@bp.before_request
def require_staff():
    """Deny by default: anonymous → login, anyone but staff → 404."""
    return staff_only()


@bp.context_processor
def staff_helpers():
    return {
        "status_label": status_label,
        "community_status_label": community_status_label,
        "state_label": state_label,
    }


def state_label(value: str | None) -> str:
    """A listing or community state code from the audit trail, as a translated label."""
    if value in ListingStatus._value2member_map_:
        return status_label(ListingStatus(value))
    if value in CommunityStatus._value2member_map_:
        return community_status_label(CommunityStatus(value))
    return value or "–"


def current_staff():
    """The acting staff ``User`` (the object behind ``current_user``)."""
    return current_user._get_current_object()
