"""The portal page "Yang dicari pembeli" (``/portal/dicari``) for community members."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..clock import now
from ..listings.access import member_required
from . import portal_bp
from .portal import community_demand, community_reach


@portal_bp.route("/dicari")
@member_required
def portal_demand():
    community = current_user.community
    at = now()
    since, categories = community_demand(community.id, at)
    return render_template(
        "demand/portal.html",
        community=community,
        since=since,
        categories=categories,
        reach=community_reach(community.id),
        now=at,
    )
