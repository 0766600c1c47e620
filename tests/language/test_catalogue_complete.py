"""Every string the code shows has a reviewed English translation.

Extraction runs on the current code, so a string added anywhere without a translation makes
this fail (listing the strings) until `make extract` is run and translations/en_ID is filled.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "translations" / "messages.pot"
PO = ROOT / "translations" / "en_ID" / "LC_MESSAGES" / "messages.po"


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _where(message) -> str:
    return ", ".join(f"{f}:{n}" for f, n in message.locations[:2])


def _keywords() -> list[str]:
    """The extra extraction keywords, read from the Makefile so the two cannot drift."""
    line = re.search(r"^BABEL_KEYWORDS\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert line, "Makefile has no BABEL_KEYWORDS"
    return line.group(1).split()


def test_every_template_entry_has_a_reviewed_english_translation():
    po = _read(PO, "en_ID")
    translated = {(m.context, m.id): m for m in po if m.id}
    problems = []
    for m in _read(POT):
        if not m.id:
            continue
        t = translated.get((m.context, m.id))
        if t is None or not t.string:
            problems.append(f"no English: {m.id!r} ({_where(m)})")
        elif t.fuzzy:
            problems.append(f"fuzzy: {m.id!r} ({_where(m)})")
    assert not problems, "translations/en_ID needs work:\n" + "\n".join(problems)


def test_no_fuzzy_or_empty_entries_and_placeholders_match():
    po = _read(PO, "en_ID")
    bad = [f"{m.id!r}" for m in po if m.id and (m.fuzzy or not m.string)]
    assert not bad, "fuzzy or empty entries in messages.po:\n" + "\n".join(bad)
    errors = [f"{m.id!r}: {'; '.join(map(str, errs))}" for m, errs in po.check()]
    assert not errors, "placeholders differ between source and English:\n" + "\n".join(errors)
    for m in po:
        if m.id:
            names = sorted(re.findall(r"%\((\w+)\)s", m.id))
            assert sorted(re.findall(r"%\((\w+)\)s", m.string)) == names, m.id


def test_strings_in_the_current_code_are_all_in_the_english_catalogue(tmp_path, monkeypatch):
    fresh = tmp_path / "fresh.pot"
    monkeypatch.chdir(ROOT)  # locations relative to the repository, as in messages.pot
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", "babel.cfg", *_keywords(), "-o", str(fresh), "."]
    )
    po = _read(PO, "en_ID")
    have = {(m.context, m.id) for m in po if m.id and m.string and not m.fuzzy}
    missing = [
        f"{m.id!r} ({_where(m)})" for m in _read(fresh) if m.id and (m.context, m.id) not in have
    ]
    assert not missing, (
        f"{len(missing)} strings in the code have no English translation yet. Run `make extract`,"
        " then translate them in translations/en_ID/LC_MESSAGES/messages.po:\n" + "\n".join(missing)
    )


def test_wtforms_own_messages_have_indonesian():
    """WTForms ships no Indonesian; ours must cover every message of the installed WTForms."""
    from wtforms.i18n import messages_path

    ours = _read(ROOT / "translations" / "id" / "LC_MESSAGES" / "wtforms.po", "id")
    have = {m.id: m for m in ours if m.id}
    missing = [
        repr(m.id)
        for m in _read(Path(messages_path()) / "wtforms.pot")
        if m.id and (m.id not in have or not have[m.id].string or have[m.id].fuzzy)
    ]
    assert not missing, "translations/id/LC_MESSAGES/wtforms.po lacks:\n" + "\n".join(missing)
    assert not list(ours.check())


def test_no_message_is_defined_twice():
    """Branches append their English at the end of the catalogue and git merges it as a union:
    a message defined twice makes `msgfmt --check` fail and leaves which English wins to
    chance (babel keeps one silently)."""
    keys = re.findall(
        r'^(?:msgctxt ("(?:[^"\\]|\\.)*")\n)?msgid ((?:"(?:[^"\\]|\\.)*"\n?)+)',
        PO.read_text(encoding="utf-8"),
        flags=re.M,
    )
    seen, twice = set(), []
    for ctx, msgid in keys:
        key = (ctx, msgid.strip())
        if key[1] != '""' and key in seen:
            twice.append(msgid.strip()[:60])
        seen.add(key)
    assert twice == [], f"defined more than once in {PO.name}: {twice}"
