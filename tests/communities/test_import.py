"""Bulk import of businesses from CSV or XLSX (#14 item 4): dry run first, then one
transaction; bad files get an Indonesian message and nothing is written."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from marketplace.audit import AuditEvent
from marketplace.communities.imports import plan_import, read_table
from marketplace.listings.models import Business
from tests.builders import make_business, make_community, make_public_listing, make_user
from tests.conftest import login

HEADER = "nama_usaha,nama_pemilik,kecamatan,whatsapp,instagram,tokopedia,shopee,cerita\n"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(lines) + "\n").encode("utf-8")


def _upload(client, data: bytes, name: str = "usaha.csv", url: str = "/portal/usaha/impor"):
    return client.post(
        url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def _sealed(page: str) -> str:
    return re.search(r'name="rows" type="hidden" value="([^"]+)"', page).group(1)


def _businesses(community_id: int) -> dict[str, Business]:
    from marketplace.extensions import db

    rows = db.session.execute(sa.select(Business).where(Business.community_id == community_id))
    return {b.name: b for b in rows.scalars()}


def test_dry_run_shows_each_row_then_the_confirmation_writes_the_good_ones(app, db, as_member):
    community = as_member.user.community
    kept = make_business(community, name="Keripik Bu Sri")
    db.session.commit()
    data = _csv(
        "Kue Bu Ani,Ani,Pamulang,0812-1111-2222,@kue_ani,,,Kue kering",
        "keripik bu sri,Sri Wahyuni,,0813-3333-4444,,,,Keripik baru",  # an update (by name)
        "Sambal Pak Budi,Budi,Kota Antah,0812-5555-6666,,,,",  # district unknown
        "Batik Ibu,Ibu,Setu,12345,,,,",  # phone not valid
        "Kue Bu Ani,Ani,Pamulang,0812-1111-2222,,,,",  # duplicate of row 2
        ",,,,,,,",  # empty row: skipped
        "Jamu Sehat,Siti,Serpong,=HYPERLINK(\"http://x\"),,,,",  # formula
    )
    r = _upload(as_member, data)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Pratinjau impor" in page
    assert _businesses(community.id).keys() == {"Keripik Bu Sri"}  # nothing written yet
    assert "Kecamatan Kota Antah tidak dikenal." in page
    assert "bukan nomor Indonesia yang valid" in page
    assert "Duplikat: nama usaha sama dengan baris 2." in page
    assert "berisi rumus Excel" in page
    for row in (">2<", ">3<", ">4<", ">5<", ">6<", ">8<"):
        assert row in page  # spreadsheet row numbers (the header is row 1)
    r = as_member.post("/portal/usaha/impor/simpan", data={"rows": _sealed(page)})
    assert r.status_code == 302
    found = _businesses(community.id)
    assert set(found) == {"Keripik Bu Sri", "Kue Bu Ani"}
    assert found["Kue Bu Ani"].whatsapp == "+6281211112222"
    assert found["Kue Bu Ani"].instagram == "kue_ani"
    db.session.refresh(kept)
    assert kept.whatsapp == "+6281333334444" and kept.story == "Keripik baru"
    event = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "business.import")
    ).scalar_one()
    assert event.details["create"] == 1 and event.details["update"] == 1
    assert event.details["refused"] == 4 and event.actor_id == as_member.user.id


def test_xlsx_with_excel_numbers_and_windows_csv(app, db, as_member):
    community = as_member.user.community
    book = Workbook()
    sheet = book.active
    sheet.append(["Nama Usaha", "Nama Pemilik", "Kecamatan", "No WA"])
    sheet.append(["Tahu Bulat", "Pak Tahu", "Ciputat", 81234567890.0])  # lost its 0
    sheet.append(["Es Teh", "Bu Teh", "ciputat timur", 6281298765432])
    sheet.append([None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    page = _upload(as_member, out.getvalue(), "data.xlsx").get_data(as_text=True)
    assert "Akan dibuat: <strong>2</strong>" in page.replace("\n", "").replace("  ", "")
    as_member.post("/portal/usaha/impor/simpan", data={"rows": _sealed(page)})
    found = _businesses(community.id)
    assert found["Tahu Bulat"].whatsapp == "+6281234567890"
    assert found["Es Teh"].district.name == "Ciputat Timur"
    # Excel's "CSV" on Windows: cp1252, semicolons, a number that lost its leading 0
    data = "nama_usaha;whatsapp;cerita\r\nCafé Señora;81234567890;Kopi “enak”\r\n".encode("cp1252")
    page = _upload(as_member, data).get_data(as_text=True)
    as_member.post("/portal/usaha/impor/simpan", data={"rows": _sealed(page)})
    cafe = _businesses(community.id)["Café Señora"]
    assert cafe.whatsapp == "+6281234567890" and cafe.story == "Kopi “enak”"


@pytest.mark.parametrize("number", ["6.28123E+12", "8.12345678e10", "6,28123E+12"])
def test_a_phone_in_scientific_notation_is_refused_not_guessed(app, db, as_member, number):
    """Excel's CSV shows a long number as 6.28123E+12: its last digits are gone, and turning
    it back into digits would send shoppers to a stranger's WhatsApp."""
    data = f"nama_usaha;whatsapp\r\nToko Sci;{number}\r\nToko Baik;081234567890\r\n".encode()
    page = _upload(as_member, data).get_data(as_text=True)
    assert "angka ilmiah" in page and "ubah kolom whatsapp menjadi Teks" in page
    as_member.post("/portal/usaha/impor/simpan", data={"rows": _sealed(page)})
    found = _businesses(as_member.user.community_id)
    assert "Toko Sci" not in found and found["Toko Baik"].whatsapp == "+6281234567890"


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/sharedStrings.xml", b"0" * (120 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "File kosong"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "bukan CSV atau XLSX"),
        (b"PK\x03\x04garbage", "rusak atau bukan file Excel"),
        (_csv("a,b", header="judul,lain\n"), "tidak memuat kolom nama_usaha, whatsapp"),
        (b"nama_usaha,whatsapp\n", "tidak berisi data"),
        (b"nama_usaha,whatsapp\n\"tidak tertutup,1\n" * 1, None),
    ],
)
def test_bad_files_get_a_message_and_nothing_is_written(app, db, as_member, data, message):
    r = _upload(as_member, data)
    page = r.get_data(as_text=True)
    if message is None:  # an unclosed quote: read as one cell, the row refused, no 500
        assert r.status_code in (200, 400)
    else:
        assert r.status_code == 400 and message in page, page[:2000]
    assert not _businesses(as_member.user.community.id)


def test_zip_bomb_too_many_rows_and_too_big(app, db, as_member):
    r = _upload(as_member, _zip_bomb(), "bom.xlsx")
    assert r.status_code == 400 and "terlalu besar setelah dibuka" in r.get_data(as_text=True)
    app.config["IMPORT_MAX_ROWS"] = 5
    many = _csv(*[f"Usaha {i},0812-1111-{i:04d}" for i in range(6)], header="nama_usaha,whatsapp\n")
    r = _upload(as_member, many)
    assert r.status_code == 400 and "lebih dari 5 baris" in r.get_data(as_text=True)
    app.config["IMPORT_MAX_BYTES"] = 1024 * 1024
    r = _upload(as_member, b"nama_usaha,whatsapp\n" + b"x" * (1024 * 1024))
    assert r.status_code == 400 and "File terlalu besar (maksimal 1 MB)" in r.get_data(as_text=True)
    app.config["MAX_FORM_MEMORY_SIZE"] = 64 * 1024 + 100  # the confirmation could not carry it
    r = _upload(
        as_member, _csv(*[f"Usaha {i},Pemilik,,0812-1111-{i:04d},,,,{i * 7}" for i in range(4)])
    )
    assert r.status_code == 400 and "Bagi menjadi beberapa file" in r.get_data(as_text=True)
    assert not _businesses(as_member.user.community.id)


def test_public_business_keeps_its_public_fields(app, db, as_member):
    community = as_member.user.community
    listing = make_public_listing(business=make_business(community, name="Keripik Bu Sri"))
    db.session.commit()
    keys, rows = read_table(_csv("Keripik Bu Sri,Sri,,0813-3333-4444,,,,"))
    plan = plan_import(community, keys, rows)
    assert plan.rows[0].outcome == "refused" and "produk tayang" in plan.rows[0].reason
    assert listing.business.whatsapp == "+6281234567890"


def test_the_confirmation_is_signed_for_this_user_and_expires(app, db, as_member, clock):
    page = _upload(as_member, _csv("Kue Bu Ani,Ani,,0812-1111-2222,,,,")).get_data(as_text=True)
    sealed = _sealed(page)
    r = as_member.post("/portal/usaha/impor/simpan", data={"rows": sealed[:-3] + "abc"})
    assert r.status_code == 302
    other = app.test_client()
    login(other, make_user(community=make_community("Komunitas Lain")))
    db.session.commit()
    other.post("/portal/usaha/impor/simpan", data={"rows": sealed})
    clock.advance(hours=2)
    r = as_member.post("/portal/usaha/impor/simpan", data={"rows": sealed}, follow_redirects=True)
    assert "kedaluwarsa" in r.get_data(as_text=True)
    from marketplace.extensions import db as _db

    assert _db.session.execute(sa.select(sa.func.count(Business.id))).scalar_one() == 0


def test_only_the_coordinator_or_staff_import(app, db, as_member, as_staff):
    community = as_member.user.community
    plain = make_user(community=community, coordinator=False)
    db.session.commit()
    member = app.test_client()
    login(member, plain)
    assert member.get("/portal/usaha/impor").status_code == 403
    assert member.get("/portal/usaha/impor/contoh.xlsx").status_code == 200
    page = _upload(
        as_staff,
        _csv("Kue Bu Ani,Ani,,0812-1111-2222,,,,"),
        url=f"/staff/komunitas/{community.id}/impor",
    ).get_data(as_text=True)
    r = as_staff.post(f"/staff/komunitas/{community.id}/impor/simpan", data={"rows": _sealed(page)})
    assert r.status_code == 302 and set(_businesses(community.id)) == {"Kue Bu Ani"}
    assert _businesses(community.id)["Kue Bu Ani"].district_id == community.district_id


def test_the_templates_download_and_import_as_they_are(app, db, as_member):
    r = as_member.get("/portal/usaha/impor/contoh.xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.data))
    assert [c.value for c in book["Usaha"][1]][:2] == ["nama_usaha", "nama_pemilik"]
    assert "Pamulang" in [row[0].value for row in book["Petunjuk"].iter_rows()]
    for fmt in ("xlsx", "csv"):
        data = as_member.get(f"/portal/usaha/impor/contoh.{fmt}").data
        keys, rows = read_table(data)
        plan = plan_import(as_member.user.community, keys, rows)
        assert [r.outcome for r in plan.rows] == ["create"], plan.rows


def test_the_limit_is_grouped_and_the_staff_page_leads_back_to_the_community(
    app, db, as_member, as_staff
):
    app.config["IMPORT_MAX_ROWS"] = 2000
    assert "2.000 baris" in as_member.get("/portal/usaha/impor").get_data(as_text=True)
    community = as_member.user.community
    page = as_staff.get(f"/staff/komunitas/{community.id}/impor").get_data(as_text=True)
    assert f'/staff/komunitas/{community.id}">← {community.name}</a>' in page
