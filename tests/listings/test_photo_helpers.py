"""The listing form's photo part as pure functions (listings.photos)."""

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.listings.photos import apply_photo_op, form_photo_ids, parse_photo_op


def test_photo_order_wins_and_is_deduplicated():
    form = MultiDict({"photo_order": "12, 5,x,12,7", "keep_photo": "99"})
    assert form_photo_ids(form, own_ids={99}) == [12, 5, 7]
    assert form_photo_ids(MultiDict({"photo_order": ""}), own_ids={1}) == []  # all removed


def test_older_fields_keep_only_own_photos_then_pending_ones():
    form = MultiDict([("keep_photo", "3"), ("keep_photo", "4"), ("pending_image", "8")])
    assert form_photo_ids(form, own_ids={3}) == [3, 8]


@pytest.mark.parametrize(
    "raw,want",
    [
        ("add:0", ("add", None)),
        ("up:7", ("up", 7)),
        ("remove:12", ("remove", 12)),
        ("cover:x", None),
        ("spin:3", None),
        ("", None),
        (None, None),
        ("up:" + "9" * 12, None),
    ],
)
def test_parse_photo_op(raw, want):
    assert parse_photo_op(raw) == want


@pytest.mark.parametrize(
    "verb,photo,want",
    [
        ("up", "b", ["b", "a", "c"]),
        ("up", "a", ["a", "b", "c"]),
        ("down", "c", ["a", "b", "c"]),
        ("down", "a", ["b", "a", "c"]),
        ("cover", "c", ["c", "a", "b"]),
        ("remove", "b", ["a", "c"]),
        ("add", None, ["a", "b", "c"]),
        ("remove", "z", ["a", "b", "c"]),
    ],
)
def test_apply_photo_op(verb, photo, want):
    photos = ["a", "b", "c"]
    assert apply_photo_op(photos, verb, photo) == want
    assert photos == ["a", "b", "c"]  # a new list
