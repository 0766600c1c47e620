"""No decision on a stale view, with two sessions really at the same time: two moderators
deciding one version, and a community editing while a moderator decides. Each side runs in
its own thread (own app context, own database session and connection); a barrier makes both
read version 1 before either writes."""

import threading

from marketplace.errors import StaleVersion
from marketplace.listings import listings as listing_services
from marketplace.listings.models import ListingStatus
from marketplace.moderation import review_views as moderation_views
from marketplace.moderation.decisions import decide
from marketplace.moderation.models import ModerationDecision
from tests.builders import make_listing, make_member, make_staff
from tests.conftest import login

S = ListingStatus


def _run_together(*jobs):
    results = [None] * len(jobs)

    def wrap(i, job):
        try:
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc

    threads = [threading.Thread(target=wrap, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def test_two_moderators_post_at_once_one_decision_the_other_told(app, db, monkeypatch):
    listing = make_listing(S.SUBMITTED)
    alice, budi = make_staff(), make_staff()
    db.session.commit()
    a, b = app.test_client(), app.test_client()
    login(a, alice)
    login(b, budi)
    barrier = threading.Barrier(2, timeout=10)
    original = moderation_views._listing_for_staff

    def load_then_wait(listing_id, *args):
        found = original(listing_id, *args)
        barrier.wait()  # both requests hold version 1 before either decides
        return found

    monkeypatch.setattr(moderation_views, "_listing_for_staff", load_then_wait)
    url = f"/staff/moderasi/produk/{listing.id}/keputusan"
    ra, rb = _run_together(
        lambda: a.post(url, data={"action": "approve", "version": "1"}, follow_redirects=True),
        lambda: b.post(
            url,
            data={"action": "reject", "version": "1", "reason_text": "Duplikat"},
            follow_redirects=True,
        ),
    )
    pages = [r.get_data(as_text=True) for r in (ra, rb)]
    assert all(r.status_code == 200 for r in (ra, rb))
    won = [p for p in pages if "Keputusan untuk" in p]
    told = [p for p in pages if "sudah diputuskan oleh moderator lain" in p]
    assert len(won) == 1 and len(told) == 1
    db.session.expire_all()
    decisions = db.session.execute(db.select(ModerationDecision)).scalars().all()
    assert len(decisions) == 1
    listing = db.session.get(type(listing), listing.id)
    assert listing.version == 2
    assert listing.status == (S.APPROVED if decisions[0].moderator_id == alice.id else S.REJECTED)
    # Whichever thread won (#18 item 7: the checks above hold for any winner): the winner's
    # own page confirms, the other moderator's page tells them, and the record is the winner's.
    alice_won = decisions[0].moderator_id == alice.id
    winner, loser = (pages[0], pages[1]) if alice_won else (pages[1], pages[0])
    assert "Keputusan untuk" in winner and "sudah diputuskan oleh moderator lain" in loser
    assert decisions[0].moderator_id in (alice.id, budi.id)
    assert (decisions[0].action.value == "approve") is alice_won


def test_community_edit_and_decision_at_once_never_lose_the_edit(app, db, clock):
    listing = make_listing(S.SUBMITTED, title="Versi satu")
    member = make_member(community=listing.business.community)
    moderator = make_staff()
    db.session.commit()
    ids = (listing.id, member.id, moderator.id)
    barrier = threading.Barrier(2, timeout=10)

    def in_own_session(work):
        def job():
            with app.app_context():
                from marketplace.auth.models import User
                from marketplace.extensions import db as _db
                from marketplace.listings.models import Listing

                mine = _db.session.get(Listing, ids[0])
                _ = (mine.version, mine.photos, mine.round)
                barrier.wait()
                try:
                    work(mine, _db.session.get(User, ids[1]), _db.session.get(User, ids[2]))
                    _db.session.commit()
                    return "ok"
                except StaleVersion as exc:
                    _db.session.rollback()
                    return exc.message
                finally:
                    _db.session.remove()

        return job

    def edit(mine, member, _moderator):
        values, errors = listing_services.validate_listing(
            listing_services.ListingInput(
                business_id=mine.business_id,
                category_id=mine.category_id,
                title="Versi dua",
                description="Baru",
                price="20rb",
            ),
            actor=member,
        )
        assert not errors
        listing_services.update_listing(
            mine, values, [p.image for p in mine.photos], actor=member, now=clock()
        )

    def approve(mine, _member, moderator):
        decide(mine, "approve", moderator=moderator, seen_version=1, now=clock())

    results = _run_together(in_own_session(edit), in_own_session(approve))
    assert sorted(r == "ok" for r in results) == [False, True], results
    refused = next(r for r in results if r != "ok")
    assert isinstance(refused, str) and "Produk ini" in refused, refused
    db.session.expire_all()
    from marketplace.listings.models import Listing

    final = db.session.get(Listing, ids[0])
    decisions = db.session.execute(db.select(ModerationDecision)).scalars().all()
    if results[0] == "ok":  # the edit won: still waiting for a decision on version 2
        assert (final.title, final.status, final.version, decisions) == (
            "Versi dua",
            S.SUBMITTED,
            2,
            [],
        )
    else:  # the decision won: approved exactly what the moderator saw
        assert (final.title, final.status, final.version) == ("Versi satu", S.APPROVED, 2)
        assert [d.listing_version for d in decisions] == [1]
