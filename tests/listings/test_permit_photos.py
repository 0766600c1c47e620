"""Certificate photos of permits (issue #12, item 1): a community uploads a photo of its
halal / P-IRT / NIB certificate; it runs through the image pipeline, is stored privately
(never served at a public URL) and staff see it on the review of the permit."""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa

from marketplace.audit.models import AuditEvent
from marketplace.media.models import Image
from tests.builders import add_permit, make_business, make_listing, make_public_listing

FIXTURES = Path(__file__).parent.parent / "fixtures" / "images"
PHOTO = FIXTURES / "real" / "landscape_orientation_1.jpg"


def _post(client, business, kind, data: bytes, name="sertifikat.jpg"):
    return client.post(
        f"/portal/usaha/{business.id}/izin/{kind}/foto",
        data={"foto": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_a_certificate_photo_reaches_staff_only(app, db, client, as_member, as_staff):
    business = make_business(as_member.user.community)
    permit = add_permit(business, "halal")
    listing = make_listing(business=business)
    db.session.commit()
    r = _post(as_member, business, "halal", PHOTO.read_bytes(), name="../../halal.php")
    assert r.status_code == 200 and "Foto sertifikat tersimpan" in r.get_data(as_text=True)
    db.session.refresh(permit)
    assert permit.image is not None and permit.checked_at is None
    keys = [v.key for v in permit.image.variants]
    assert keys and all(k.startswith("private/") for k in keys)

    for key in keys:  # never at a public URL, whoever asks
        assert client.get(f"/media/{key}").status_code == 404
        assert as_member.get(f"/media/{key}").status_code == 404
    url = f"/staff/usaha/{business.id}/izin/halal/foto"
    shown = as_staff.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    assert shown.headers["Cache-Control"] == "private, no-store"
    assert shown.data[:4] == b"RIFF"
    assert client.get(url).status_code in (302, 404)  # anonymous: the login page
    assert as_member.get(url).status_code == 404  # a community never sees the staff page

    listing.status = listing.status.SUBMITTED
    db.session.commit()
    review = as_staff.get(f"/staff/moderasi/produk/{listing.id}").get_data(as_text=True)
    assert url in review and "Lihat foto sertifikat" in review
    actions = db.session.execute(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == business.id)
    ).scalars()
    assert "business.permit_photo" in list(actions)


def test_a_new_photo_replaces_the_old_one(app, db, as_member):
    business = make_business(as_member.user.community)
    permit = add_permit(business, "nib", "9120001234567")
    db.session.commit()
    _post(as_member, business, "nib", PHOTO.read_bytes())
    db.session.refresh(permit)
    first = permit.image_id
    _post(as_member, business, "nib", (FIXTURES / "synthetic" / "cmyk.jpg").read_bytes())
    db.session.refresh(permit)
    assert permit.image_id not in (None, first)
    assert db.session.get(Image, first) is None  # the old one left with its rows


def test_a_pdf_a_bomb_or_no_permit_gets_a_message_and_nothing_attached(app, db, as_member):
    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    business = make_business(as_member.user.community)
    permit = add_permit(business, "halal")
    db.session.commit()
    before = db.session.execute(sa.select(sa.func.count(Image.id))).scalar_one()
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    for data, name in (
        (pdf, "sertifikat.pdf"),
        (pdf, "sertifikat.jpg"),
        ((FIXTURES / "synthetic" / "bomb_144mp.png").read_bytes(), "bom.png"),
        (b"", "kosong.jpg"),
    ):
        r = _post(as_member, business, "halal", data, name=name)
        assert r.status_code == 200, name
        assert "flash-error" in r.get_data(as_text=True), name
    r = _post(as_member, business, "pirt", PHOTO.read_bytes())  # no P-IRT entered
    assert "Isi nomor P-IRT di data usaha dulu" in r.get_data(as_text=True)
    db.session.refresh(permit)
    assert permit.image_id is None
    assert db.session.execute(sa.select(sa.func.count(Image.id))).scalar_one() == before


def test_another_communitys_business_is_404_and_unchanged(app, db, as_member):
    other = make_public_listing().business
    permit = add_permit(other, "halal")
    db.session.commit()
    r = as_member.post(
        f"/portal/usaha/{other.id}/izin/halal/foto",
        data={"foto": (io.BytesIO(PHOTO.read_bytes()), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 404
    db.session.refresh(permit)
    assert permit.image_id is None
