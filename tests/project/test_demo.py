"""The demo loader builds a believable catalogue through the real services."""

import sqlalchemy as sa

from marketplace import demo
from marketplace.auth.models import Community, User
from marketplace.listings.models import Listing, ListingStatus
from marketplace.listings.state import public_listing_filter
from marketplace.rounds.models import Round
from marketplace.rounds.services import open_round


def test_demo_load(app, db, clock):
    assert not demo.is_loaded()
    demo.load(clock(), echo=lambda *_: None)
    db.session.commit()
    now = clock()
    communities = db.session.execute(db.select(Community)).scalars().all()
    assert len({c.district_id for c in communities}) == 7 and all(
        c.is_verified for c in communities
    )
    public = (
        db.session.execute(
            sa.select(Listing.round_id).join(Round).where(public_listing_filter(now))
        )
        .scalars()
        .all()
    )
    assert len(public) >= 120 and len(set(public)) >= 3
    rnd = open_round(now)
    assert rnd is not None
    queued = db.session.execute(
        sa.select(sa.func.count(Listing.id)).where(
            Listing.round_id == rnd.id, Listing.status == ListingStatus.SUBMITTED
        )
    ).scalar_one()
    assert queued >= 10
    emails = set(db.session.execute(sa.select(User.email)).scalars())
    assert set(demo.ACCOUNTS.values()) <= emails
    assert all(l.photos for l in db.session.execute(db.select(Listing)).scalars())
    # and the home page renders the showcase
    html = app.test_client().get("/").get_data(as_text=True)
    assert "Edisi 3" in html
