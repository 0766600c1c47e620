from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from . import pagecache, views  # noqa: E402,F401

bp.record_once(lambda state: pagecache.init_app(state.app))
bp.after_request(pagecache.store)
