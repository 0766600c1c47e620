"""Flask-WTF forms for businesses and listings. Values are parsed by the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    MultipleFileField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)


class BusinessForm(FlaskForm):
    name = StringField(_l("Nama usaha"))
    owner_name = StringField(_l("Nama pemilik"))
    district_id = SelectField(_l("Kecamatan"), coerce=int, validate_choice=False)
    whatsapp = StringField(_l("Nomor WhatsApp"))
    instagram = StringField(_l("Instagram"))
    tokopedia_url = StringField(_l("Tautan Tokopedia"))
    shopee_url = StringField(_l("Tautan Shopee"))
    nib = StringField(_l("NIB (Nomor Induk Berusaha)"))
    halal_number = StringField(_l("Nomor sertifikat halal"))
    halal_expires_on = StringField(_l("Sertifikat halal berlaku sampai"))
    pirt_number = StringField(_l("Nomor P-IRT"))
    pirt_expires_on = StringField(_l("P-IRT berlaku sampai"))
    story = TextAreaField(_l("Cerita singkat usaha"))


class ListingForm(FlaskForm):
    business_id = SelectField(_l("Usaha"), coerce=int, validate_choice=False)
    title = StringField(_l("Nama produk"))
    category_id = SelectField(_l("Kategori"), coerce=int, validate_choice=False)
    price = StringField(_l("Harga"))
    unit = SelectField(_l("Satuan"), validate_choice=False)
    description = TextAreaField(_l("Deskripsi"))
    photos = MultipleFileField(_l("Foto produk"))
    form_key = HiddenField()  # one-time key of a new-listing form (see Listing.form_key)


class ActionForm(FlaskForm):
    """A bare form for one-button POSTs (submit, withdraw): only the CSRF token."""


class InviteForm(FlaskForm):
    email = StringField(_l("E-mail anggota baru"))


class AcceptInviteForm(FlaskForm):
    name = StringField(_l("Nama Anda"))
    password = PasswordField(_l("Kata sandi"))
