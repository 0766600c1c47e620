"""The kit editor's form: the CSRF token and the button; the per-listing fields
(``posisi-<id>``, ``masuk-<id>``) are read by the view because their names depend on the
round's listings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class SelectionForm(FlaskForm):
    submit = SubmitField(_l("Simpan pilihan dan urutan"))
