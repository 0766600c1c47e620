"""The bi-weekly cadence: N rounds in one step (web and CLI), editions, overlap refused, WIB."""

from datetime import UTC, datetime, time, timedelta

import pytest

from marketplace.audit import AuditEvent
from marketplace.clock import WIB
from marketplace.errors import InvalidInput
from marketplace.rounds.models import Phase, Round
from marketplace.rounds.services import Cadence, next_cadence_start, schedule_rounds
from tests.builders import make_round

UTC = UTC


def _rounds(db):
    return list(db.session.execute(db.select(Round).order_by(Round.opens_at)).scalars())


def _wib(r, field):
    return getattr(r, field).astimezone(WIB)


def test_default_rule_monday_to_saturday_midnight_then_monday_nine(app, db, clock):
    created = schedule_rounds(
        Cadence(), first_opens_wib=datetime(2027, 1, 4, 8, 0), count=3, now=clock()
    )
    assert [r.edition for r in created] == [1, 2, 3]
    assert [r.title for r in created] == ["Edisi 1", "Edisi 2", "Edisi 3"]
    first = created[0]
    assert _wib(first, "opens_at") == datetime(2027, 1, 4, 8, 0, tzinfo=WIB)  # Monday 08:00
    assert _wib(first, "closes_at") == datetime(2027, 1, 9, 0, 0, tzinfo=WIB)  # Saturday 00:00
    assert first.closes_at == datetime(2027, 1, 8, 17, 0, tzinfo=UTC)  # Friday 17:00 UTC
    assert _wib(first, "publishes_at") == datetime(
        2027, 1, 11, 9, 0, tzinfo=WIB
    )  # next Monday 09:00
    assert first.showcase_ends_at == first.publishes_at + timedelta(days=14)
    assert [r.opens_at - created[0].opens_at for r in created] == [
        timedelta(days=14 * i) for i in range(3)
    ]
    assert all(r.quota_per_community == 10 for r in created)
    events = (
        db.session.execute(db.select(AuditEvent).where(AuditEvent.action.like("round.%")))
        .scalars()
        .all()
    )
    assert sorted(e.action for e in events) == ["round.create"] * 3 + ["round.schedule"]


def test_editions_continue_after_existing_rounds(app, db, clock):
    old = make_round()  # open now, edition from the builder
    created = schedule_rounds(
        Cadence(), first_opens_wib=next_cadence_start(Cadence(), clock()), count=2, now=clock()
    )
    assert [r.edition for r in created] == [old.edition + 1, old.edition + 2]
    assert created[0].opens_at > old.closes_at


def test_a_custom_rule(app, db, clock):
    rule = Cadence(
        every_days=7,
        opens_weekday=2,
        opens_time=time(9, 30),
        closes_weekday=4,
        closes_time=time(17, 0),
        publishes_weekday=5,
        publishes_time=time(10, 0),
        showcase_days=7,
        quota=3,
    )
    created = schedule_rounds(
        rule, first_opens_wib=datetime(2027, 1, 6, 9, 30), count=2, now=clock()
    )
    a, b = created
    assert _wib(a, "closes_at") == datetime(2027, 1, 8, 17, 0, tzinfo=WIB)
    assert _wib(a, "publishes_at") == datetime(2027, 1, 9, 10, 0, tzinfo=WIB)
    assert a.showcase_ends_at - a.publishes_at == timedelta(days=7)
    assert (
        _wib(b, "opens_at") == datetime(2027, 1, 13, 9, 30, tzinfo=WIB)
        and b.quota_per_community == 3
    )


def test_overlap_with_an_existing_round_refuses_the_whole_batch(app, db, clock):
    make_round(
        opens_at=datetime(2027, 1, 20, tzinfo=UTC), closes_at=datetime(2027, 1, 21, tzinfo=UTC)
    )
    db.session.commit()
    with pytest.raises(InvalidInput, match="bertabrakan"):
        schedule_rounds(Cadence(), first_opens_wib=datetime(2027, 1, 4, 8, 0), count=3, now=clock())
    db.session.rollback()
    assert len(_rounds(db)) == 1


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"count": 0}, "antara 1 dan 26"),
        ({"count": 27}, "antara 1 dan 26"),
        ({"first_opens_wib": datetime(2026, 11, 2, 8, 0)}, "sudah lewat"),
        ({"cadence": Cadence(every_days=3)}, "antara 7 dan 90"),
        ({"cadence": Cadence(showcase_days=0)}, "Lama etalase"),
    ],
)
def test_bad_rules_are_refused_with_a_message(app, db, clock, kw, message):
    args = {"cadence": Cadence(), "first_opens_wib": datetime(2027, 1, 4, 8, 0), "count": 2, **kw}
    cadence = args.pop("cadence")
    with pytest.raises(InvalidInput, match=message):
        schedule_rounds(cadence, now=clock(), **args)


def test_phase_comes_from_the_clock(app, db, clock):
    (r,) = schedule_rounds(
        Cadence(), first_opens_wib=datetime(2027, 1, 4, 8, 0), count=1, now=clock()
    )
    assert r.phase(clock()) == Phase.SCHEDULED
    clock.set(datetime(2027, 1, 4, 8, 0, tzinfo=WIB))
    assert r.phase(clock()) == Phase.OPEN
    clock.set(datetime(2027, 1, 9, 0, 0, tzinfo=WIB) - timedelta(seconds=1))
    assert r.phase(clock()) == Phase.OPEN
    clock.advance(seconds=1)
    assert r.phase(clock()) == Phase.IN_REVIEW


def _form(**over):
    data = {
        "count": "4",
        "first_opens_at": "2027-01-04T08:00",
        "every_days": "14",
        "closes_weekday": "5",
        "closes_time": "00:00",
        "publishes_weekday": "0",
        "publishes_time": "09:00",
        "showcase_days": "14",
        "quota": "8",
    }
    data.update(over)
    return data


def test_admin_schedules_from_the_web(app, db, as_admin):
    page = as_admin.get("/staff/rounds/jadwalkan").get_data(as_text=True)
    assert 'value="6"' in page and 'value="09:00"' in page and "Sabtu 00.00" in page
    r = as_admin.post("/staff/rounds/jadwalkan", data=_form(), follow_redirects=True)
    assert r.status_code == 200 and "4 periode dijadwalkan: Edisi 1 sampai Edisi 4." in r.get_data(
        as_text=True
    )
    rounds = _rounds(db)
    assert [x.edition for x in rounds] == [1, 2, 3, 4] and rounds[0].quota_per_community == 8
    assert rounds[3].opens_at == datetime(2027, 2, 15, 1, 0, tzinfo=UTC)
    # the form now suggests the slot after the last one
    assert "2027-03-01T08:00" in as_admin.get("/staff/rounds/jadwalkan").get_data(as_text=True)


def test_web_overlap_is_a_message_and_keeps_the_form(app, db, as_admin):
    as_admin.post("/staff/rounds/jadwalkan", data=_form(count="2"))
    r = as_admin.post("/staff/rounds/jadwalkan", data=_form(count="3", quota="9"))
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "bertabrakan dengan Edisi 1" in page and 'value="9"' in page
    assert len(_rounds(db)) == 2


def test_moderators_and_members_cannot_schedule(app, db, as_staff, as_member):
    assert as_staff.post("/staff/rounds/jadwalkan", data=_form()).status_code == 403
    assert as_member.post("/staff/rounds/jadwalkan", data=_form()).status_code == 404
    assert _rounds(db) == []


def test_cli_schedules_the_next_rounds(app, db, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["rounds", "schedule", "--count", "2", "--first", "2027-01-04T08:00"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "Edisi 1: buka Mon 2027-01-04 08:00 · tutup Sat 2027-01-09 00:00 · tayang Mon "
        "2027-01-11 09:00 WIB" in result.output
    )
    result = runner.invoke(args=["rounds", "schedule", "--count", "1"])
    assert result.exit_code == 0, result.output
    assert "Edisi 3: buka Mon 2027-02-01 08:00" in result.output
    result = runner.invoke(
        args=["rounds", "schedule", "--count", "1", "--first", "2027-01-05T08:00"]
    )
    assert result.exit_code != 0 and "bertabrakan" in result.output
    result = runner.invoke(args=["rounds", "schedule", "--closes", "someday"])
    assert result.exit_code != 0
    assert len(_rounds(db)) == 3
