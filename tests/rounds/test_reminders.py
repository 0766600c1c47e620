"""Round reminders from the clock (#14 item 6): each sent once per community, at the right
instant in WIB (the suite also runs with TZ=America/New_York)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marketplace.auth.models import CommunityStatus
from marketplace.clock import WIB
from marketplace.notifications import Notification
from marketplace.rounds import reminders
from tests.builders import make_community, make_round


def _wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB).astimezone(UTC)


def _kinds(db, community_id):
    return sorted(
        db.session.execute(
            db.select(Notification.kind).where(Notification.community_id == community_id)
        ).scalars()
    )


def test_each_reminder_once_at_its_instant_in_wib(app, db, clock):
    c = make_community()
    make_community(status=CommunityStatus.PENDING)
    rnd = make_round(
        opens_at=_wib(2026, 12, 7, 8, 0),
        closes_at=_wib(2026, 12, 19, 0, 0),
        publishes_at=_wib(2026, 12, 21, 8, 0),
    )
    db.session.commit()
    k = lambda e: reminders.kind_of(e, rnd)  # noqa: E731
    clock.at = _wib(2026, 12, 7, 7, 59, 59)
    assert reminders.send_due(clock()) == []
    clock.at = _wib(2026, 12, 7, 8, 0, 0)
    sent = reminders.send_due(clock())
    assert [(s.community_id, s.event) for s in sent] == [(c.id, "opened")]
    assert "24.00 WIB" in sent[0].text  # midnight shown as the end of the day before
    assert reminders.send_due(clock()) == []  # run again the same minute: nothing twice
    clock.at = _wib(2026, 12, 15, 23, 59, 59)
    assert reminders.send_due(clock()) == []
    clock.at = _wib(2026, 12, 16, 0, 0, 0)  # three days before closing
    assert [s.event for s in reminders.send_due(clock())] == ["closes_3d"]
    clock.at = _wib(2026, 12, 18, 0, 0, 0)  # one day before
    assert [s.event for s in reminders.send_due(clock())] == ["closes_1d"]
    clock.at = _wib(2026, 12, 21, 7, 59, 59)
    assert reminders.send_due(clock()) == []
    clock.at = _wib(2026, 12, 21, 8, 0, 0)
    assert [s.event for s in reminders.send_due(clock())] == ["published"]
    db.session.commit()
    assert _kinds(db, c.id) == sorted(k(e) for e in reminders.EVENTS)


def test_a_late_run_sends_only_the_latest_closing_reminder(app, db, clock):
    c = make_community()
    rnd = make_round(
        opens_at=_wib(2026, 12, 1, 8, 0),
        closes_at=_wib(2026, 12, 2, 20, 0),
        publishes_at=_wib(2026, 12, 4, 8, 0),
    )
    db.session.commit()
    sent = reminders.send_due(clock())  # 2 Dec 10:00 WIB: opened, 3d and 1d all past
    assert [(s.community_id, s.event) for s in sent] == [(c.id, "closes_1d")]
    assert rnd.id == sent[0].round_id


def test_remind_command_is_safe_to_run_every_minute(app, db, clock):
    make_community()
    make_round(opens_at=clock() - timedelta(minutes=1))
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["rounds", "remind"])
    assert first.exit_code == 0 and "1 written" in first.output
    second = runner.invoke(args=["rounds", "remind"])
    assert "0 written" in second.output


def test_broadcast_text_has_link_and_wib_deadline(app, db, clock):
    rnd = make_round(closes_at=_wib(2026, 12, 5, 17, 0))
    text = reminders.broadcast_text(rnd, "https://contoh.id/x", clock())
    assert "17.00 WIB" in text and "https://contoh.id/x" in text


def test_the_database_refuses_a_reminder_twice_but_not_decisions(app, db, clock):
    import pytest
    import sqlalchemy as sa

    from marketplace.notifications import notify

    c = make_community()
    db.session.commit()
    notify(c.id, "a", kind="listing.approve", at=clock())
    notify(c.id, "b", kind="listing.approve", at=clock())  # decisions repeat
    notify(c.id, "x", kind="round.opened#1", at=clock())
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        notify(c.id, "y", kind="round.opened#1", at=clock())
    db.session.rollback()


def test_due_reminders_show_on_the_portal_without_writing(app, db, clock, as_member):
    rnd = make_round(
        opens_at=_wib(2026, 12, 1, 8, 0),
        closes_at=_wib(2026, 12, 3, 0, 0),
        publishes_at=_wib(2026, 12, 7, 8, 0),
    )
    db.session.commit()
    clock.at = _wib(2026, 12, 1, 7, 59, 59)
    page = as_member.get("/portal/").get_data(as_text=True)
    assert "Pengingat" not in page or "sudah dibuka" not in page
    clock.at = _wib(2026, 12, 1, 8, 0, 0)
    page = as_member.get("/portal/").get_data(as_text=True)
    assert f"{rnd.title} ditutup" in page  # 1 day left at opening: the closing reminder
    assert 'data-countdown-until="2026-12-02T17:00:00+00:00"' in page
    assert 'data-countdown-now="2026-12-01T01:00:00+00:00"' in page
    assert "js/countdown.js" in page
    assert db.session.execute(db.select(db.func.count(Notification.id))).scalar_one() == 0


def test_staff_whatsapp_page_marks_each_message_sent_once(app, db, clock, as_staff):
    from urllib.parse import unquote

    from marketplace.audit import AuditEvent
    from marketplace.rounds.models import ReminderMark

    c = make_community("Komunitas Anggrek")
    c.contact_phone = "+6281234567890"
    make_community("Komunitas Tanpa Nomor").contact_phone = None
    rnd = make_round(
        opens_at=_wib(2026, 12, 1, 8, 0),
        closes_at=_wib(2026, 12, 5, 17, 0),
        publishes_at=_wib(2026, 12, 7, 8, 0),
    )
    db.session.commit()
    page = as_staff.get(f"/staff/rounds/{rnd.id}/pengingat").get_data(as_text=True)
    assert "17.00 WIB" in page and "/portal/" in page  # deadline in WIB and the link
    start = page.index("https://wa.me/6281234567890?text=")
    text = unquote(page[start : page.index('"', start)].split("text=")[1])
    assert rnd.title in text and "17.00 WIB" in text
    assert "tanpa nomor kontak" in page
    for _ in range(2):  # a double tap: one mark
        r = as_staff.post(
            f"/staff/rounds/{rnd.id}/pengingat/terkirim",
            data={"event": "closes_3d", "community_id": str(c.id)},
        )
        assert r.status_code == 302
    as_staff.post(f"/staff/rounds/{rnd.id}/pengingat/terkirim", data={"event": "closes_3d"})
    r = as_staff.post(
        f"/staff/rounds/{rnd.id}/pengingat/terkirim", data={"event": "<b>", "community_id": "x"}
    )
    assert r.status_code == 302
    marks = db.session.execute(db.select(ReminderMark)).scalars().all()
    assert sorted((m.community_id or 0, m.event) for m in marks) == [
        (0, "closes_3d"),
        (c.id, "closes_3d"),
    ]
    page = as_staff.get(f"/staff/rounds/{rnd.id}/pengingat?acara=closes_3d").get_data(as_text=True)
    assert page.count(">terkirim<") == 2
    events = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "reminder.whatsapp_sent")
    ).scalars()
    assert len(list(events)) == 2


def test_staff_page_of_a_published_round_without_edition_links_the_catalogue(app, db, as_staff):
    rnd = make_round(
        opens_at=_wib(2026, 11, 1, 8, 0),
        closes_at=_wib(2026, 11, 5, 17, 0),
        publishes_at=_wib(2026, 11, 30, 8, 0),
    )
    rnd.edition = None
    db.session.commit()
    r = as_staff.get(f"/staff/rounds/{rnd.id}/pengingat")
    assert r.status_code == 200 and "/katalog" in r.get_data(as_text=True)
    r = as_staff.get(f"/staff/rounds/{rnd.id}/pengingat?acara=%3Cx%3E")
    assert r.status_code == 200
