"""The schedule page's rule text and the new-round prefill come from the one cadence in site
settings (#17): the words cannot contradict the rounds it makes, and "Jadwalkan periode baru"
is prefilled with the cadence's closing and publishing times, not the same minute."""

from __future__ import annotations

import re
from datetime import datetime

from marketplace.clock import WIB
from marketplace.site_settings import DEFAULTS, SiteSettings
from tests.builders import make_round


def test_rule_text_follows_the_settings(as_admin, db):
    body = as_admin.get("/staff/rounds/jadwalkan").get_data(as_text=True)
    assert (
        "Pola 14 hari: dibuka Senin 08.00, ditutup Jumat pukul 24.00 (tengah malam), "
        "tayang Senin 09.00, etalase 14 hari."
    ) in body
    values = dict(DEFAULTS, cadence_closes_weekday=6, cadence_publishes_weekday=1)
    db.session.add(SiteSettings(id=1, **values))
    db.session.commit()
    body = as_admin.get("/staff/rounds/jadwalkan").get_data(as_text=True)
    assert "ditutup Sabtu pukul 24.00 (tengah malam), tayang Selasa 09.00" in body
    assert "Sabtu 00.00, tayang Senin berikutnya" not in body


def test_rule_text_in_english(as_admin, db):
    as_admin.get("/bahasa/en_ID")
    body = as_admin.get("/staff/rounds/jadwalkan").get_data(as_text=True)
    assert "Every 14 days: opens Monday 08:00, closes Friday at midnight (24:00)" in body


def _value(body: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', body) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', body
    )
    assert match, name
    return match.group(1)


def test_new_round_prefill_from_the_cadence(as_admin, db):
    # The latest round opened Monday 30 Nov 2026 08.00 WIB (its other times do not matter).
    make_round(
        opens_at=datetime(2026, 11, 30, 8, 0, tzinfo=WIB),
        closes_at=datetime(2026, 12, 4, 8, 0, tzinfo=WIB),
        publishes_at=datetime(2026, 12, 4, 8, 0, tzinfo=WIB),
    )
    db.session.commit()
    body = as_admin.get("/staff/rounds/baru").get_data(as_text=True)
    assert _value(body, "opens_at") == "2026-12-14T08:00"
    assert _value(body, "closes_at") == "2026-12-19T00:00"  # Saturday 00.00: Friday midnight
    assert _value(body, "publishes_at") == "2026-12-21T09:00"
    assert _value(body, "showcase_ends_at") == "2027-01-04T09:00"
