"""Staff page for a round's moderation progress: waiting, decided, per moderator today, the
pace and the projected finish against the publication."""

from __future__ import annotations

from flask import render_template

from ..clock import now
from ..extensions import db
from ..listings.models import ListingStatus
from ..rounds.models import Round
from . import bp
from .progress import QUEUE_DECISIONS, progress

# The status each decision leads to (its column heading reads the status label).
DECISION_STATUS = {
    "approve": ListingStatus.APPROVED,
    "request_changes": ListingStatus.CHANGES_REQUESTED,
    "reject": ListingStatus.REJECTED,
}


@bp.route("/moderasi/<int:round_id>/kemajuan")
def progress_page(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    return render_template(
        "moderation/progress.html",
        p=progress(rnd, now()),
        actions=QUEUE_DECISIONS,
        decision_status=DECISION_STATUS,
    )
