"""A storage failure while saving the listing form (#18): the form comes back with what was
typed and a message, answered 503, nothing half-written (no rows, no stored objects of the
failed post), the failure logged; the next try saves."""

import io
import logging

from marketplace.listings.models import Listing
from marketplace.media.models import Image
from marketplace.media.storage import LocalStorage
from tests.builders import jpeg_bytes, make_business, make_round
from tests.media.support import files_under


class FailingStorage(LocalStorage):
    """Local storage whose n-th save fails, as a full disk or a lost bucket would."""

    def __init__(self, root, fail_on: int):
        super().__init__(root)
        self.fail_on, self.saves = fail_on, 0

    def save(self, key, data, content_type):
        self.saves += 1
        if self.saves == self.fail_on:
            raise OSError("No space left on device")
        super().save(key, data, content_type)


def _data(business_id):
    return {
        "business_id": str(business_id),
        "title": "Sambal Roa Bu Sri",
        "category_id": "1",
        "price": "35rb",
        "unit": "pcs",
        "description": "Pedas, tanpa pengawet.",
        "action": "submit",
        "photos": [
            (io.BytesIO(jpeg_bytes(800, 600, (1, 2, 3))), "a.jpg"),
            (io.BytesIO(jpeg_bytes(600, 800, (9, 8, 7))), "b.jpg"),
        ],
    }


def test_storage_failure_keeps_the_form_and_writes_nothing(as_member, app, db, caplog):
    business = make_business(community=as_member.user.community)
    make_round()
    db.session.commit()
    root = app.config["MEDIA_ROOT"]
    app.extensions["media_storage"] = FailingStorage(root, fail_on=6)  # in the second photo
    caplog.set_level(logging.ERROR, logger="marketplace.media.services")
    r = as_member.post(
        "/portal/produk/baru", data=_data(business.id), content_type="multipart/form-data"
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 503
    assert "Foto belum bisa disimpan" in html
    assert 'value="Sambal Roa Bu Sri"' in html and "Pedas, tanpa pengawet." in html
    assert db.session.execute(db.select(Listing)).first() is None
    assert db.session.execute(db.select(Image)).first() is None
    assert files_under(root) == []
    assert "photo storage failed" in caplog.text
    app.extensions["media_storage"] = LocalStorage(root)
    r = as_member.post(
        "/portal/produk/baru", data=_data(business.id), content_type="multipart/form-data"
    )
    assert r.status_code == 302
    assert len(db.session.execute(db.select(Listing)).scalar_one().photos) == 2
