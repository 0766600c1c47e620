"""WTForms' own validation messages ("Not a valid choice.") in the reader's language.

WTForms ships no Indonesian, so Flask-WTF would show them in English on Indonesian pages.
``translations/id/LC_MESSAGES/wtforms.po`` holds them in Indonesian; in English the source
strings are shown as WTForms wrote them. ``install`` points every ``FlaskForm`` at this.
"""

from __future__ import annotations

from babel.support import NullTranslations, Translations
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm

_NULL = NullTranslations()
_cache: dict[tuple[str, str], NullTranslations] = {}


def _current() -> NullTranslations:
    if not has_request_context():
        return _NULL
    locale = str(get_locale() or "id")
    directory = current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0]
    key = (directory, locale)
    if key not in _cache:
        _cache[key] = Translations.load(directory, [locale], domain="wtforms")
    return _cache[key]


class WTFormsTranslations:
    """The ``gettext``/``ngettext`` pair WTForms asks a form's meta for."""

    def gettext(self, string: str) -> str:
        return _current().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _current().ungettext(singular, plural, n)


TRANSLATIONS = WTFormsTranslations()


def install() -> None:
    """Make every FlaskForm use ``TRANSLATIONS`` (Flask-WTF offers no setting for this)."""
    FlaskForm.Meta.get_translations = lambda self, form: TRANSLATIONS
