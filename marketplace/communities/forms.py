"""The join request form (a hidden honeypot field catches form-filling bots)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField


class JoinForm(FlaskForm):
    name = StringField(_l("Nama Anda"))
    whatsapp = StringField(_l("Nomor WhatsApp"))
    sells = TextAreaField(_l("Apa yang Anda jual?"))
    website = StringField(_l("Kosongkan kolom ini"))  # honeypot: people never see it


class DecideForm(FlaskForm):
    """Just the CSRF token (accept/decline buttons)."""


class ImportForm(FlaskForm):
    """The spreadsheet upload (judged by content in ``imports.read_table``)."""

    file = FileField(_l("File CSV atau XLSX"))


class ImportConfirmForm(FlaskForm):
    """The dry run's rows, signed (``imports.seal``), sent back to confirm the import."""

    rows = HiddenField()
