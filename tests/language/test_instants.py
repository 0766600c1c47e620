"""One rule for writing instants (#17): starts and events with ``wib``, exclusive ends with
``until`` (00.00 is 24.00 of the day before), short or long, the same on staff pages and
in the portal, in Indonesian and English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from marketplace.clock import WIB
from marketplace.formatting import day, deadline, until, wib

MIDNIGHT = datetime(2026, 12, 6, 0, 0, tzinfo=WIB)  # Sunday 00.00 WIB: the end of Saturday
EVENING = datetime(2026, 12, 5, 17, 30, tzinfo=WIB)


@pytest.mark.parametrize(
    ("locale", "fn", "value", "style", "expected"),
    [
        ("id", wib, EVENING, "short", "5 Des 2026, 17.30 WIB"),
        ("id", wib, EVENING, "long", "Sabtu, 5 Desember 2026, 17.30 WIB"),
        ("id", until, EVENING, "short", "5 Des 2026, 17.30 WIB"),
        ("id", until, MIDNIGHT, "short", "5 Des 2026, 24.00 WIB"),
        ("id", until, MIDNIGHT, "long", "Sabtu, 5 Desember 2026, pukul 24.00 WIB (tengah malam)"),
        ("id", wib, MIDNIGHT, "short", "6 Des 2026, 00.00 WIB"),  # a start stays a start
        ("en_ID", until, MIDNIGHT, "short", "5 Dec 2026, 24:00 WIB"),
        ("en_ID", until, MIDNIGHT, "long", "Saturday, 5 December 2026, at midnight (24:00 WIB)"),
        ("en_ID", wib, EVENING, "short", "5 Dec 2026, 17:30 WIB"),
    ],
)
def test_the_one_rule(app, locale, fn, value, style, expected):
    with app.test_request_context(), force_locale(locale):
        assert fn(value, style) == expected


def test_utc_values_and_none(app):
    with app.test_request_context(), force_locale("id"):
        assert until(datetime(2026, 12, 5, 17, 0, tzinfo=UTC)) == "5 Des 2026, 24.00 WIB"
        assert wib(None) == until(None) == deadline(None) == ""
        assert deadline(MIDNIGHT) == until(MIDNIGHT, "long")


def test_staff_queue_and_portal_write_the_same_closing(as_staff, as_member, db):
    """The moderation queue (short) and the portal (long) name the same day and 24.00."""
    from tests.builders import make_round

    rnd = make_round(
        opens_at=datetime(2026, 11, 30, 8, 0, tzinfo=WIB),
        closes_at=MIDNIGHT,
        publishes_at=datetime(2026, 12, 8, 9, 0, tzinfo=WIB),
    )
    db.session.commit()
    staff_page = as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)
    assert "5 Des 2026, 24.00 WIB" in staff_page and "6 Des 2026, 00.00" not in staff_page
    portal = as_member.get("/portal/").get_data(as_text=True)
    assert "5 Desember 2026, pukul 24.00 WIB" in portal


def test_a_day_is_written_out_in_both_languages(app):
    from datetime import date

    with app.test_request_context(), force_locale("id"):
        assert day(date(2026, 11, 4)) == "4 Nov 2026" and day(date(2026, 12, 5)) == "5 Des 2026"
        assert day(None) == ""
    with app.test_request_context(), force_locale("en_ID"):
        assert day(date(2026, 12, 5)) == "5 Dec 2026"
