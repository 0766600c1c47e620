"""CSV cells that spreadsheets open safely: the one escaper for every staff CSV export
(statistics, the demand board, the audit log). Feeds read by Meta and Google are not
escaped (``feeds/render.py``): they are not opened in a spreadsheet."""

from __future__ import annotations

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP "CSV
# injection"): a leading =, +, - or @, or a tab or carriage return before one of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """``value`` as CSV cell text (``None`` → ``""``), prefixed with an apostrophe when a
    spreadsheet would otherwise run it as a formula (``"=1+1"`` → ``"'=1+1"``). Numbers
    stay numbers except negative ones, which read as text (``-3`` → ``"'-3"``)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
