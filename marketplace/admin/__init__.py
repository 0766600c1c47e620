"""Staff administration (admins only): site settings, categories, staff accounts.

Top of the dependency graph beside ``moderation``: may import ``listings``, ``auth``,
``reference`` and the shared modules; nothing imports it."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import views  # noqa: E402,F401
