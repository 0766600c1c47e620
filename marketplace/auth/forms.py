"""Flask-WTF forms for sign-up and login. Parsing of typed values happens in services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(_l("E-mail wajib diisi."))])
    password = PasswordField(
        _l("Kata sandi"), validators=[InputRequired(_l("Kata sandi wajib diisi."))]
    )
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class SignupForm(FlaskForm):
    community_name = StringField(_l("Nama komunitas"))
    district_id = SelectField(_l("Kecamatan"), coerce=int, validate_choice=False)
    description = TextAreaField(_l("Tentang komunitas"))
    instagram = StringField(_l("Instagram komunitas"))
    contact_name = StringField(_l("Nama Anda (koordinator)"))
    contact_phone = StringField(_l("Nomor WhatsApp Anda"))
    email = EmailField(_l("E-mail"))
    password = PasswordField(_l("Kata sandi"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Kata sandi saat ini"))
    new_password = PasswordField(_l("Kata sandi baru"))
    confirm_password = PasswordField(_l("Ulangi kata sandi baru"))


class ReauthForm(FlaskForm):
    password = PasswordField(
        _l("Kata sandi"), validators=[InputRequired(_l("Kata sandi wajib diisi."))]
    )


class CodeForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[InputRequired(_l("Kode wajib diisi."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(_l("E-mail wajib diisi."))])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("Kata sandi baru"))
    confirm_password = PasswordField(_l("Ulangi kata sandi baru"))


class IssueResetForm(FlaskForm):
    """Staff: make a one-time reset link for a community user (no fields but the token)."""
