"""Reference data: districts (kecamatan, seeded by the migration) and categories."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


def reading_english() -> bool:
    """True while the current request is shown in English (``en_ID``); False outside a
    request (CLI, the Instagram kit's forced Indonesian), so stored Indonesian is the default."""
    from flask_babel import get_locale

    try:
        locale = get_locale()
    except RuntimeError:  # no app or request context
        return False
    return bool(locale) and str(locale).startswith("en")


class District(db.Model):
    """A kecamatan. The seven of Tangerang Selatan are seeded by the first migration."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<District {self.slug}>"


class Category(db.Model):
    """A staff-managed product category; retired ones stay on old listings.

    Its English name is kept with it (``name_en``, the data's own translation, not the
    code's): ``name`` reads ``name_en`` for an English reader when set, else the Indonesian
    ``name_id``; setting ``name`` sets the Indonesian one; in SQL ``Category.name`` is the
    Indonesian column (sorting, uniqueness)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_id: Mapped[str] = mapped_column("name", sa.String(80))
    name_en: Mapped[str | None] = mapped_column(sa.String(80), default=None)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    @hybrid_property
    def name(self) -> str:
        if self.name_en and reading_english():
            return self.name_en
        return self.name_id

    @name.inplace.setter
    def _name_setter(self, value: str) -> None:
        self.name_id = value

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        return cls.name_id

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


DISTRICTS = [
    ("ciputat", "Ciputat"),
    ("ciputat-timur", "Ciputat Timur"),
    ("pamulang", "Pamulang"),
    ("pondok-aren", "Pondok Aren"),
    ("serpong", "Serpong"),
    ("serpong-utara", "Serpong Utara"),
    ("setu", "Setu"),
]

CATEGORIES = [
    ("makanan", "Makanan"),
    ("minuman", "Minuman"),
    ("fesyen", "Fesyen"),
    ("kerajinan", "Kerajinan"),
    ("kesehatan", "Kesehatan"),
    ("kecantikan", "Kecantikan"),
    ("pertanian", "Pertanian"),
    ("jasa", "Jasa"),
]
# Their English names are data too: categories.name_en (seeded by i17_category_name_en).
