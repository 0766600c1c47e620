"""Numbers in query strings written with other Unicode digits ("²", "①") or absurdly long:
str.isdigit() passes "²" but int() refuses it, which was a 500 (found by trying to break the
merged features). Each gets a page or our 404, never a 500."""

from __future__ import annotations

import pytest

from tests.builders import make_published_round

ODD = ["%C2%B2", "%E2%91%A0", "%C2%B9%C2%B2"]  # ², ①, ¹²


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("feed", ["/feed/meta.csv", "/feed/google.xml"])
def test_feeds_refuse_odd_edition_numbers(client, db, feed, odd):
    make_published_round()
    db.session.commit()
    assert client.get(f"{feed}?edisi={odd}").status_code == 404


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize(
    "path",
    [
        "/staff/audit?page={}",
        "/staff/moderasi/{rid}?page={}",
        "/staff/moderasi/{rid}?kategori={}",
        "/staff/moderasi/{rid}?komunitas={}",
        "/staff/moderasi/{rid}?dipilih={}",
    ],
)
def test_staff_pages_ignore_odd_numbers(as_staff, db, path, odd):
    rnd = make_published_round()
    db.session.commit()
    r = as_staff.get(path.format(odd, rid=rnd.id))
    assert r.status_code == 200


def test_a_page_number_of_thousands_of_digits_is_our_404(as_staff):
    assert as_staff.get("/staff/audit?page=" + "1" * 5000).status_code == 404
