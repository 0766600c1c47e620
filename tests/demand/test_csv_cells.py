"""One CSV-cell escaper (``marketplace/spreadsheets.py``) for every staff CSV export."""

from __future__ import annotations

import pathlib
import re

import pytest

from marketplace.spreadsheets import safe_cell

ROOT = pathlib.Path(__file__).resolve().parents[2] / "marketplace"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+62812", "'+62812"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("masker kain", "masker kain"),
        ("a=b", "a=b"),
        (42, "42"),
        (None, ""),
        ("", ""),
    ],
)
def test_formula_starts_are_defused(value, cell):
    assert safe_cell(value) == cell


def test_no_module_keeps_its_own_escaper():
    """The formula characters are spelled out once: a copy elsewhere fails here."""
    pattern = re.compile(r"""\(\s*["']=["']\s*,\s*["']\+["']\s*,\s*["']-["']""")
    copies = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert copies == ["spreadsheets.py"]
    for name in ("stats/views.py", "demand/views.py", "audit/queries.py"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "safe_cell" in text and "def _cell" not in text
