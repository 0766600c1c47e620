"""Every staff page on a 1280×800 desktop, as an admin sees it (#17): axe-core reports no
violation of any impact (minor included: empty table headers, scrollable regions the keyboard
cannot reach); each page gets a screenshot."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.auth.models import Role
from marketplace.extensions import db
from marketplace.moderation.models import ModerationReason
from tests.browser import axe_violations, format_violations
from tests.builders import (
    make_business,
    make_community,
    make_listing,
    make_public_listing,
    make_published_round,
    make_round,
    make_staff,
)
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.browser

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def test_every_staff_page_has_no_axe_violation_of_any_impact(server, journeys):
    from marketplace.listings.models import ListingStatus

    with server.seed():
        admin = make_staff(Role.ADMIN)
        community = make_community("Komunitas Usaha Mikro Pamulang Sejahtera Bersama")
        published = make_published_round()
        for i in range(4):
            make_public_listing(rnd=published, business=make_business(community), title=f"Kopi {i}")
        current = make_round()
        waiting = make_listing(
            ListingStatus.SUBMITTED, rnd=current, business=make_business(community)
        )
        reason_id = db.session.scalar(sa.select(sa.func.min(ModerationReason.id)))
        email, ids = admin.email, (community.id, published.id, current.id, waiting.id)
    community_id, published_id, current_id, waiting_id = ids
    pages = [
        "/staff/",
        f"/staff/moderasi/{current_id}",
        f"/staff/moderasi/produk/{waiting_id}",
        "/staff/komunitas",
        f"/staff/komunitas/{community_id}",
        "/staff/audit",
        "/staff/alasan",
        "/staff/rounds/",
        "/staff/rounds/baru",
        f"/staff/rounds/{current_id}/ubah",
        "/staff/rounds/jadwalkan",
        "/staff/instagram/",
        f"/staff/instagram/{published_id}",
        "/staff/statistik/",
        f"/staff/statistik/{published_id}",
        f"/staff/statistik/{current_id}",
        "/staff/statistik/komunitas",
        "/staff/admin/",
        "/staff/admin/pengaturan",
        "/staff/admin/kategori",
        "/staff/admin/staf",
    ]
    if reason_id is not None:
        pages.append(f"/staff/alasan/{reason_id}")
    staff = journeys("admin", desktop=True)
    log_in(staff, email)
    found = {}
    for path in pages:
        response = staff.goto(path)
        assert response.status == 200, path
        staff.seen(path.strip("/").replace("/", "-"), axe=False)
        violations = axe_violations(staff.page, impacts=ALL_IMPACTS)
        if violations:
            found[path] = format_violations(path, violations)
    assert not found, "\n".join(found.values())
