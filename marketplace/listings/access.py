"""Access helpers shared by the portal's views: members only, and their own records."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..extensions import db
from .state import is_own


def member_required(view):
    """Logged in as a member of a community; staff and others get a 404."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.is_staff or current_user.community_id is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def own_or_404(model, obj_id: int):
    """The record if the current user may keep it (their community's, and for a member who
    is not the coordinator, a business assigned to them or its listing), else 404."""
    obj = db.session.get(model, obj_id)
    if obj is None or not is_own(obj, current_user):
        abort(404)
    return obj
