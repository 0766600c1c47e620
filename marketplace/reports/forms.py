"""The shopper's report form and the staff queue's forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import HiddenInput

from .models import REASON_LABELS


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Alasan"),
        choices=[SelectChoice(k.value, label) for k, label in REASON_LABELS.items()],
        validate_choice=False,
    )
    note = TextAreaField(_l("Catatan (boleh kosong)"))
    submit = SubmitField(_l("Kirim laporan"))


class DismissForm(FlaskForm):
    dismiss = SubmitField(_l("Abaikan laporan"))


class TakeDownForm(FlaskForm):
    version = IntegerField(widget=HiddenInput())
    reason = TextAreaField(_l("Alasan untuk komunitas"))
    take_down = SubmitField(_l("Turunkan produk"))
