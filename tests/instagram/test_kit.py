"""The kit of a round: the staff's choice and order, posts of at most 10, captions within
Instagram's limits, the ZIP from the web and from the command line, and who may reach it."""

import io
import zipfile

import pytest
from PIL import Image

from marketplace.audit import AuditEvent
from marketplace.errors import InvalidInput
from marketplace.instagram.models import KitEntry
from marketplace.instagram.services import (
    CAPTION_LIMIT,
    MAX_MENTIONS,
    cover_caption,
    find_round,
    group_posts,
    kit_listings,
    kit_plan,
    post_caption,
    save_selection,
    selection,
)
from marketplace.listings.models import ListingStatus
from marketplace.media.services import save_upload
from marketplace.site_settings import get_settings
from tests.builders import (
    jpeg_bytes,
    make_business,
    make_community,
    make_listing,
    make_member,
    make_published_round,
    make_round,
)

S = ListingStatus


def _approved(rnd, n, *, with_photo=False, **kw):
    out = []
    for i in range(n):
        community = make_community()
        community.instagram = f"komunitas_{community.id}"
        business = make_business(community, name=f"Usaha {i + 1}")
        business.instagram = f"usaha_{business.id}"
        listing = make_listing(
            S.APPROVED,
            business=business,
            rnd=rnd,
            title=kw.get("title", f"Produk {i + 1}"),
            price=kw.get("price", 15000 + i),
        )
        if with_photo:
            listing.photos[0].image = save_upload(
                jpeg_bytes(1200, 900, (30 * i % 255, 90, 160)), now=rnd.publishes_at
            )
        out.append(listing)
    return out


def test_23_listings_make_posts_of_10_10_and_3_after_the_cover(app, db):
    rnd = make_published_round()
    _approved(rnd, 23)
    assert [len(p) for p in group_posts(list(range(23)))] == [10, 10, 3]
    posts = kit_plan(rnd)
    assert [len(p.listings) for p in posts] == [1, 10, 10, 3]
    assert posts[0].listings == [None] and posts[0].folder == "00-sampul"
    assert [p.folder for p in posts[1:]] == ["01-post", "02-post", "03-post"]
    assert group_posts([]) == [] and [len(p) for p in group_posts(list(range(10)))] == [10]


def test_captions_carry_mentions_and_hashtags_within_the_limit(app, db):
    rnd = make_published_round()
    listings = _approved(rnd, 3)
    listings[1].business.instagram = None  # a business without Instagram is named, not mentioned
    text = post_caption(rnd, listings, part=1, parts=1)
    assert (
        f"@{listings[0].business.instagram}" in text
        and f"@{listings[2].business.instagram}" in text
    )
    assert listings[1].business.name in text
    assert f"@{listings[0].community.instagram}" in text
    for tag in get_settings().hashtag_list:
        assert tag in text
    assert "Rp15.000" in text and "0812-3456-7890" in text
    cover = cover_caption(rnd, listings, posts=1)
    assert rnd.title in cover and "3 produk" in cover and "#UMKMTangsel" in cover


def test_a_caption_of_ten_long_entries_still_fits_instagram(app, db):
    rnd = make_published_round()
    listings = _approved(
        rnd,
        10,
        title="Keripik Singkong Balado Pedas Manis Khas Pamulang Resep Nenek Asli Tanpa Pengawet"[
            :80
        ],
    )
    for l in listings:
        l.business.name = "Usaha Mikro Kecil Menengah Keluarga Besar " * 2
    settings = get_settings()
    settings.hashtags = " ".join(f"#TagarPanjangSekaliNomor{i:02d}" for i in range(30))
    text = post_caption(rnd, listings, part=1, parts=3, settings=settings)
    assert len(text) <= CAPTION_LIMIT
    assert text.count("#") == 30
    assert all(f"@{l.business.instagram}" in text for l in listings)
    assert len({w for w in text.split() if w.startswith("@")}) <= MAX_MENTIONS


def test_mentions_are_capped_at_20(app, db):
    rnd = make_published_round()
    listings = _approved(rnd, 10)
    text = post_caption(rnd, listings, part=1, parts=1)
    mentions = {w for w in text.split() if w.startswith("@")}
    assert len(mentions) == 20  # 10 businesses + 10 communities
    more = _approved(rnd, 15)  # 25 communities
    text = cover_caption(rnd, listings + more, posts=2)
    assert len({w for w in text.split() if w.startswith("@")}) == MAX_MENTIONS


def test_staff_choose_order_and_which_listings_go_in(app, db, clock):
    rnd = make_published_round()
    a, b, c = _approved(rnd, 3)
    staff = make_member()  # not staff: services do not check roles, views do
    save_selection(
        rnd, order=[c.id, a.id, b.id, 999], included={c.id, b.id}, actor=staff, now=clock()
    )
    db.session.commit()
    assert kit_listings(rnd) == [c, b]
    assert [(r.listing, r.included) for r in selection(rnd)] == [(c, True), (a, False), (b, True)]
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "instagram.selection")
    ).scalar_one()
    assert event.details == {"order": [c.id, b.id], "left_out": [a.id]}
    # approved later: at the end, included, marked new
    (d,) = _approved(rnd, 1)
    rows = selection(rnd)
    assert rows[-1].listing == d and rows[-1].included and rows[-1].new
    # taken down after the choice: gone from the kit
    c.status = S.REMOVED
    assert kit_listings(rnd) == [b, d]
    with pytest.raises(InvalidInput):
        save_selection(rnd, order=[], included=set(), actor=staff, now=clock())


def test_selection_through_the_page(app, db, as_staff):
    rnd = make_published_round()
    a, b = _approved(rnd, 2)
    db.session.commit()
    page = as_staff.get(f"/staff/instagram/{rnd.id}")
    assert page.status_code == 200 and a.title in page.text and "Unduh kit (ZIP)" in page.text
    r = as_staff.post(
        f"/staff/instagram/{rnd.id}/pilihan",
        data={f"posisi-{a.id}": "2", f"posisi-{b.id}": "1", f"masuk-{b.id}": "1"},
    )
    assert r.status_code == 302
    assert kit_listings(rnd) == [b]
    assert db.session.execute(db.select(db.func.count(KitEntry.id))).scalar_one() == 2
    assert (
        as_staff.post(f"/staff/instagram/{rnd.id}/pilihan", data={}, csrf=False).status_code == 400
    )


def test_zip_download_holds_every_slide_and_caption(app, db, as_staff):
    rnd = make_published_round()
    listings = _approved(rnd, 12, with_photo=True)
    listings[
        0
    ].title = "Keripik Singkong Balado Pedas Manis Khas Pamulang Resep Nenek Asli Tanpa Pengawet"[
        :80
    ]
    listings[1].price = None
    db.session.commit()
    r = as_staff.get(f"/staff/instagram/{rnd.id}/kit.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert f"etalase-edisi-{rnd.edition}.zip" in r.headers["Content-Disposition"]
    zf = zipfile.ZipFile(io.BytesIO(r.data))
    names = zf.namelist()
    root = f"etalase-edisi-{rnd.edition}/"
    jpgs = [n for n in names if n.endswith(".jpg")]
    assert len(jpgs) == 13  # cover + 12
    assert root + "00-sampul/01-sampul.jpg" in names and root + "BACA-SAYA.txt" in names
    assert (
        len([n for n in jpgs if "/01-post/" in n]) == 10
        and len([n for n in jpgs if "/02-post/" in n]) == 2
    )
    for name in jpgs:
        image = Image.open(io.BytesIO(zf.read(name)))
        assert image.format == "JPEG" and image.size == (1080, 1350)
    for folder in ("00-sampul", "01-post", "02-post"):
        caption = zf.read(f"{root}{folder}/caption.txt").decode()
        assert len(caption.strip()) <= CAPTION_LIMIT and "#UMKMTangsel" in caption
    assert "Hubungi penjual" in zf.read(root + "01-post/caption.txt").decode()


def test_kit_waits_for_publication(app, db, as_staff, clock):
    rnd = make_round()  # open now
    _approved(rnd, 1)
    db.session.commit()
    assert as_staff.get(f"/staff/instagram/{rnd.id}").status_code == 200
    r = as_staff.get(f"/staff/instagram/{rnd.id}/kit.zip")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/staff/instagram/{rnd.id}")


def test_slide_and_cover_images(app, db, as_staff):
    rnd = make_published_round()
    (listing,) = _approved(rnd, 1, with_photo=True)
    other = make_listing(S.SUBMITTED, rnd=rnd)
    db.session.commit()
    r = as_staff.get(f"/staff/instagram/{rnd.id}/slide/{listing.id}.jpg")
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(r.data)).size == (1080, 1350)
    assert as_staff.get(f"/staff/instagram/{rnd.id}/slide/{other.id}.jpg").status_code == 404
    assert Image.open(
        io.BytesIO(as_staff.get(f"/staff/instagram/{rnd.id}/sampul.jpg").data)
    ).size == (1080, 1350)


def test_only_staff_reach_the_kit(app, db, client, as_member):
    rnd = make_published_round()
    _approved(rnd, 1)
    db.session.commit()
    for url in (
        "/staff/instagram/",
        f"/staff/instagram/{rnd.id}",
        f"/staff/instagram/{rnd.id}/kit.zip",
        f"/staff/instagram/{rnd.id}/sampul.jpg",
    ):
        assert as_member.get(url).status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/staff/instagram/{rnd.id}/kit.zip").status_code == 302


def test_command_line_writes_the_same_kit(app, db, tmp_path):
    rnd = make_published_round()
    _approved(rnd, 11)
    db.session.commit()
    out = tmp_path / "kit.zip"
    result = app.test_cli_runner().invoke(args=["instagram-kit", str(rnd.edition), str(out)])
    assert result.exit_code == 0, result.output
    assert "11 slide produk" in result.output and "2 postingan" in result.output
    assert len([n for n in zipfile.ZipFile(out).namelist() if n.endswith(".jpg")]) == 12
    by_id = app.test_cli_runner().invoke(args=["instagram-kit", f"id:{rnd.id}", str(out)])
    assert by_id.exit_code == 0
    missing = app.test_cli_runner().invoke(args=["instagram-kit", "9999", str(out)])
    assert missing.exit_code != 0 and "tidak ditemukan" in missing.output


def test_round_reference(app, db):
    a = make_round(name="A")
    a.edition = 14
    b = make_published_round()
    db.session.flush()
    assert find_round("14") == a and find_round("edisi:14") == a and find_round(f"id:{b.id}") == b
    assert find_round("x") is None and find_round("id:abc") is None


def test_the_qr_code_of_a_kit_slide_leads_to_the_listing(app, db, as_staff, client):
    import zxingcpp

    from marketplace.shortlinks.codes import short_code

    rnd = make_published_round()
    (listing,) = _approved(rnd, 1, with_photo=True)
    db.session.commit()
    r = as_staff.get(f"/staff/instagram/{rnd.id}/slide/{listing.id}.jpg")
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(r.data)))
    code = short_code(listing.id)
    assert found.text == f"http://localhost/k/{code}"
    follow = client.get(found.text.removeprefix("http://localhost"))
    assert follow.status_code == 302
    page = client.get(follow.headers["Location"])
    assert page.status_code == 200 and listing.title in page.get_data(as_text=True)


def test_slide_price_carries_its_unit(app, db):
    from marketplace.instagram.services import listing_card

    rnd = make_published_round()
    (listing,) = _approved(rnd, 1, price=15000)
    listing.unit = "pack"
    (free,) = _approved(rnd, 1, price=None)
    db.session.commit()
    assert listing_card(listing, rnd, with_photo=False).price == "Rp15.000 / pack"
    assert listing_card(free, rnd, with_photo=False).price == "Hubungi penjual"


def test_kit_page_reads_the_selection_once_and_no_photos(app, db, as_staff):
    """#17 (kit preview was the slowest staff page): the editor and the captions share one
    read of the approved listings, and the page, which shows slides as separate images,
    never loads photos, images or variants. Before: 15 statements, two listing reads and
    the photo tables each time."""
    import sqlalchemy as sa

    rnd = make_published_round()
    _approved(rnd, 12)
    db.session.commit()
    as_staff.get(f"/staff/instagram/{rnd.id}")  # warm: the login's own reads are done
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = as_staff.get(f"/staff/instagram/{rnd.id}")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert page.status_code == 200 and "Produk 12" in page.text
    listing_reads = [s for s in seen if "FROM listings" in s and "listings.status" in s]
    assert len(listing_reads) == 1, listing_reads
    assert not [s for s in seen if "FROM photos" in s or "FROM image_variants" in s]
