"""Finding and joining a community: the public "Komunitas UMKM" directory (by kecamatan and
category) and "Minta bergabung" requests that a community's coordinator accepts or declines.

May import ``listings``, ``rounds``, ``auth``, ``reference``, ``audit`` and the shared
modules; nothing imports it. Nothing a requester types is ever shown publicly."""

from flask import Blueprint

bp = Blueprint("communities", __name__)

from . import import_views, views  # noqa: E402,F401
