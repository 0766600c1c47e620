"""`flask db upgrade` from an empty database reaches the models exactly."""

from datetime import UTC

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from marketplace.catalogue.search import include_name, include_object
from marketplace.extensions import db as _db


def test_upgrade_from_empty_matches_models(app):
    # The app fixture's database was built by the real migrations (see conftest).
    with _db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                # The full-text search index is raw DDL, not a model (catalogue/search.py).
                "include_name": include_name,
                "include_object": include_object,
            },
        )
        diff = compare_metadata(ctx, _db.metadata)
    assert diff == []


def test_districts_are_seeded(app, db):
    from marketplace.reference.models import District

    names = [
        d.name
        for d in db.session.execute(db.select(District).order_by(District.sort_order)).scalars()
    ]
    assert names == [
        "Ciputat",
        "Ciputat Timur",
        "Pamulang",
        "Pondok Aren",
        "Serpong",
        "Serpong Utara",
        "Setu",
    ]


def test_times_come_back_aware_utc(app, db):
    from datetime import datetime, timedelta

    from marketplace.clock import WIB
    from tests.builders import make_round

    opens = datetime(2026, 12, 7, 8, 0, tzinfo=WIB)
    rnd = make_round(opens_at=opens, closes_at=opens + timedelta(days=5))
    db.session.commit()
    db.session.expire_all()
    assert rnd.opens_at == opens
    assert rnd.opens_at.tzinfo == UTC
    assert rnd.opens_at.hour == 1
