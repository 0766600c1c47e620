"""Who may reach the staff area, and the one admin check (views and services).

Deny by default: anonymous visitors are sent to the login page, anyone but staff gets a 404
(members must not learn the staff area exists), and admin-only areas give moderators a 403.
Repeated form fields are refused app-wide in ``marketplace.security``.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from ..errors import NotAllowed
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


def admin_required(view):
    """Decorator for a staff view that only admins may use: a moderator gets a 403."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def require_admin(actor) -> None:
    """The services' admin check: raises NotAllowed unless ``actor`` is an active admin."""
    if actor is None or not getattr(actor, "is_admin", False):
        raise NotAllowed()
