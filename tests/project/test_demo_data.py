"""The demo's data looks like a real round (#17): every product has one seller and its own
picture, units and categories are real ones, and the rounds follow the default cadence
(the one the schedule page describes), whatever day the demo is loaded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from marketplace.clock import to_wib
from marketplace.demo import BUSINESS_NAMES, latest_opening
from marketplace.demo_products import PRODUCTS, SHELVES, products_for
from marketplace.reference.units import UNITS_EN
from marketplace.rounds.services import Cadence


def test_products_are_distinct_with_real_units_and_a_shelf_per_kind_of_business():
    titles = [p[1] for p in PRODUCTS]
    assert len(titles) == len(set(titles)) >= 45, "a round of 45 needs 45 different products"
    assert len(SHELVES) == len(BUSINESS_NAMES)
    assert {p[2] for p in PRODUCTS} <= set(UNITS_EN), "a unit without an English name"
    assert len({p[0] for p in PRODUCTS}) >= 8 and sum(1 for p in PRODUCTS if not p[3]) >= 2


@pytest.mark.parametrize("edition", [1, 2, 3, 4, 5])
def test_no_product_has_two_sellers(edition):
    for kind in range(len(SHELVES)):
        shares = [
            {p[1] for p in products_for(kind, rank, edition, 3 if rank == 0 else 2)}
            for rank in range(3)
        ]
        assert not shares[1] & shares[2], kind
        assert not shares[0] & shares[1], kind
        assert all(shares), kind


@pytest.mark.parametrize(
    "now_utc, opened_wib",
    [
        # Wednesday 10.00 WIB → this Monday 08.00: the round is open
        (datetime(2026, 12, 2, 3, 0, tzinfo=UTC), datetime(2026, 11, 30, 8, 0)),
        # Saturday → this week's Monday: the round closed at Friday 24.00, it is in review
        (datetime(2026, 12, 5, 5, 0, tzinfo=UTC), datetime(2026, 11, 30, 8, 0)),
        # Monday 07.59 WIB → the Monday before
        (datetime(2026, 12, 7, 0, 59, tzinfo=UTC), datetime(2026, 11, 30, 8, 0)),
        # Monday 08.00 WIB sharp → today
        (datetime(2026, 12, 7, 1, 0, tzinfo=UTC), datetime(2026, 12, 7, 8, 0)),
    ],
)
def test_demo_rounds_follow_the_default_cadence(now_utc, opened_wib):
    cadence = Cadence()
    assert latest_opening(cadence, now_utc) == opened_wib
    opens, closes, publishes, _end = (to_wib(t) for t in cadence.window(opened_wib))
    # the schedule page's words: dibuka Senin 08.00, ditutup Jumat pukul 24.00, tayang Senin 09.00
    assert (opens.weekday(), opens.hour) == (0, 8)
    assert (closes.weekday(), closes.hour, closes.minute) == (5, 0, 0)
    assert (publishes.weekday(), publishes.hour) == (0, 9)
