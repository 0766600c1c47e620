"""``flask --app marketplace rounds schedule``: the next N rounds on the bi-weekly rule."""

from __future__ import annotations

from datetime import datetime, time

import click
from flask.cli import AppGroup

from ..clock import now, to_wib
from ..errors import InvalidInput
from ..extensions import db
from ..site_settings import get_settings
from .services import WEEKDAYS, Cadence, next_cadence_start, schedule_rounds

rounds_cli = AppGroup("rounds", help="Promotion rounds (periode promosi).")


def _day_time(raw: str, option: str) -> tuple[int, time]:
    """``"sat 00:00"`` → (5, 00:00)."""
    try:
        day, hhmm = raw.strip().lower().split()
        return WEEKDAYS.index(day[:3]), time.fromisoformat(hhmm)
    except ValueError:
        raise click.BadParameter(
            f"expected e.g. 'sat 00:00', got {raw!r}", param_hint=option
        ) from None


@rounds_cli.command("schedule")
@click.option("--count", default=6, show_default=True, help="How many rounds to create.")
@click.option(
    "--first",
    "first",
    default=None,
    help="First opening in WIB, e.g. 2027-01-04T08:00 (default: the next slot on the cadence).",
)
@click.option("--every", "every_days", default=None, type=int, help="Days between openings [14].")
@click.option("--closes", default=None, help="Closing weekday and WIB time, e.g. 'sat 00:00'.")
@click.option(
    "--publishes", default=None, help="Publishing weekday and WIB time, e.g. 'mon 09:00'."
)
@click.option(
    "--showcase", "showcase_days", default=None, type=int, help="Showcase length in days [14]."
)
@click.option("--quota", default=None, type=int, help="Listings per community [10].")
def schedule(
    count: int,
    first: str | None,
    every_days: int | None,
    closes: str | None,
    publishes: str | None,
    showcase_days: int | None,
    quota: int | None,
) -> None:
    """Create the next COUNT rounds (all or nothing); overlapping windows are refused.

    Options left out come from the site settings (defaults: opens Monday 08:00, closes
    Saturday 00:00, publishes Monday 09:00 WIB, every 14 days, showcase 14 days, quota 10)."""
    at = now()
    rule = get_settings().cadence_values()
    if every_days is not None:
        rule["every_days"] = every_days
    if closes:
        rule["closes_weekday"], rule["closes_time"] = _day_time(closes, "--closes")
    if publishes:
        rule["publishes_weekday"], rule["publishes_time"] = _day_time(publishes, "--publishes")
    if showcase_days is not None:
        rule["showcase_days"] = showcase_days
    if quota is not None:
        rule["quota"] = quota
    cadence = Cadence(**rule)
    if first:
        try:
            start = datetime.fromisoformat(first).replace(tzinfo=None)
        except ValueError:
            raise click.BadParameter(
                "expected e.g. 2027-01-04T08:00", param_hint="--first"
            ) from None
        cadence = Cadence(
            **{**cadence.__dict__, "opens_weekday": start.weekday(), "opens_time": start.time()}
        )
    else:
        start = next_cadence_start(cadence, at)
    try:
        created = schedule_rounds(cadence, first_opens_wib=start, count=count, now=at)
    except InvalidInput as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    for r in created:
        click.echo(
            f"{r.title}: buka {to_wib(r.opens_at):%a %Y-%m-%d %H:%M} · tutup "
            f"{to_wib(r.closes_at):%a %Y-%m-%d %H:%M} · tayang "
            f"{to_wib(r.publishes_at):%a %Y-%m-%d %H:%M} WIB"
        )


@rounds_cli.command("remind")
def remind_command():
    """Write the round reminders due now (opened, 3 days and 1 day before closing,
    published), each once per community; e-mail them when SMTP is configured. Safe to run
    every minute from cron."""
    from ..notifications import send_email
    from .reminders import send_due

    sent = send_due(now())
    db.session.commit()
    mailed = sum(
        1 for s in sent if s.recipients and send_email(s.recipients, s.text.split(".")[0], s.text)
    )
    click.echo(f"reminders: {len(sent)} written, {mailed} e-mailed")
