"""Uploading photos from a phone-sized Chromium with upload.js running under the site's real
CSP (not bypassed): previews at once, a 12-MP JPEG shrunk to 2560 px in the browser, the
iPhone HEIC sent as is and served upright without GPS, the cover chosen without a reload."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from PIL import Image as PILImage

from marketplace.listings.models import Listing
from marketplace.media.models import Image
from tests.browser import ARTIFACTS, CHROMIUM_FLAGS, new_context  # noqa: F401
from tests.builders import PASSWORD, make_business, make_member, make_round
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser

HEIC = FIXTURES / "images" / "real" / "iphone.heic"


def big_jpeg(path, width=4000, height=3000):
    """A 12-MP photo-like JPEG with EXIF orientation 6 and a GPS position."""
    base = PILImage.linear_gradient("L").resize((width, height))
    im = PILImage.merge("RGB", (base, base.transpose(PILImage.Transpose.FLIP_TOP_BOTTOM), base))
    im.paste((200, 30, 30), (0, 0, width // 2, height // 4))
    exif = PILImage.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "S", 2: (6.0, 17.0, 31.0), 3: "E", 4: (106.0, 42.0, 10.0)})
    im.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return path


def test_phone_upload_with_javascript(server, browser, tmp_path):
    with server.seed():
        member = make_member()
        make_business(community=member.community, name="Kue Ani")
        make_round()
        email = member.email
    jpeg = big_jpeg(tmp_path / "IMG_4032.JPG")
    folder = ARTIFACTS / "e2e" / "photo_upload"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)

    context = new_context(browser, bypass_csp=False, base_url=server.url)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto("/masuk")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url("**/portal/")
        page.goto("/portal/produk/baru")
        page.get_by_label("Nama produk").fill("Bolu Pandan Ani")
        page.get_by_label("Kategori").select_option(label="Makanan")

        page.locator("input[type=file][name=photos]").set_input_files([str(jpeg), str(HEIC)])
        # previews at once, one per photo; the HEIC says it has no preview but is still sent
        previews = page.locator("#photo-previews figure")
        previews.first.wait_for()
        assert previews.count() == 2
        page.wait_for_function(
            "() => document.querySelector('#photo-previews figcaption').textContent.includes('→')"
        )
        page.screenshot(path=str(folder / "01-pratinjau.png"), full_page=True)
        sent = page.evaluate(
            "() => Array.from(document.querySelector('input[name=photos]').files)"
            ".map(f => [f.name, f.type, f.size])"
        )
        assert sent[0][0] == "IMG_4032.jpg" and sent[0][1] == "image/jpeg"
        assert sent[0][2] < jpeg.stat().st_size
        assert sent[1][0] == "iphone.heic" and sent[1][2] == HEIC.stat().st_size  # as is

        page.get_by_role("button", name="Simpan sebagai draf").click()
        page.wait_for_url(re.compile(r"/portal/produk/\d+$"))
        listing_id = int(page.url.rsplit("/", 1)[1])
        with server.seed() as db:
            listing = db.session.get(Listing, listing_id)
            images = [p.image for p in listing.photos]
            # the JPEG arrived shrunk to 2560 px and upright (portrait); the HEIC as is
            assert (images[0].width, images[0].height) == (1920, 2560)
            assert images[1].source_format == "HEIF" and images[1].height > images[1].width
            heic_id = images[1].id
            w1080 = next(v.key for v in images[1].variants if v.name == "w1080")

        # the served HEIC derivative: upright, no EXIF, no GPS
        response = page.request.get(f"/media/{w1080}")
        assert response.status == 200
        served = PILImage.open(io.BytesIO(response.body()))
        assert served.height > served.width
        assert len(served.getexif()) == 0 and "exif" not in served.info

        # the cover, chosen without a reload, then saved
        page.get_by_role("link", name="Ubah").click()
        page.wait_for_load_state("load")
        page.evaluate("() => { window.__sameDocument = true; }")
        page.get_by_role("button", name="Jadikan sampul").click()
        assert page.evaluate("() => window.__sameDocument === true"), "the page reloaded"
        order = page.locator("#photo-order").input_value()
        assert order.split(",")[0] == str(heic_id)
        page.screenshot(path=str(folder / "02-sampul-dipilih.png"), full_page=True)
        page.get_by_role("button", name="Simpan sebagai draf").click()
        page.wait_for_url(re.compile(r"/portal/produk/\d+$"))
        with server.seed() as db:
            assert db.session.get(Listing, listing_id).photos[0].image_id == heic_id
            assert db.session.execute(db.select(db.func.count(Image.id))).scalar_one() == 2
        assert not [p for p in problems if "Content Security Policy" in p or "upload.js" in p], (
            problems
        )
    finally:
        context.close()
