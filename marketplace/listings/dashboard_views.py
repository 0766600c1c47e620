"""The community portal's home: the open round, its deadline, slots used and each listing."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.sessions import previous_login
from ..clock import now
from ..rounds.allowances import allowance, late_round_for
from ..rounds.forms import LateCodeRedeemForm
from ..rounds.services import next_round, open_round
from . import bp
from .access import member_required
from .forms import ActionForm
from .published import published_links
from .queries import community_businesses, community_listings, latest_feedback
from .state import slots_used, status_label
from .stock import awaiting_answer


@bp.route("/")
@member_required
def dashboard():
    at = now()
    community = current_user.community
    # a closed round the community may still submit to (a redeemed late-entry code)
    rnd = open_round(at) or late_round_for(community.id, at)
    allow = allowance(rnd, community.id) if rnd else None
    upcoming = next_round(at) if rnd is None else None
    listings = community_listings(community.id)
    feedback = latest_feedback([l.id for l in listings])
    used = slots_used(community.id, rnd.id) if rnd else 0
    return render_template(
        "listings/dashboard.html",
        community=community,
        previous_login=previous_login(),
        round=rnd,
        upcoming=upcoming,
        listings=listings,
        feedback=feedback,
        used=used,
        now=at,
        businesses=community_businesses(community.id),
        action_form=ActionForm(),
        status_label=status_label,
        remaining=_remaining(allow.closes_at - at) if rnd else None,
        allowance=allow,
        published=published_links(listings, at),
        late_form=LateCodeRedeemForm(formdata=None),
        still_sold=awaiting_answer(community.id, at),
    )


def _remaining(delta) -> str:
    """A countdown in words: "3 hari 4 jam", "5 jam 10 menit", "12 menit"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s hari %(h)s jam", d=days, h=hours)
    if hours:
        return _("%(h)s jam %(m)s menit", h=hours, m=mins)
    return _("%(m)s menit", m=max(mins, 0))
