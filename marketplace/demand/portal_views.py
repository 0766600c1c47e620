"""The portal page "Yang dicari pembeli" (``/portal/dicari``) for community members."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..clock import now
from ..listings.access import member_required
from . import portal_bp
from .portal import community_demand, community_taps


@portal_bp.route("/dicari")
@member_required
def portal_demand():
    community = current_user.community
    since, categories = community_demand(community.id, now())
    return render_template(
        "demand/portal.html",
        community=community,
        since=since,
        categories=categories,
        taps=community_taps(community.id),
    )
