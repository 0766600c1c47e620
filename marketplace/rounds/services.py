"""Round rules: which round is open, creating and editing rounds, "publish now".

Times are aware UTC datetimes; forms convert from WIB before calling these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..clock import from_wib, to_wib
from ..errors import InvalidInput
from ..extensions import db
from .models import SHOWCASE_DAYS, Round


def open_round(now: datetime) -> Round | None:
    """The round accepting submissions at ``now``, or None (at most one is open)."""
    return db.session.execute(
        sa.select(Round)
        .where(Round.opens_at <= now, Round.closes_at > now)
        .order_by(Round.opens_at)
        .limit(1)
    ).scalar_one_or_none()


def next_round(now: datetime) -> Round | None:
    """The next scheduled round after ``now``, or None."""
    return db.session.execute(
        sa.select(Round).where(Round.opens_at > now).order_by(Round.opens_at).limit(1)
    ).scalar_one_or_none()


def showcase_round(now: datetime) -> Round | None:
    """The most recently published round at ``now`` (the home page's showcase), or None."""
    return db.session.execute(
        sa.select(Round)
        .where(Round.publishes_at <= now)
        .order_by(Round.publishes_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def published_rounds(now: datetime) -> list[Round]:
    """Every round published at ``now``, newest first."""
    return list(
        db.session.execute(
            sa.select(Round).where(Round.publishes_at <= now).order_by(Round.publishes_at.desc())
        ).scalars()
    )


def _check_times(
    opens_at: datetime,
    closes_at: datetime,
    publishes_at: datetime,
    showcase_ends_at: datetime,
    quota: int,
    exclude_id: int | None,
) -> None:
    if not opens_at < closes_at:
        raise InvalidInput(_("Waktu tutup harus setelah waktu buka."))
    if not closes_at <= publishes_at:
        raise InvalidInput(_("Waktu tayang tidak boleh sebelum waktu tutup."))
    if not publishes_at < showcase_ends_at:
        raise InvalidInput(_("Akhir etalase harus setelah waktu tayang."))
    if not 1 <= quota <= 500:
        raise InvalidInput(_("Kuota per komunitas harus antara 1 dan 500."))
    overlap = sa.select(Round).where(Round.opens_at < closes_at, Round.closes_at > opens_at)
    if exclude_id is not None:
        overlap = overlap.where(Round.id != exclude_id)
    other = db.session.execute(overlap.limit(1)).scalar_one_or_none()
    if other is not None:
        raise InvalidInput(_("Masa pengajuan bertabrakan dengan %(name)s.", name=other.title))


def create_round(
    *,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    publishes_at: datetime,
    showcase_ends_at: datetime | None = None,
    quota: int = 10,
    edition: int | None = None,
    actor=None,
    now: datetime,
) -> Round:
    """Add a round (flushes, no commit). Submission windows may not overlap.

    Raises InvalidInput with a user-facing message for inconsistent times or an overlap.
    """
    showcase_ends_at = showcase_ends_at or Round.default_showcase_end(publishes_at)
    _check_times(opens_at, closes_at, publishes_at, showcase_ends_at, quota, None)
    if edition is None:
        edition = (db.session.execute(sa.select(sa.func.max(Round.edition))).scalar() or 0) + 1
    rnd = Round(
        name=name or f"Edisi {edition}",
        edition=edition,
        opens_at=opens_at,
        closes_at=closes_at,
        publishes_at=publishes_at,
        showcase_ends_at=showcase_ends_at,
        quota_per_community=quota,
        created_at=now,
    )
    db.session.add(rnd)
    db.session.flush()
    audit.record(
        "round.create",
        actor=actor,
        obj=rnd,
        object_type="round",
        at=now,
        details=_round_details(rnd),
    )
    return rnd


def update_round(
    rnd: Round,
    *,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    publishes_at: datetime,
    showcase_ends_at: datetime,
    quota: int,
    actor=None,
    now: datetime,
) -> Round:
    """Change a round's name, times or quota (flushes). Same checks as ``create_round``."""
    _check_times(opens_at, closes_at, publishes_at, showcase_ends_at, quota, rnd.id)
    before = _round_details(rnd)
    rnd.name, rnd.opens_at, rnd.closes_at = name or rnd.name, opens_at, closes_at
    rnd.publishes_at, rnd.showcase_ends_at, rnd.quota_per_community = (
        publishes_at,
        showcase_ends_at,
        quota,
    )
    db.session.flush()
    audit.record(
        "round.update",
        actor=actor,
        obj=rnd,
        object_type="round",
        at=now,
        details={"before": before, "after": _round_details(rnd)},
    )
    return rnd


def publish_now(rnd: Round, *, actor, now: datetime) -> Round:
    """Close the round if still open and publish it at ``now``: approved listings go public.

    Raises InvalidInput if the round is already published.
    """
    if rnd.is_published(now):
        raise InvalidInput(_("%(name)s sudah tayang.", name=rnd.title))
    before = rnd.phase(now).value
    if rnd.opens_at >= now:
        raise InvalidInput(
            _("%(name)s belum dibuka; ubah jadwalnya bila ingin menayangkan.", name=rnd.title)
        )
    if rnd.closes_at > now:
        rnd.closes_at = now
    rnd.publishes_at = now
    if rnd.showcase_ends_at <= now:
        rnd.showcase_ends_at = Round.default_showcase_end(now)
    db.session.flush()
    audit.record(
        "round.publish_now",
        actor=actor,
        obj=rnd,
        object_type="round",
        at=now,
        from_state=before,
        to_state=rnd.phase(now).value,
        details=_round_details(rnd),
    )
    return rnd


def _round_details(rnd: Round) -> dict:
    return {
        "name": rnd.name,
        "opens_at": rnd.opens_at.isoformat(),
        "closes_at": rnd.closes_at.isoformat(),
        "publishes_at": rnd.publishes_at.isoformat(),
        "showcase_ends_at": rnd.showcase_ends_at.isoformat(),
        "quota": rnd.quota_per_community,
    }


# --- the bi-weekly cadence -------------------------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class Cadence:
    """The rule the agency schedules rounds by, in WIB wall-clock terms.

    Defaults: opens Monday 08:00, closes the following Saturday 00:00 (the first instant of
    Saturday), publishes the Monday after at 09:00, showcase 14 days, a round every 14 days.
    ``closes_weekday``/``publishes_weekday`` are 0 = Monday … 6 = Sunday; closing is the first
    such moment strictly after opening, publishing the first at or after closing.
    """

    every_days: int = 14
    opens_weekday: int = 0
    opens_time: time = time(8, 0)
    closes_weekday: int = 5
    closes_time: time = time(0, 0)
    publishes_weekday: int = 0
    publishes_time: time = time(9, 0)
    showcase_days: int = SHOWCASE_DAYS
    quota: int = 10

    def describe(self) -> str:
        """The rule in words for the schedule page, from these very values (so the text
        cannot contradict the rounds it makes), in the reader's language; a closing at 00.00
        is written as 24.00 of the day before, like every end (``formatting.until``):
        ``Pola 14 hari: dibuka Senin 08.00, ditutup Jumat pukul 24.00 (tengah malam), tayang
        Senin 09.00, etalase 14 hari.``"""
        from babel.dates import get_day_names
        from flask_babel import get_locale
        from flask_babel import gettext as _

        locale = str(get_locale() or "id")
        days = get_day_names("wide", locale=locale)
        sep = ":" if locale.startswith("en") else "."

        def clock(t: time) -> str:
            return f"{t.hour:02d}{sep}{t.minute:02d}"

        if (self.closes_time.hour, self.closes_time.minute, self.closes_time.second) == (0, 0, 0):
            closes = _(
                "%(day)s pukul 24.00 (tengah malam)", day=days[(self.closes_weekday - 1) % 7]
            )
        else:
            closes = f"{days[self.closes_weekday]} {clock(self.closes_time)}"
        return _(
            "Pola %(every)s hari: dibuka %(opens)s, ditutup %(closes)s, tayang %(publishes)s, "
            "etalase %(showcase)s hari.",
            every=self.every_days,
            opens=f"{days[self.opens_weekday]} {clock(self.opens_time)}",
            closes=closes,
            publishes=f"{days[self.publishes_weekday]} {clock(self.publishes_time)}",
            showcase=self.showcase_days,
        )

    def window(self, opens_wib: datetime) -> tuple[datetime, datetime, datetime, datetime]:
        """(opens, closes, publishes, showcase end) as aware UTC for a round opening at the
        naive WIB wall-clock ``opens_wib``."""
        closes = _next_weekday_at(
            opens_wib, self.closes_weekday, self.closes_time, strictly_after=True
        )
        publishes = _next_weekday_at(
            closes, self.publishes_weekday, self.publishes_time, strictly_after=False
        )
        showcase = publishes + timedelta(days=self.showcase_days)
        return tuple(from_wib(t) for t in (opens_wib, closes, publishes, showcase))  # type: ignore[return-value]


def _next_weekday_at(after: datetime, weekday: int, at: time, *, strictly_after: bool) -> datetime:
    """The first naive datetime on ``weekday`` at ``at`` that is after (or at) ``after``."""
    day = after.date()
    for i in range(8):
        candidate = datetime.combine(day + timedelta(days=i), at)
        if candidate.weekday() == weekday and (
            candidate > after or (not strictly_after and candidate == after)
        ):
            return candidate
    raise AssertionError("unreachable: a weekday recurs within 8 days")  # pragma: no cover


def next_cadence_start(cadence: Cadence, now: datetime) -> datetime:
    """The suggested first opening (naive WIB): the latest round's opening + the interval,
    moved to the cadence's weekday and time; with no round, the next such moment after now."""
    latest = db.session.execute(
        sa.select(Round).order_by(Round.opens_at.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is not None:
        base = to_wib(latest.opens_at).replace(tzinfo=None) + timedelta(days=cadence.every_days)
        start = datetime.combine(base.date(), cadence.opens_time)
        while start.weekday() != cadence.opens_weekday:
            start += timedelta(days=1)
        return start
    return _next_weekday_at(
        to_wib(now).replace(tzinfo=None),
        cadence.opens_weekday,
        cadence.opens_time,
        strictly_after=True,
    )


def schedule_rounds(
    cadence: Cadence, *, first_opens_wib: datetime, count: int, actor=None, now: datetime
) -> list[Round]:
    """Create ``count`` rounds on ``cadence``, the first opening at the naive WIB
    ``first_opens_wib`` and each next one ``every_days`` later. Editions follow the highest
    existing one. All or nothing: raises InvalidInput (nothing added that the caller keeps;
    the view rolls back) when a window overlaps another round, lies in the past, or the
    rule is out of range. Flushes, never commits."""
    if not 1 <= count <= 26:
        raise InvalidInput(_("Jumlah periode harus antara 1 dan 26."))
    if not 7 <= cadence.every_days <= 90:
        raise InvalidInput(_("Jarak antar-periode harus antara 7 dan 90 hari."))
    if not 1 <= cadence.showcase_days <= 90:
        raise InvalidInput(_("Lama etalase harus antara 1 dan 90 hari."))
    windows = [
        cadence.window(first_opens_wib + timedelta(days=cadence.every_days * i))
        for i in range(count)
    ]
    if windows[0][1] <= now:
        raise InvalidInput(_("Periode pertama sudah lewat; pilih tanggal buka yang akan datang."))
    created = []
    for opens, closes, publishes, showcase in windows:
        created.append(
            create_round(
                name="",
                opens_at=opens,
                closes_at=closes,
                publishes_at=publishes,
                showcase_ends_at=showcase,
                quota=cadence.quota,
                actor=actor,
                now=now,
            )
        )
    audit.record(
        "round.schedule",
        actor=actor,
        object_type="round",
        object_id=created[0].id,
        at=now,
        details={
            "count": count,
            "editions": [r.edition for r in created],
            "every_days": cadence.every_days,
        },
    )
    return created
