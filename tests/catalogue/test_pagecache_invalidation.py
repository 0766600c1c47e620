"""The page cache's generation moves on every change to what public pages show (#18 item 7:
only listing decisions were tested; a mutant dropping business, community, category,
district or round changes from the check survived)."""

import pytest

from marketplace.catalogue.pagecache import current_generation
from tests.builders import category, district, make_business, make_round


def _change(kind: str, db):
    if kind == "business":
        b = make_business()
        db.session.commit()
        return lambda: setattr(b, "name", "Nama Baru")
    if kind == "community":
        b = make_business()
        db.session.commit()
        return lambda: setattr(b.community, "description", "Deskripsi baru")
    if kind == "category":
        c = category("makanan")
        return lambda: setattr(c, "name", "Makanan & Jajanan")
    if kind == "district":
        d = district("pamulang")
        return lambda: setattr(d, "name", "Pamulang Raya")
    if kind == "round":
        r = make_round()
        db.session.commit()
        return lambda: setattr(r, "quota_per_community", r.quota_per_community + 1)
    if kind == "new_round":
        return lambda: make_round(name="Periode Baru")
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["business", "community", "category", "district", "round", "new_round"]
)
def test_a_public_change_moves_the_generation(app, db, kind):
    change = _change(kind, db)
    before = current_generation()
    change()
    db.session.commit()
    assert current_generation() > before


def test_a_change_nobody_sees_keeps_the_cache(app, db):
    b = make_business()
    db.session.commit()
    before = current_generation()
    db.session.commit()  # nothing changed
    assert current_generation() == before
    assert b.id
