"""Who may reach the staff area: one rule used by every staff blueprint.

Deny by default: anonymous visitors are sent to the login page, anyone but staff gets a 404
(members must not learn the staff area exists), and admin-only areas give moderators a 403.
Repeated form fields are refused app-wide in ``marketplace.security``.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..extensions import login_manager


def staff_only(admin: bool = False):
    """For a blueprint's ``before_request``: None to go on, or the login redirect."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(404)
    if admin and not current_user.is_admin:
        abort(403)
    return None
