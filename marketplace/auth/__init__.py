"""Users, communities and membership: sign-up, login and logout, sessions, roles, second
factor, invitations, account pages, and the staff gate (``auth.access``).

Below the features: may import ``reference``, ``audit`` and the shared modules (``db``,
``errors``, ``inputs``, ``security``, ``slugs``, ``clock``); never a feature above it."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import account, recovery_views, views  # noqa: E402,F401
