"""What a shared catalogue link says it holds: "42 produk makanan dari Pamulang"."""

from __future__ import annotations


def catalogue_summary(count: int, category: str | None, district: str | None) -> str:
    """A one-line description for link previews: the number of public listings (``count``,
    "1000+" at the cap of ``queries.count_listings``), of a category and from a district
    when the view is narrowed to them (display names, as shown)."""
    from flask_babel import gettext as _

    n = "1000+" if count >= 1000 else str(count)
    what = category.lower() if category else None
    if what and district:
        return _("%(n)s produk %(what)s dari %(where)s", n=n, what=what, where=district)
    if what:
        return _("%(n)s produk %(what)s dari UMKM Tangerang Selatan", n=n, what=what)
    if district:
        return _("%(n)s produk UMKM dari %(where)s", n=n, where=district)
    return _("%(n)s produk UMKM Tangerang Selatan", n=n)
