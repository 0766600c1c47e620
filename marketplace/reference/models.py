"""Reference data: districts (kecamatan, seeded by the migration) and categories."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


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
    """A staff-managed product category; retired ones stay on old listings."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

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
