"""Short codes: stable, typable, reversible; ``/k/<code>`` leads to public listings only."""

import random

import pytest

from marketplace.listings.models import ListingStatus
from marketplace.shortlinks.codes import ALPHABET, listing_id, short_code
from marketplace.slugs import slugify
from tests.builders import make_listing, make_public_listing


def test_codes_are_short_typable_and_reversible():
    assert short_code(1) == "ETL-3TCN"  # stable: printed posters must keep working
    rng = random.Random(16)
    ids = [1, 2, 3, 32**4 - 1, 32**4, 2**31 - 1] + rng.sample(range(1, 2**31), 5000)
    codes = {short_code(i) for i in ids}
    assert len(codes) == len(ids)
    for i in ids:
        code = short_code(i)
        assert code.startswith("ETL-") and set(code[4:]) <= set(ALPHABET)
        assert listing_id(code) == i
    assert all(len(short_code(i)) == 8 for i in range(1, 5000))


@pytest.mark.parametrize("typed", ["etl-3tcn", "ETL3TCN", "3TCN", " etl - 3tcn ", "ETL-3TCN"])
def test_codes_are_read_the_way_people_type_them(typed):
    assert listing_id(typed) == 1


def test_look_alike_letters_are_read_as_digits():
    code = short_code(next(i for i in range(1, 10_000) if "0" in short_code(i)[4:]))
    assert listing_id(code.replace("0", "O")) == listing_id(code)


@pytest.mark.parametrize(
    "junk", ["", "ETL-", "ETL-ABC", "ETL-!!!!", "ETL-UUUU", "x" * 50, "ETL-0000"]
)
def test_junk_names_nothing(junk):
    assert listing_id(junk) is None


def test_short_link_redirects_to_a_public_listing_only(client, db):
    listing = make_public_listing(title="Kopi Robusta")
    draft = make_listing(ListingStatus.SUBMITTED)
    db.session.commit()
    r = client.get(f"/k/{short_code(listing.id)}")
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/produk/{listing.id}-{slugify(listing.title)}")
    assert client.get(f"/k/{short_code(listing.id).lower()}").status_code == 302
    assert client.get(f"/k/{short_code(draft.id)}").status_code == 404
    assert client.get("/k/ETL-ZZZZZZZ").status_code == 404
    listing.status = ListingStatus.REMOVED
    db.session.commit()
    assert client.get(f"/k/{short_code(listing.id)}").status_code == 404
