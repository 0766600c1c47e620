"""Managing a listing's photos through the form, without JavaScript: add, remove, reorder,
choose the cover; limits shown before upload; removed photos leave storage after the
commit, never before."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from marketplace.listings.models import Listing, Photo
from marketplace.listings.models import ListingStatus as S
from marketplace.media.models import Image
from marketplace.media.services import save_upload
from marketplace.media.storage import get_storage
from tests.builders import jpeg_bytes, make_business, make_listing, make_member, make_round

FORM = {
    "title": "Keripik Singkong Balado",
    "category_id": "1",
    "price": "15rb",
    "unit": "pack",
    "description": "Renyah.",
}


def form(business_id, order=(), **over):
    data = dict(FORM, business_id=str(business_id), photo_order=",".join(str(i) for i in order))
    data.update(over)
    return data


def upload(size=(480, 360), colour=(200, 30, 30), name="foto.jpg"):
    return (io.BytesIO(jpeg_bytes(*size, colour)), name)


def order_in(html: str) -> list[int]:
    value = re.search(r'name="photo_order" id="photo-order" value="([\d,]*)"', html).group(1)
    return [int(i) for i in value.split(",") if i]


def post(client, url, data):
    return client.post(url, data=data, content_type="multipart/form-data")


def setup_business(as_member, db):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    return business


def stored() -> set[str]:
    return {o.key for o in get_storage().list()}


def test_form_shows_the_limits_before_upload(as_member, db):
    setup_business(as_member, db)
    html = as_member.get("/portal/produk/baru").get_data(as_text=True)
    assert "1 sampai 5 foto" in html and "paling besar 12 MB per foto" in html
    assert 'accept="image/*,.heic,.heif"' in html and "multiple" in html
    assert 'data-max-request="' in html
    assert '<script src="/static/js/upload.js" defer></script>' in html


def test_enter_in_a_text_field_saves_a_draft_not_a_photo_button(as_member, db):
    setup_business(as_member, db)
    html = as_member.get("/portal/produk/baru").get_data(as_text=True)
    in_form = html[html.index('id="listing-form"') :]
    first_submit = re.search(r'<button type="submit"[^>]*>', in_form).group(0)
    assert 'name="action" value="draft"' in first_submit


def test_add_photos_without_saving_keeps_the_form(as_member, db):
    business = setup_business(as_member, db)
    data = form(
        business.id,
        title="Sambal Cumi 🌶️",
        photo_op="add:0",
        photos=[upload(), upload(colour=(0, 90, 200), name="IMG_2.HEIC")],
    )
    data.pop("photo_order")
    r = post(as_member, "/portal/produk/baru", data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'value="Sambal Cumi 🌶️"' in html
    assert len(order_in(html)) == 2
    assert "Sampul" in html and "2 dari 5 foto." in html
    assert db.session.execute(sa.select(Listing)).first() is None


def test_reorder_cover_and_save(as_member, db, clock):
    business = setup_business(as_member, db)
    a, b, c = (
        save_upload(jpeg_bytes(480, 360, col), uploaded_by=as_member.user, now=clock())
        for col in ((200, 0, 0), (0, 200, 0), (0, 0, 200))
    )
    db.session.commit()
    url = "/portal/produk/baru"
    r = post(as_member, url, form(business.id, [a.id, b.id, c.id], photo_op=f"down:{a.id}"))
    html = r.get_data(as_text=True)
    assert order_in(html) == [b.id, a.id, c.id]
    html = post(
        as_member, url, form(business.id, order_in(html), photo_op=f"cover:{c.id}")
    ).get_data(as_text=True)
    assert order_in(html) == [c.id, b.id, a.id]
    html = post(as_member, url, form(business.id, order_in(html), photo_op=f"up:{a.id}")).get_data(
        as_text=True
    )
    assert order_in(html) == [c.id, a.id, b.id]
    # moving the first up or the last down changes nothing
    html = post(as_member, url, form(business.id, order_in(html), photo_op=f"up:{c.id}")).get_data(
        as_text=True
    )
    assert order_in(html) == [c.id, a.id, b.id]
    assert db.session.execute(sa.select(Listing)).first() is None

    r = post(as_member, url, form(business.id, order_in(html), action="draft"))
    assert r.status_code == 302
    listing = db.session.execute(sa.select(Listing)).scalar_one()
    assert [p.image_id for p in listing.photos] == [c.id, a.id, b.id]
    assert listing.cover.image_id == c.id


def test_removing_a_new_photo_deletes_it_at_once(as_member, db, clock):
    business = setup_business(as_member, db)
    a = save_upload(jpeg_bytes(480, 360, (200, 0, 0)), uploaded_by=as_member.user, now=clock())
    b = save_upload(jpeg_bytes(480, 360, (0, 200, 0)), uploaded_by=as_member.user, now=clock())
    db.session.commit()
    b_keys = {v.key for v in b.variants}
    html = post(
        as_member, "/portal/produk/baru", form(business.id, [a.id, b.id], photo_op=f"remove:{b.id}")
    ).get_data(as_text=True)
    assert order_in(html) == [a.id]
    assert db.session.get(Image, b.id) is None
    assert not b_keys & stored()


def test_ids_that_are_not_yours_are_ignored(as_member, db, clock):
    business = setup_business(as_member, db)
    mine = save_upload(jpeg_bytes(480, 360), uploaded_by=as_member.user, now=clock())
    theirs = save_upload(jpeg_bytes(480, 360, (0, 0, 0)), uploaded_by=make_member(), now=clock())
    other_listing = make_listing()
    db.session.commit()
    used = other_listing.photos[0].image_id
    html = post(
        as_member,
        "/portal/produk/baru",
        form(business.id, [theirs.id, mine.id, used, 99999], photo_op="add:0"),
    ).get_data(as_text=True)
    assert order_in(html) == [mine.id]
    # and a "remove" aimed at someone else's photo touches nothing
    post(
        as_member,
        "/portal/produk/baru",
        form(business.id, [mine.id], photo_op=f"remove:{theirs.id}"),
    )
    assert db.session.get(Image, theirs.id) is not None


def test_files_past_the_limit_are_not_processed(as_member, db, clock):
    business = setup_business(as_member, db)
    have = [
        save_upload(
            jpeg_bytes(480, 360, (i * 40, 0, 0)), uploaded_by=as_member.user, now=clock()
        ).id
        for i in range(4)
    ]
    db.session.commit()
    data = form(
        business.id,
        have,
        photo_op="add:0",
        photos=[upload(colour=(0, 0, 250)), upload(colour=(0, 250, 0), name="keenam.jpg")],
    )
    r = post(as_member, "/portal/produk/baru", data)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert len(order_in(html)) == 5
    assert "keenam.jpg: tidak diproses, sudah ada 5 foto" in html
    assert db.session.execute(sa.select(sa.func.count(Image.id))).scalar_one() == 5


def test_removed_photo_leaves_storage_only_after_the_commit(as_member, db, app, clock, monkeypatch):
    business = make_business(community=as_member.user.community)
    listing = make_listing(business=business, photos=0)
    first = save_upload(jpeg_bytes(480, 360, (200, 0, 0)), uploaded_by=as_member.user, now=clock())
    second = save_upload(jpeg_bytes(480, 360, (0, 200, 0)), uploaded_by=as_member.user, now=clock())
    listing.photos = [Photo(image=first, position=0), Photo(image=second, position=1)]
    db.session.commit()
    gone_keys = {v.key for v in second.variants}
    storage = get_storage()
    real_delete = storage.delete
    seen_by_others = []

    def delete(key):
        # Another connection must already see the row gone: the commit happened first.
        with db.engine.connect() as conn:
            seen_by_others.append(
                conn.execute(
                    sa.select(sa.func.count()).select_from(Image).where(Image.id == second.id)
                ).scalar_one()
            )
        real_delete(key)

    monkeypatch.setattr(storage, "delete", delete)
    r = post(
        as_member,
        f"/portal/produk/{listing.id}/ubah",
        form(business.id, [first.id], action="draft"),
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.refresh(listing)
    assert [p.image_id for p in listing.photos] == [first.id]
    assert db.session.get(Image, second.id) is None
    assert seen_by_others and set(seen_by_others) == {0}
    assert not gone_keys & stored()
    assert {v.key for v in first.variants} <= stored()


def test_a_photo_another_listing_uses_is_not_deleted(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    shared = save_upload(jpeg_bytes(480, 360), uploaded_by=as_member.user, now=clock())
    own = save_upload(jpeg_bytes(480, 360, (0, 0, 200)), uploaded_by=as_member.user, now=clock())
    listing, copy = (
        make_listing(business=business, photos=0),
        make_listing(business=business, photos=0),
    )
    listing.photos = [Photo(image=own, position=0), Photo(image=shared, position=1)]
    copy.photos = [Photo(image=shared, position=0)]  # e.g. copied into the next round
    db.session.commit()
    r = post(
        as_member, f"/portal/produk/{listing.id}/ubah", form(business.id, [own.id], action="draft")
    )
    assert r.status_code == 302
    assert db.session.get(Image, shared.id) is not None
    assert {v.key for v in shared.variants} <= stored()


def test_removing_every_photo_is_refused_and_keeps_them(as_member, db):
    business = make_business(community=as_member.user.community)
    listing = make_listing(business=business)
    db.session.commit()
    image_id = listing.photos[0].image_id
    r = post(as_member, f"/portal/produk/{listing.id}/ubah", form(business.id, [], action="draft"))
    assert r.status_code == 400
    assert "Tambahkan paling sedikit 1 foto" in r.get_data(as_text=True)
    db.session.refresh(listing)
    assert [p.image_id for p in listing.photos] == [image_id]


def test_edit_page_lists_the_photos_in_order_with_buttons(as_member, db):
    business = make_business(community=as_member.user.community)
    listing = make_listing(S.DRAFT, business=business, photos=3)
    db.session.commit()
    html = as_member.get(f"/portal/produk/{listing.id}/ubah").get_data(as_text=True)
    ids = [p.image_id for p in listing.photos]
    assert order_in(html) == ids
    for verb in ("up", "down", "remove"):
        assert f'value="{verb}:{ids[1]}"' in html
    assert f'value="cover:{ids[1]}"' in html and f'value="cover:{ids[0]}"' not in html
