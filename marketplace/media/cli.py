"""``flask --app marketplace media sweep``: delete orphaned photos, report missing ones."""

from __future__ import annotations

from datetime import timedelta

import click

from ..clock import now
from ..extensions import db
from . import bp
from .sweep import GRACE, sweep_rows, sweep_storage


@bp.cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="Report what would be deleted; delete nothing.")
@click.option(
    "--hours",
    type=click.IntRange(min=1),
    default=int(GRACE.total_seconds() // 3600),
    show_default=True,
    help="Grace period: only what has been unreferenced this long goes.",
)
def sweep(dry_run: bool, hours: int) -> None:
    """Delete stored photos that nothing references and rows of unattached photos.

    1. Photos (Image rows) that no listing uses and that were uploaded more than HOURS
       ago are deleted with their variant rows (one commit).
    2. Stored objects that no variant row references and that were last written more than
       HOURS ago are deleted from storage (after that commit; a key another row still uses
       is never deleted).
    3. Variant rows whose object is missing from storage are listed; the exit status is 1
       when there are any, so a cron job can alert.
    """
    at, grace = now(), timedelta(hours=hours)
    report = sweep_rows(at, grace=grace, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    sweep_storage(at, grace=grace, dry_run=dry_run, report=report)
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"images {verb}: {report.images_deleted}")
    click.echo(f"objects {verb}: {len(report.objects_deleted)} ({report.bytes_freed} bytes)")
    click.echo(f"unreferenced objects kept (younger than {hours} h): {report.young_kept}")
    click.echo(f"missing objects: {len(report.missing)}")
    for image_id, name, key in report.missing:
        click.echo(f"  missing: image {image_id} {name} {key}")
    if report.missing:
        raise SystemExit(1)
