"""Compile the catalogues before these tests if a .po is newer than its .mo (what `make
translations` does), so running pytest directly still tests the current translations."""

from __future__ import annotations

from pathlib import Path

import pytest

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parts[-3])
            tmp = mo.with_suffix(".mo.tmp")
            with tmp.open("wb") as fh:
                write_mo(fh, catalog)  # fuzzy entries left out, as `pybabel compile` does
            tmp.replace(mo)
