from flask import Blueprint

bp = Blueprint("listings", __name__)

# The views register their routes on ``bp``; no view module imports another.
from . import (
    business_views,
    dashboard_views,
    listing_views,
    member_views,  # noqa: E402,F401
    notification_views,
)
