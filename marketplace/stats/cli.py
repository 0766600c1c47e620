"""``flask --app marketplace stats export --round N [--out FILE]``: the province report."""

from __future__ import annotations

import csv
import sys

import click
from flask.cli import AppGroup

from ..clock import now

stats_cli = AppGroup("stats", help="Statistik: laporan untuk provinsi.")


@stats_cli.command("export")
@click.option("--round", "round_ref", required=True, help="Nomor edisi (14) atau id:5.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="-")
def export(round_ref: str, out: str) -> None:
    """Write the province-report CSV of a round (per kecamatan and category: listings, UMKM
    promoted, new vs returning UMKM, taps, searches, unmet searches) to OUT or stdout."""
    from .export import HEADER, find_round, province_rows

    rnd = find_round(round_ref)
    if rnd is None:
        raise click.ClickException(f"Periode {round_ref!r} tidak ditemukan.")
    rows = province_rows(rnd, now())
    handle = sys.stdout if out == "-" else open(out, "w", newline="", encoding="utf-8")  # noqa: SIM115
    try:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    finally:
        if handle is not sys.stdout:
            handle.close()
    if out != "-":
        click.echo(f"{rnd.title}: {len(rows)} baris → {out}", err=True)
