"""Flask-WTF forms for staff: decisions on a listing, take-downs, community verification.

Forms only carry what was typed; reasons, lengths and states are checked in services.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

DECISION_CHOICES = [
    SelectChoice("approve", _l("Setujui")),
    SelectChoice("request_changes", _l("Minta perbaikan")),
    SelectChoice("reject", _l("Tolak")),
]


class DecisionForm(FlaskForm):
    """Approve / request changes / reject (or take down) the version the moderator saw.

    ``reason_id`` choices are set by the view from the active preset reasons (0 = none).
    """

    action = RadioField(
        _l("Keputusan"),
        choices=DECISION_CHOICES + [SelectChoice("take_down", _l("Turunkan"))],
        validate_choice=False,
        validators=[InputRequired(_l("Pilih keputusan."))],
    )
    reason_id = SelectField(_l("Alasan"), coerce=int, validate_choice=False, default=0)
    reason_text = StringField(_l("Alasan lain (tulis sendiri)"))
    note = TextAreaField(_l("Catatan untuk komunitas"))
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    save = SubmitField(_l("Simpan"))
    save_next = SubmitField(_l("Simpan & berikutnya"))


class VerifyForm(FlaskForm):
    note = StringField(_l("Catatan (tidak wajib)"))
    submit = SubmitField(_l("Verifikasi komunitas"))


class SuspendForm(FlaskForm):
    reason = StringField(_l("Alasan penangguhan"))
    submit = SubmitField(_l("Tangguhkan"))


class ConfirmBulkForm(FlaskForm):
    """Bulk approve: the CSRF token; the picked listings come as ``pilih-<id>`` = version."""

    confirm = SubmitField(_l("Ya, setujui"))


class ReleaseForm(FlaskForm):
    """Release my claim on a listing (the CSRF token only)."""

    submit = SubmitField(_l("Lepaskan untuk moderator lain"))


class PermitForm(FlaskForm):
    nib_checked = BooleanField(_l("NIB sudah diperiksa"))
    pirt_checked = BooleanField(_l("P-IRT sudah diperiksa"))
    halal_checked = BooleanField(_l("Sertifikat halal sudah diperiksa"))
    # permits.permits_seen of the page: a number changed meanwhile is refused, not checked
    seen = HiddenField()
    submit = SubmitField(_l("Simpan pemeriksaan izin"))


class ReasonForm(FlaskForm):
    label = StringField(_l("Label singkat"))
    explanation = TextAreaField(_l("Penjelasan untuk komunitas"))
    sort_order = IntegerField(
        _l("Urutan"), default=0, invalid_value_message=_l("Urutan harus berupa angka.")
    )
    is_active = BooleanField(_l("Aktif (muncul di pilihan moderator)"), default=True)
    submit = SubmitField(_l("Simpan alasan"))


class BusinessChangeForm(FlaskForm):
    """Approve or refuse one pending business change, as of the version the moderator saw."""

    version = IntegerField(widget=HiddenInput())
    reason = TextAreaField(_l("Alasan (wajib bila ditolak)"))
    approve = SubmitField(_l("Setujui perubahan"))
    refuse = SubmitField(_l("Tolak perubahan"))
