"""Staff moderation: the queue and review, decisions and bulk approve, take-downs, preset
reasons, permit checks, community verification and the audit log page.

May import ``listings``, ``rounds``, ``auth``, ``reference``, ``audit``, ``notifications``
and the shared modules; only ``stats`` imports it (for labels)."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

# ``access`` installs the staff-only guard; the views register their routes on ``bp`` and no
# view module imports another.
from . import (
    access,  # noqa: E402,F401
    audit_views,
    business_change_views,
    community_views,
    progress_views,
    queue_views,
    reason_views,  # noqa: E402,F401
    review_views,
)
