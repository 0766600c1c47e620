"""Shoppers' reports on public listings ("Laporkan produk") and the staff "Laporan" queue:
counting duplicates, the fraud threshold that hides a listing until a moderator looks,
dismissing, and taking down through moderation's decision flow.

May import ``moderation`` (decisions), ``listings``, ``audit``, ``notifications`` and the
shared modules; nothing imports it but the app factory."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import staff_views, views  # noqa: E402,F401
