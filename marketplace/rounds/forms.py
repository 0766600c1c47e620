"""The round form. Times are typed in WIB in ``<input type="datetime-local">`` and come back
naive; the view converts them with ``clock.from_wib`` before calling the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def wib_field(label, required: bool = True) -> DateTimeLocalField:
    validators = [InputRequired(_l("Isi tanggal dan jam (WIB)."))] if required else [Optional()]
    return DateTimeLocalField(
        label,
        format=FORMATS,
        validators=validators,
        invalid_value_message=_l("Tanggal dan jam tidak dikenali. Contoh: 2026-12-01 08:00."),
    )


class RoundForm(FlaskForm):
    name = StringField(_l("Nama periode (tidak wajib)"))
    opens_at = wib_field(_l("Dibuka (WIB)"))
    closes_at = wib_field(_l("Ditutup (WIB)"))
    publishes_at = wib_field(_l("Tayang (WIB)"))
    showcase_ends_at = wib_field(_l("Akhir etalase (WIB, tidak wajib)"), required=False)
    quota = IntegerField(
        _l("Kuota per komunitas"),
        invalid_value_message=_l("Kuota harus berupa angka."),
        validators=[InputRequired(_l("Isi kuota per komunitas."))],
    )
    submit = SubmitField(_l("Simpan"))


class ConfirmForm(FlaskForm):
    """Just the CSRF token and a button (the publish-now confirmation)."""

    submit = SubmitField(_l("Ya, tayangkan sekarang"))


WEEKDAY_CHOICES = [
    SelectChoice(i, label)
    for i, label in enumerate(
        [_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"), _l("Minggu")]
    )
]


class ScheduleForm(FlaskForm):
    """The next N rounds on the bi-weekly rule; defaults come from ``rounds.services.Cadence``."""

    count = IntegerField(
        _l("Jumlah periode"),
        invalid_value_message=_l("Jumlah harus berupa angka."),
        validators=[InputRequired(_l("Isi jumlah periode."))],
    )
    first_opens_at = wib_field(_l("Periode pertama dibuka (WIB)"))
    every_days = IntegerField(
        _l("Jarak antar-periode (hari)"),
        invalid_value_message=_l("Jarak harus berupa angka."),
        validators=[InputRequired(_l("Isi jarak antar-periode."))],
    )
    closes_weekday = SelectField(_l("Ditutup hari"), coerce=int, choices=WEEKDAY_CHOICES)
    closes_time = TimeField(
        _l("Ditutup jam (WIB)"), validators=[InputRequired(_l("Isi jam tutup."))]
    )
    publishes_weekday = SelectField(_l("Tayang hari"), coerce=int, choices=WEEKDAY_CHOICES)
    publishes_time = TimeField(
        _l("Tayang jam (WIB)"), validators=[InputRequired(_l("Isi jam tayang."))]
    )
    showcase_days = IntegerField(
        _l("Lama etalase (hari)"),
        invalid_value_message=_l("Isi angka."),
        validators=[InputRequired(_l("Isi lama etalase."))],
    )
    quota = IntegerField(
        _l("Kuota per komunitas"),
        invalid_value_message=_l("Kuota harus berupa angka."),
        validators=[InputRequired(_l("Isi kuota per komunitas."))],
    )
    submit = SubmitField(_l("Jadwalkan"))


class QuotaOverrideForm(FlaskForm):
    """Staff: one community's quota in one round (empty quota: back to the round's)."""

    community_id = SelectField(_l("Komunitas"), coerce=int, validate_choice=False)
    quota = IntegerField(
        _l("Kuota komunitas ini (kosongkan untuk kuota periode)"),
        invalid_value_message=_l("Kuota harus berupa angka."),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Simpan kuota"))


class LateCodeForm(FlaskForm):
    """Staff: a late-entry code for one community, valid until a time in WIB."""

    community_id = SelectField(_l("Komunitas"), coerce=int, validate_choice=False)
    valid_until = wib_field(_l("Berlaku sampai (WIB)"))
    submit = SubmitField(_l("Buat kode susulan"))


class LateCodeRedeemForm(FlaskForm):
    """A community types the late-entry code staff sent it."""

    code = StringField(_l("Kode susulan"), validators=[InputRequired(_l("Isi kode susulan."))])


class MarkSentForm(FlaskForm):
    """Just the CSRF token (the "tandai terkirim" buttons carry event and community)."""
