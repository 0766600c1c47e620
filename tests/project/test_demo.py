"""The demo loader builds a believable catalogue through the real services."""

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from marketplace import demo
from marketplace.auth.models import Community, User
from marketplace.listings.models import Listing, ListingStatus
from marketplace.listings.state import public_listing_filter
from marketplace.media.models import Image
from marketplace.rounds.models import Round
from marketplace.rounds.services import open_round


def test_demo_load(app, db, clock):
    assert not demo.is_loaded()
    ticks = []
    demo.load(clock(), echo=lambda *_: None, progress=ticks.append)
    db.session.commit()
    # the progress bar's total is the number of listings made, one tick each
    assert ticks == [1] * demo.listing_count()
    assert db.session.execute(sa.select(sa.func.count(Listing.id))).scalar_one() == len(ticks)
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
    # each product picture is made once and shared by the listings that show it
    images = db.session.execute(sa.select(sa.func.count(Image.id))).scalar_one()
    assert images <= len(demo.PRODUCTS) * demo.PHOTOS_PER_PRODUCT
    # the accounts share one password hash (one scrypt instead of nine), and it verifies
    users = db.session.execute(sa.select(User)).scalars().all()
    assert len({u.password_hash for u in users}) == 1
    assert check_password_hash(users[0].password_hash, demo.PASSWORD)
    # and the home page renders the showcase
    html = app.test_client().get("/").get_data(as_text=True)
    assert "Edisi 3" in html


def test_one_hash_per_password_is_undone_even_when_the_load_fails(app):
    from marketplace.auth import services as auth_services

    real = auth_services.hash_password
    try:
        with demo.one_hash_per_password():
            first = auth_services.hash_password("umkm-juara-2026")
            assert auth_services.hash_password("umkm-juara-2026") == first
            assert auth_services.hash_password("lain-lagi-2026") != first
            raise RuntimeError("the load failed")
    except RuntimeError:
        pass
    assert auth_services.hash_password is real
    assert real("umkm-juara-2026") != first  # a fresh salt again


def test_demo_photos_are_drawn_once_per_key(app, db, clock):
    with demo.DemoPhotos() as photos:
        photos.start([("Dodol Betawi", 0), ("Dodol Betawi", 1), ("Dodol Betawi", 0)])
        a = photos.image("Dodol Betawi", 0, None, clock())
        assert photos.image("Dodol Betawi", 0, None, clock()) is a
        b = photos.image("Dodol Betawi", 1, None, clock())
        c = photos.image("Madu Hutan Murni", 0, None, clock())  # not queued: made on the spot
        assert len({id(a), id(b), id(c)}) == 3
        assert {v.name for v in a.variants} >= {"w320", "w1080"}
