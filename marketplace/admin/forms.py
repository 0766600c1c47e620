"""Flask-WTF forms for administration. Forms carry what was typed; the services check it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    ColorField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

WEEKDAY_CHOICES = [
    SelectChoice(i, name)
    for i, name in enumerate(
        (_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"), _l("Minggu"))
    )
]
ROLE_CHOICES = [SelectChoice("moderator", _l("Moderator")), SelectChoice("admin", _l("Admin"))]


def _int(label):
    return IntegerField(
        label,
        invalid_value_message=_l("Isi angka."),
        validators=[InputRequired(_l("Wajib diisi."))],
    )


class SettingsForm(FlaskForm):
    agency_name = StringField(_l("Nama dinas (di slide dan caption)"))
    brand_color = ColorField(_l("Warna utama (latar slide)"))
    accent_color = ColorField(_l("Warna aksen (harga, tagar)"))
    text_color = ColorField(_l("Warna teks di atas warna utama"))
    hashtags = StringField(_l("Tagar (dipisah spasi, paling banyak 30)"))
    instagram_handle = StringField(_l("Akun Instagram dinas (opsional)"))
    default_quota = _int(_l("Kuota bawaan per komunitas"))
    cadence_every_days = _int(_l("Jarak antar-periode (hari)"))
    cadence_opens_weekday = SelectField(_l("Dibuka hari"), coerce=int, choices=WEEKDAY_CHOICES)
    cadence_opens_time = TimeField(
        _l("Dibuka jam (WIB)"), validators=[InputRequired(_l("Isi jam."))]
    )
    cadence_closes_weekday = SelectField(_l("Ditutup hari"), coerce=int, choices=WEEKDAY_CHOICES)
    cadence_closes_time = TimeField(
        _l("Ditutup jam (WIB)"), validators=[InputRequired(_l("Isi jam."))]
    )
    cadence_publishes_weekday = SelectField(_l("Tayang hari"), coerce=int, choices=WEEKDAY_CHOICES)
    cadence_publishes_time = TimeField(
        _l("Tayang jam (WIB)"), validators=[InputRequired(_l("Isi jam."))]
    )
    cadence_showcase_days = _int(_l("Lama etalase (hari)"))
    submit = SubmitField(_l("Simpan pengaturan"))


class CategoryForm(FlaskForm):
    name = StringField(_l("Nama kategori"))
    submit = SubmitField(_l("Simpan"))


class StaffForm(FlaskForm):
    name = StringField(_l("Nama"))
    email = StringField(_l("E-mail"))
    role = SelectField(_l("Peran"), choices=ROLE_CHOICES)
    password = PasswordField(_l("Kata sandi awal (paling sedikit 8 karakter)"))
    submit = SubmitField(_l("Buat akun staf"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Peran"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Ubah peran"))


class ConfirmForm(FlaskForm):
    """The CSRF token and a button (move, retire, deactivate…)."""

    reason = StringField(_l("Alasan (opsional)"), validators=[Optional()])
    submit = SubmitField(_l("Ya"))
