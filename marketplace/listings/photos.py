"""The listing form's photo part as pure functions: which photo ids the form holds, which
photo button was pressed, the rearranged order and the photo-count messages."""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import TypeVar

from flask_babel import gettext as _

T = TypeVar("T")

PHOTO_VERBS = ("up", "down", "cover", "remove")
MAX_IDS = 20  # ids read from one form, whatever it sends


def _ids(values) -> list[int]:
    return [int(v) for v in (v.strip() for v in values) if v.isdecimal() and len(v) < 12]


def form_photo_ids(form, own_ids: Container[int]) -> list[int]:
    """The photo ids a posted form holds, in order, each once (at most ``MAX_IDS``).

    ``form`` is the posted MultiDict: ``photo_order`` ("12,5,7", one hidden field the photo
    buttons and upload.js keep up to date; present but empty means "all removed"), or the
    older ``keep_photo`` (only ``own_ids`` count) + ``pending_image`` fields. The ids are
    not trusted: the caller keeps only the listing's own and the user's pending images."""
    if "photo_order" in form:
        ids = _ids(form["photo_order"].split(",")[:MAX_IDS])
    else:
        ids = [i for i in _ids(form.getlist("keep_photo")) if i in own_ids]
        ids += _ids(form.getlist("pending_image"))
    return list(dict.fromkeys(ids))[:MAX_IDS]


def parse_photo_op(raw: str | None) -> tuple[str, int | None] | None:
    """The photo button pressed: ``photo_op`` = ``add:0``, ``up:ID``, ``down:ID``,
    ``cover:ID`` or ``remove:ID`` → (verb, ID; None for add), else None."""
    verb, _sep, number = (raw or "").partition(":")
    if verb == "add":
        return ("add", None)
    if verb not in PHOTO_VERBS or not number.isdecimal() or len(number) > 11:
        return None
    return (verb, int(number))


def apply_photo_op(photos: Sequence[T], verb: str, photo: T | None) -> list[T]:
    """``photos`` in their new order after ``verb`` on ``photo`` (a new list; ``add`` or a
    ``photo`` not in the list leaves the order as it is)."""
    photos = list(photos)
    if photo is None or photo not in photos:
        return photos
    i = photos.index(photo)
    if verb == "remove":
        photos.pop(i)
    elif verb == "cover":
        photos.insert(0, photos.pop(i))
    elif verb == "up" and i > 0:
        photos[i - 1], photos[i] = photos[i], photos[i - 1]
    elif verb == "down" and i < len(photos) - 1:
        photos[i + 1], photos[i] = photos[i], photos[i + 1]
    return photos


def photo_count_errors(n: int, limit: int, *, refused_any: bool) -> list[str]:
    """Messages for a form holding ``n`` photos (limit ``limit``); no "add a photo" message
    when a refused file already explains why there is none (``refused_any``)."""
    errors = []
    if n == 0 and not refused_any:
        errors.append(_("Tambahkan paling sedikit 1 foto produk."))
    if n > limit:
        errors.append(
            _("Paling banyak %(n)s foto per produk; hapus %(x)s foto.", n=limit, x=n - limit)
        )
    return errors
