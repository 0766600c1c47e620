"""The join request form (a hidden honeypot field catches form-filling bots)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField


class JoinForm(FlaskForm):
    name = StringField(_l("Nama Anda"))
    whatsapp = StringField(_l("Nomor WhatsApp"))
    sells = TextAreaField(_l("Apa yang Anda jual?"))
    website = StringField(_l("Kosongkan kolom ini"))  # honeypot: people never see it


class DecideForm(FlaskForm):
    """Just the CSRF token (accept/decline buttons)."""
