"""Two submits for a community's last slot never both win, whichever worker process serves
them: the quota count and the submit are one step (SQLite: the write lock is taken before
the count; PostgreSQL: the community row is locked). The second request is played by a
thread with its own session and connection, as another gunicorn worker would have."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from marketplace.auth.models import User
from marketplace.errors import QuotaExceeded
from marketplace.listings.models import Listing, ListingStatus
from marketplace.listings.state import check_can_submit, slots_used, transition
from tests.builders import make_business, make_listing, make_member, make_round


def _other_worker(app, listing_id: int, user_id: int, at) -> str:
    """Submit ``listing_id`` from another connection that waits at most 0.3 s for a lock."""
    outcome = {}

    def run():
        from marketplace.extensions import db

        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                db.session.execute(sa.text("PRAGMA busy_timeout = 300"))
            else:
                db.session.execute(sa.text("SET lock_timeout = '300ms'"))
            try:
                transition(
                    db.session.get(Listing, listing_id),
                    "submit",
                    actor=db.session.get(User, user_id),
                    now=at,
                )
                db.session.commit()
                outcome["result"] = "won"
            except QuotaExceeded:
                outcome["result"] = "quota full"
            except sa.exc.OperationalError:
                outcome["result"] = "waited"
            finally:
                db.session.rollback()
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return outcome["result"]


def test_a_parallel_submit_for_the_last_slot_waits_and_then_finds_it_taken(app, db, clock):
    member = make_member()
    rnd = make_round(quota=1)
    business = make_business(member.community)
    first = make_listing(business=business, rnd=rnd, title="Pertama")
    second = make_listing(business=business, rnd=rnd, title="Kedua")
    db.session.commit()
    at = clock()

    # Request 1 has counted the free slot and not yet committed its submit ...
    check_can_submit(first, at)
    # ... so request 2, in another worker, cannot count (it would see the slot free).
    assert _other_worker(app, second.id, member.id, at) == "waited"

    transition(first, "submit", actor=member, now=at)
    db.session.commit()
    assert _other_worker(app, second.id, member.id, at) == "quota full"

    db.session.expire_all()
    assert slots_used(member.community_id, rnd.id) == 1
    assert db.session.get(Listing, second.id).status == ListingStatus.DRAFT
