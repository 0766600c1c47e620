"""The bulk import journey (#14 item 4): a coordinator on a phone downloads nothing, uploads
a spreadsheet with some bad rows, reads the dry run (nothing saved yet) and imports the rest."""

from __future__ import annotations

import pytest

from marketplace.listings.models import Business
from tests.builders import make_business, make_community, make_member
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.browser

SHEET = (
    "nama_usaha,nama_pemilik,kecamatan,whatsapp,instagram,tokopedia,shopee,cerita\n"
    "Kue Bu Ani,Ani,Pamulang,0812-1111-2222,@kue_ani,,,Kue kering\n"
    "Sambal Pak Budi,Budi,Kota Antah,0812-5555-6666,,,,\n"
    "Batik Ibu Sari,Sari,Setu,12345,,,,\n"
    "Keripik Bu Sri,Sri Wahyuni,,0813-3333-4444,,,,Keripik baru\n"
)


def test_coordinator_imports_a_spreadsheet_with_bad_rows(server, journeys, tmp_path):
    with server.seed():
        community = make_community("Komunitas Anggrek")
        make_business(community, name="Keripik Bu Sri")
        email = make_member(community).email
    sheet = tmp_path / "usaha.csv"
    sheet.write_text(SHEET, encoding="utf-8")

    tab = journeys("koordinator")
    log_in(tab, email)
    tab.seen("portal")
    tab.goto("/portal/usaha", "data-usaha")
    tab.go(tab.page.get_by_role("link", name="Impor dari spreadsheet").click, "impor")
    tab.page.get_by_label("File CSV atau XLSX").set_input_files(str(sheet))
    tab.go(tab.page.get_by_role("button", name="Periksa file").click, "pratinjau")
    table = tab.page.get_by_role("region", name="Hasil per baris").inner_text()
    assert "Kecamatan Kota Antah tidak dikenal." in table
    assert "bukan nomor Indonesia yang valid" in table
    assert "diperbarui" in table and "dibuat" in table
    with server.seed() as db:  # a dry run writes nothing
        assert db.session.execute(db.select(Business.name)).scalars().all() == ["Keripik Bu Sri"]
    tab.go(tab.page.get_by_role("button", name="Simpan 2 usaha").click, "tersimpan")
    page = tab.page.content()
    assert "Impor selesai: 1 usaha dibuat, 1 diperbarui, 0 tidak berubah, 2 ditolak." in page
    assert "Kue Bu Ani" in page and "Sambal Pak Budi" not in page
