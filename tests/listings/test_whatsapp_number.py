"""The WhatsApp field takes only mobile numbers (#18): a landline or toll-free number would
put a button on every product that reaches no one. Numbers are stored E.164 and shown as
people write them (0812-3456-7890)."""

import pytest

from marketplace.errors import InvalidInput
from marketplace.inputs import format_phone, parse_whatsapp
from marketplace.listings.models import Business
from tests.builders import make_business


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 856 1234 567", "+628561234567"),
        ("62895-1234-5678", "+6289512345678"),
    ],
)
def test_mobile_numbers_are_stored_e164(typed, e164):
    assert parse_whatsapp(typed) == e164


@pytest.mark.parametrize("typed", ["021-7654321", "(021) 7654 321", "0800-1234567"])
def test_landline_and_toll_free_numbers_are_refused_with_a_reason(typed):
    with pytest.raises(InvalidInput, match="bukan nomor HP.*0812-3456-7890"):
        parse_whatsapp(typed)


def test_numbers_are_shown_as_people_write_them():
    assert format_phone("+6281234567890") == "0812-3456-7890"
    assert format_phone("") == ""


def _form(**over):
    data = {
        "name": "Warung Bu Sri",
        "owner_name": "Sri",
        "district_id": "3",
        "whatsapp": "021-7654321",
        "story": "Sejak 2019.",
    }
    data.update(over)
    return data


def test_a_landline_is_refused_on_the_business_form_and_the_form_kept(as_member, db):
    r = as_member.post("/portal/usaha/baru", data=_form())
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "bukan nomor HP" in html and 'value="021-7654321"' in html
    assert db.session.execute(db.select(Business)).first() is None


def test_the_portal_shows_the_number_as_written(as_member, db):
    business = make_business(community=as_member.user.community)
    db.session.commit()
    assert "0812-3456-7890" in as_member.get("/portal/usaha").get_data(as_text=True)
    html = as_member.get(f"/portal/usaha/{business.id}/ubah").get_data(as_text=True)
    assert 'value="0812-3456-7890"' in html and "+6281234567890" not in html
