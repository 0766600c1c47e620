"""Migration i12_permits moves the businesses' permit columns into ``permits`` honestly:
a checked number keeps its check (who and when from the audit trail), an unchecked one
stays unchecked, and downgrading puts the columns back."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.audit import record
from marketplace.extensions import db as _db
from tests.builders import add_permit, make_business, make_staff

BEFORE = "i15_demand_counts"


def test_checked_permits_keep_their_check_and_unchecked_claims_stay_unchecked(app, db):
    staff = make_staff()
    checked = make_business(name="Sudah Diperiksa")
    add_permit(checked, "nib", "9120001234567", checked=True)
    add_permit(checked, "halal", "ID31110000123")
    plain = make_business(name="Tanpa Izin")
    db.session.commit()
    ids = (checked.id, plain.id, staff.id)
    _db.session.remove()

    downgrade(revision=BEFORE)
    with _db.engine.begin() as conn:
        rows = conn.execute(
            sa.text("SELECT id, nib, nib_checked, halal_number, halal_checked FROM businesses")
        ).all()
        assert sorted(tuple(r) for r in rows) == sorted(
            [
                (ids[0], "9120001234567", True, "ID31110000123", False),
                (ids[1], None, False, None, False),
            ]
        )
    # the check as the old code audited it
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    record(
        "business.permits",
        actor=_db.session.get(type(staff), ids[2]),
        object_type="business",
        object_id=ids[0],
        at=at,
        details={"nib_checked": True},
    )
    _db.session.commit()
    _db.session.remove()

    upgrade()
    with _db.engine.begin() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT business_id, kind, number, checked_by_id, checked_at IS NOT NULL "
                "FROM permits ORDER BY kind"
            )
        ).all()
        columns = {c["name"] for c in sa.inspect(conn).get_columns("businesses")}
    assert [tuple(r) for r in rows] == [
        (ids[0], "halal", "ID31110000123", None, False),
        (ids[0], "nib", "9120001234567", ids[2], True),
    ]
    assert not columns & {"nib", "nib_checked", "halal_number", "pirt_checked"}
