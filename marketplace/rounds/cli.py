"""``flask --app marketplace rounds schedule``: the next N rounds on the bi-weekly rule."""
from __future__ import annotations

from datetime import datetime, time

import click
from flask import current_app
from flask.cli import AppGroup

from ..clock import now, to_wib
from ..errors import InvalidInput
from ..extensions import db
from .services import WEEKDAYS, Cadence, next_cadence_start, schedule_rounds

rounds_cli = AppGroup("rounds", help="Promotion rounds (periode promosi).")


def _day_time(raw: str, option: str) -> tuple[int, time]:
    """``"sat 00:00"`` → (5, 00:00)."""
    try:
        day, hhmm = raw.strip().lower().split()
        return WEEKDAYS.index(day[:3]), time.fromisoformat(hhmm)
    except ValueError:
        raise click.BadParameter(f"expected e.g. 'sat 00:00', got {raw!r}", param_hint=option) from None


@rounds_cli.command("schedule")
@click.option("--count", default=6, show_default=True, help="How many rounds to create.")
@click.option("--first", "first", default=None,
              help="First opening in WIB, e.g. 2027-01-04T08:00 (default: the next slot on the cadence).")
@click.option("--every", "every_days", default=14, show_default=True, help="Days between openings.")
@click.option("--closes", default="sat 00:00", show_default=True, help="Closing weekday and WIB time.")
@click.option("--publishes", default="mon 09:00", show_default=True, help="Publishing weekday and WIB time.")
@click.option("--showcase", "showcase_days", default=14, show_default=True, help="Showcase length in days.")
@click.option("--quota", default=None, type=int, help="Listings per community (default: DEFAULT_QUOTA).")
def schedule(count: int, first: str | None, every_days: int, closes: str, publishes: str,
             showcase_days: int, quota: int | None) -> None:
    """Create the next COUNT rounds (all or nothing); overlapping windows are refused."""
    at = now()
    closes_day, closes_time = _day_time(closes, "--closes")
    pub_day, pub_time = _day_time(publishes, "--publishes")
    cadence = Cadence(every_days=every_days, closes_weekday=closes_day, closes_time=closes_time,
                      publishes_weekday=pub_day, publishes_time=pub_time, showcase_days=showcase_days,
                      quota=quota or current_app.config["DEFAULT_QUOTA"])
    if first:
        try:
            start = datetime.fromisoformat(first).replace(tzinfo=None)
        except ValueError:
            raise click.BadParameter("expected e.g. 2027-01-04T08:00", param_hint="--first") from None
        cadence = Cadence(**{**cadence.__dict__, "opens_weekday": start.weekday(), "opens_time": start.time()})
    else:
        start = next_cadence_start(cadence, at)
    try:
        created = schedule_rounds(cadence, first_opens_wib=start, count=count, now=at)
    except InvalidInput as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    for r in created:
        click.echo(f"{r.title}: buka {to_wib(r.opens_at):%a %Y-%m-%d %H:%M} · tutup "
                   f"{to_wib(r.closes_at):%a %Y-%m-%d %H:%M} · tayang {to_wib(r.publishes_at):%a %Y-%m-%d %H:%M} WIB")
