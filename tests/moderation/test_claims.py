"""Claims (#13 item 4): opening a waiting listing claims it for 10 minutes; colleagues see
"sedang ditinjau oleh …", their "next" skips it; a decision, a release or time ends it."""

import re
from datetime import timedelta

from marketplace.listings.models import ListingStatus
from marketplace.moderation.claims import claim, live_claims
from marketplace.moderation.models import ListingClaim
from tests.builders import make_listing, make_round, make_staff
from tests.conftest import login

S = ListingStatus


def _colleague(app, name="Rina"):
    user = make_staff()
    user.name = name
    from marketplace.extensions import db

    db.session.commit()
    c = app.test_client()
    login(c, user)
    c.user = user
    return c


def _three(clock):
    rnd = make_round()
    out = []
    for i in range(3):
        listing = make_listing(S.SUBMITTED, rnd=rnd, title=f"Produk {i + 1}")
        listing.submitted_at = clock() - timedelta(minutes=30 - i)
        out.append(listing)
    return rnd, out


def test_opening_claims_for_ten_minutes_and_colleagues_see_who(app, db, as_staff, clock):
    rnd, (a, _b, _c) = _three(clock)
    db.session.commit()
    rina = _colleague(app)
    assert rina.get(f"/staff/moderasi/produk/{a.id}").status_code == 200
    found = db.session.get(ListingClaim, a.id)
    assert found.moderator_id == rina.user.id
    assert found.expires_at == clock() + timedelta(minutes=10)
    queue = as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)
    assert "sedang ditinjau oleh Rina" in queue
    page = as_staff.get(f"/staff/moderasi/produk/{a.id}").get_data(as_text=True)
    assert "sedang ditinjau oleh Rina" in page
    db.session.expire_all()
    assert db.session.get(ListingClaim, a.id).moderator_id == rina.user.id  # not stolen
    clock.advance(minutes=10)
    assert "sedang ditinjau oleh Rina" not in as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(
        as_text=True
    )
    as_staff.get(f"/staff/moderasi/produk/{a.id}")  # expired: now it is mine
    db.session.expire_all()
    assert db.session.get(ListingClaim, a.id).moderator_id == as_staff.user.id


def test_next_and_the_unclaimed_filter_skip_colleagues_claims(app, db, as_staff, clock):
    rnd, (a, b, c) = _three(clock)
    db.session.commit()
    rina = _colleague(app)
    rina.get(f"/staff/moderasi/produk/{b.id}")
    page = as_staff.get(f"/staff/moderasi/produk/{a.id}").get_data(as_text=True)
    nxt = re.search(r'href="/staff/moderasi/produk/(\d+)[^"]*" rel="next"', page).group(1)
    assert int(nxt) == c.id
    r = as_staff.post(
        f"/staff/moderasi/produk/{a.id}/keputusan",
        data={"action": "approve", "version": "1", "save_next": "1"},
    )
    assert r.headers["Location"].startswith(f"/staff/moderasi/produk/{c.id}")
    free = as_staff.get(f"/staff/moderasi/{rnd.id}?klaim=bebas").get_data(as_text=True)
    assert "Produk 2" not in free and "Produk 3" in free
    assert "Produk 2" in as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)


def test_a_decision_or_a_release_ends_the_claim(app, db, as_staff, clock):
    _rnd, (a, b, _c) = _three(clock)
    db.session.commit()
    as_staff.get(f"/staff/moderasi/produk/{a.id}")
    as_staff.get(f"/staff/moderasi/produk/{b.id}")
    assert set(live_claims([a.id, b.id], now=clock())) == {a.id, b.id}
    as_staff.post(
        f"/staff/moderasi/produk/{a.id}/keputusan", data={"action": "approve", "version": "1"}
    )
    r = as_staff.post(f"/staff/moderasi/produk/{b.id}/lepas")
    assert r.status_code == 302
    db.session.expire_all()
    assert live_claims([a.id, b.id], now=clock()) == {}


def test_two_moderators_claiming_at_once_one_holds_it(app, db, clock):
    listing = make_listing(S.SUBMITTED)
    budi, rina = make_staff(), make_staff()
    first = claim(listing.id, budi, now=clock())
    second = claim(listing.id, rina, now=clock() + timedelta(minutes=1))
    assert first.moderator_id == second.moderator_id == budi.id
    renewed = claim(listing.id, budi, now=clock() + timedelta(minutes=5))
    assert renewed.expires_at == clock() + timedelta(minutes=15)
