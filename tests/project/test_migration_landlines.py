"""Migration i18_landlines (#18 item 5/6): WhatsApp numbers saved before the field took only
mobile numbers are flagged for the community when they are landlines, never dropped; the flag
hides the dead WhatsApp button, the portal says what to do, a new number clears it."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db as _db
from marketplace.listings.models import Business
from tests.builders import make_business

BEFORE = "i15_listing_views"


def test_landlines_are_flagged_mobile_numbers_are_not_and_no_number_is_lost(app, db):
    landline = make_business(name="Toko Telepon Rumah")
    mobile = make_business(name="Toko HP")
    db.session.commit()
    ids = (landline.id, mobile.id)
    _db.session.remove()

    downgrade(revision=BEFORE)
    with _db.engine.begin() as conn:
        for bid, number in ((ids[0], "+62217654321"), (ids[1], "+6281234567890")):
            conn.execute(
                sa.text("UPDATE businesses SET whatsapp = :n WHERE id = :id"),
                {"n": number, "id": bid},
            )
    upgrade()
    with _db.engine.begin() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, whatsapp_landline FROM businesses")).all())
        numbers = dict(conn.execute(sa.text("SELECT id, whatsapp FROM businesses")).all())
    assert bool(rows[ids[0]]) is True and bool(rows[ids[1]]) is False
    assert numbers == {ids[0]: "+62217654321", ids[1]: "+6281234567890"}

    flagged = _db.session.get(Business, ids[0])
    assert flagged.whatsapp_digits == ""  # no wa.me button reaching no one
    assert _db.session.get(Business, ids[1]).whatsapp_digits == "6281234567890"
    flagged.whatsapp = "+6281298765432"  # the community typed a mobile number
    assert flagged.whatsapp_landline is False
    assert flagged.whatsapp_digits == "6281298765432"


def test_the_portal_tells_the_community_what_to_do(app, db, as_member):
    business = make_business(as_member.user.community, name="Toko Telepon Rumah")
    db.session.commit()
    business.whatsapp_landline = True
    db.session.commit()
    page = as_member.get("/portal/usaha").get_data(as_text=True)
    assert "bukan nomor HP" in page and "Ganti dengan nomor HP" in page
