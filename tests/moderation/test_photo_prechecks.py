"""Photo and title pre-checks (#13 item 3): blurry, too dark, too bright (Pillow on the w640
derivative), the same photo on another business's listing (a difference hash), the same
title from another community in the round; computed at submit, kept with the listing
version, shown as flags with a one-line explanation on the queue card and the review page."""

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageEnhance, ImageFilter

from marketplace.listings.models import ListingStatus, Photo
from marketplace.listings.state import transition
from marketplace.media.services import save_upload
from marketplace.moderation.models import ImageCheck, ListingPrecheck
from marketplace.moderation.prechecks import (
    difference_hash,
    hamming,
    hash_bands,
    measure_photo,
    to_signed,
    to_unsigned,
)
from tests.builders import make_business, make_listing, make_member, make_round

S = ListingStatus
REAL = Path(__file__).parents[1] / "fixtures" / "images" / "real"
SHARP = REAL / "landscape_orientation_1.jpg"


def _jpeg(im: PILImage.Image, **save) -> bytes:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=save.pop("quality", 90), **save)
    return buf.getvalue()


def _edited(path: Path, edit) -> bytes:
    with PILImage.open(path) as im:
        return _jpeg(edit(im.convert("RGB")))


def blurred(path=SHARP) -> bytes:
    return _edited(path, lambda im: im.filter(ImageFilter.GaussianBlur(4)))


def darkened(path=SHARP) -> bytes:
    return _edited(path, lambda im: ImageEnhance.Brightness(im).enhance(0.2))


def brightened(path=SHARP) -> bytes:
    """Washed out, as an overexposed shot against a window: 85 % white."""
    return _edited(path, lambda im: PILImage.blend(im, PILImage.new("RGB", im.size, "white"), 0.85))


def copy_with_other_metadata(path: Path) -> bytes:
    """The same picture saved again with other EXIF (a different camera, no GPS) and quality."""
    with PILImage.open(path) as im:
        exif = PILImage.Exif()
        exif[0x010F] = "Kamera Lain"  # Make
        exif[0x0110] = "Model X"  # Model
        return _jpeg(im, quality=80, exif=exif.tobytes())


def _submitted(*photos: bytes, business=None, rnd=None, title="Keripik Singkong Balado"):
    """A draft with real photos run through the pipeline, submitted by its community."""
    business = business or make_business()
    member = make_member(business.community)
    listing = make_listing(S.DRAFT, business=business, rnd=rnd or make_round(), title=title)
    listing.photos = [
        Photo(image=save_upload(data, now=listing.created_at), position=i)
        for i, data in enumerate(photos or (SHARP.read_bytes(),))
    ]
    from marketplace.extensions import db

    db.session.flush()
    transition(listing, "submit", actor=member, now=listing.created_at)
    return listing


def _codes(listing):
    from marketplace.extensions import db

    row = db.session.get(ListingPrecheck, listing.id)
    return [f["code"] for f in row.findings]


def _w640(data: bytes) -> bytes:
    from marketplace.media.images import process_image

    return next(d.data for d in process_image(data).variants if d.name == "w640")


# --- measures (pure) ---------------------------------------------------------------------------


def test_blur_lowers_the_laplacian_variance_below_the_threshold():
    sharp, soft = measure_photo(_w640(SHARP.read_bytes())), measure_photo(_w640(blurred()))
    assert sharp.sharpness > 70 > soft.sharpness


def test_luminance_tells_dark_and_bright_from_normal():
    normal = measure_photo(_w640(SHARP.read_bytes())).luminance
    assert measure_photo(_w640(darkened())).luminance <= 45 < normal < 225
    assert measure_photo(_w640(brightened())).luminance >= 225


@pytest.mark.parametrize("name", ["camera_gps.jpg", "landscape_orientation_1.jpg", "phone_8mp.jpg"])
def test_a_copy_with_other_metadata_hashes_alike_another_photo_does_not(name):
    path = REAL / name
    original = measure_photo(_w640(path.read_bytes())).dhash
    copy = measure_photo(_w640(copy_with_other_metadata(path))).dhash
    other = measure_photo(_w640((REAL / "portrait_orientation_2.jpg").read_bytes())).dhash
    assert hamming(original, copy) <= 3
    assert hamming(original, other) > 10


def test_hash_helpers():
    grey = PILImage.linear_gradient("L").resize((90, 80))  # brighter downwards: rows flat
    assert difference_hash(grey) == 0
    h = 0xF0F0_1234_ABCD_8001
    assert to_unsigned(to_signed(h)) == h and to_signed(h) < 0
    assert hash_bands(h) == (0xF0F0, 0x1234, 0xABCD, 0x8001)
    near = h ^ 0b1011  # three bits apart: one quarter at least stays equal
    assert sum(a == b for a, b in zip(hash_bands(h), hash_bands(near), strict=True)) >= 3


# --- at submit, kept with the version ----------------------------------------------------------


def test_submit_keeps_findings_with_the_version_and_measures_each_image_once(app, db):
    listing = _submitted(SHARP.read_bytes(), blurred(), darkened())
    row = db.session.get(ListingPrecheck, listing.id)
    assert row.listing_version == listing.version
    assert row.flagged
    by_code = {f["code"]: f for f in row.findings}
    assert by_code["blurry"]["photos"] == [2, 3] or by_code["blurry"]["photos"] == [2]
    assert by_code["dark"]["photos"] == [3]
    assert "bright" not in by_code
    assert db.session.query(ImageCheck).count() == 3


def test_a_sharp_well_lit_photo_gets_no_photo_flag(app, db):
    listing = _submitted(SHARP.read_bytes())
    row = db.session.get(ListingPrecheck, listing.id)
    assert row.findings == [] and not row.flagged


def test_bright_photo(app, db):
    assert "bright" in _codes(_submitted(brightened()))


def test_thresholds_are_settings(app, db):
    app.config["PRECHECK_BLUR_MIN_SHARPNESS"] = 0
    app.config["PRECHECK_DARK_MAX_LUMINANCE"] = 0
    assert _codes(_submitted(blurred(), darkened())) == []


def test_same_photo_on_another_business_is_flagged_not_on_the_same_business(app, db):
    path = REAL / "camera_gps.jpg"
    first = _submitted(path.read_bytes(), title="Kopi Robusta")
    again = _submitted(path.read_bytes(), business=first.business, title="Kopi Arabika")
    assert "duplicate_photo" not in _codes(again)  # the same business reuses its photo
    copy = _submitted(SHARP.read_bytes(), copy_with_other_metadata(path), title="Kopi Bubuk")
    row = db.session.get(ListingPrecheck, copy.id)
    dup = next(f for f in row.findings if f["code"] == "duplicate_photo")
    assert dup["photos"] == [2]
    assert dup["others"] == [
        {"id": first.id, "title": "Kopi Robusta", "community": first.community.name},
        {"id": again.id, "title": "Kopi Arabika", "community": first.community.name},
    ]
    other = _submitted((REAL / "portrait_orientation_2.jpg").read_bytes(), title="Teh")
    assert "duplicate_photo" not in _codes(other)


def test_same_title_from_another_community_in_the_round(app, db):
    rnd = make_round()
    first = _submitted(rnd=rnd, title="Keripik Singkong Balado")
    own = _submitted(rnd=rnd, business=first.business, title="Keripik Singkong Balado")
    assert "same_title" not in _codes(own)  # the same community
    same = _submitted(rnd=rnd, title="  keripik singkong BALADO ")
    row = db.session.get(ListingPrecheck, same.id)
    found = next(f for f in row.findings if f["code"] == "same_title")
    assert [o["id"] for o in found["others"]] == [first.id, own.id]
    assert "same_title" not in _codes(_submitted(title="Keripik Singkong Balado"))  # other round


def test_an_edit_while_waiting_checks_again(app, db, clock):
    from marketplace.listings.listings import update_listing

    listing = _submitted(SHARP.read_bytes())
    assert _codes(listing) == []
    member = make_member(listing.business.community)
    values = {
        "business": listing.business,
        "category": listing.category,
        "title": listing.title,
        "description": listing.description,
        "price": listing.price,
        "unit": listing.unit,
        "is_halal": False,
        "has_pirt": False,
    }
    blurry = save_upload(blurred(), now=clock())
    update_listing(listing, values, [blurry], actor=member, now=clock())
    row = db.session.get(ListingPrecheck, listing.id)
    assert row.listing_version == listing.version
    assert _codes(listing) == ["blurry"]


def test_an_unreadable_photo_does_not_stop_a_submit(app, db):
    listing = make_listing(S.DRAFT)  # builder images: rows without stored files
    transition(
        listing, "submit", actor=make_member(listing.business.community), now=listing.created_at
    )
    assert listing.status == S.SUBMITTED
    assert db.session.get(ListingPrecheck, listing.id).findings == []


# --- shown as flags ----------------------------------------------------------------------------


def test_flags_on_the_queue_card_review_page_and_flagged_filter(app, db, as_staff):
    rnd = make_round()
    blurry = _submitted(blurred(), rnd=rnd, title="Dodol Betawi")
    clean = _submitted(
        (REAL / "portrait_orientation_2.jpg").read_bytes(), rnd=rnd, title="Kue Lapis"
    )
    db.session.commit()
    queue = as_staff.get(f"/staff/moderasi/{rnd.id}").get_data(as_text=True)
    card = queue[queue.index("Dodol Betawi") :]
    assert "flag-blurry" in card[: card.index("</li>")]
    card = queue[queue.index("Kue Lapis") :]
    assert "flag-blurry" not in card[: card.index("</li>")]
    flagged = as_staff.get(f"/staff/moderasi/{rnd.id}?tanda=ya").get_data(as_text=True)
    assert "Dodol Betawi" in flagged and "Kue Lapis" not in flagged
    review = as_staff.get(f"/staff/moderasi/produk/{blurry.id}").get_data(as_text=True)
    assert "Foto buram?" in review and "Foto 1 tampak buram (ketajaman" in review
    as_staff.get("/bahasa/en_ID")
    review = as_staff.get(f"/staff/moderasi/produk/{blurry.id}").get_data(as_text=True)
    assert "Photo 1 looks blurry (sharpness" in review
    assert clean.id
