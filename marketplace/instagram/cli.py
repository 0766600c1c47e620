"""``flask --app marketplace instagram-kit ROUND OUT.zip``: the same kit as the web page."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..clock import now


@click.command("instagram-kit")
@click.argument("round_ref", metavar="ROUND")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def instagram_kit(round_ref: str, out: Path) -> None:
    """Write the Instagram kit of ROUND to OUT (a ZIP).

    ROUND is an edition number (14), or a round id when no round has that edition;
    "edisi:14" and "id:5" say which explicitly. The round must be published.
    """
    from .services import build_zip, find_round, kit_listings, kit_plan, kit_ready

    rnd = find_round(round_ref)
    if rnd is None:
        raise click.ClickException(f"Periode {round_ref!r} tidak ditemukan.")
    if not kit_ready(rnd, now()):
        raise click.ClickException(f"{rnd.title} belum tayang; kit dibuat setelah periode tayang.")
    listings = kit_listings(rnd)
    if not listings:
        raise click.ClickException(f"{rnd.title} belum punya produk yang disetujui.")
    data = build_zip(rnd)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    posts = len(kit_plan(rnd)) - 1
    click.echo(
        f"{rnd.title}: {len(listings)} slide produk + sampul dalam {posts} postingan → {out} "
        f"({len(data) / 1024 / 1024:.1f} MB)"
    )
