"""The district and category lists, in display order: every menu and filter reads them here."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Category, District


def districts() -> list[District]:
    """Every district, in display order (``sort_order``, then name)."""
    return list(
        db.session.execute(
            sa.select(District).order_by(District.sort_order, District.name)
        ).scalars()
    )


def categories(*, active_only: bool = True) -> list[Category]:
    """Categories in display order (``sort_order``, then name); only the active ones unless
    ``active_only`` is False (staff screens that manage inactive ones too)."""
    stmt = sa.select(Category).order_by(Category.sort_order, Category.name)
    if active_only:
        stmt = stmt.where(Category.is_active.is_(True))
    return list(db.session.execute(stmt).scalars())


def district_choices() -> list[tuple[int, str]]:
    """``(id, name)`` pairs for a district menu."""
    return [(d.id, d.name) for d in districts()]


def category_choices() -> list[tuple[int, str]]:
    """``(id, name)`` pairs for a menu of the active categories."""
    return [(c.id, c.name) for c in categories()]
