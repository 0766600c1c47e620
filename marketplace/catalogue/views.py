"""Public pages (placeholder until the catalogue is built)."""
from flask import render_template

from . import bp


@bp.route("/")
def home():
    return render_template("base.html")


@bp.route("/katalog")
def catalogue():
    return render_template("base.html")
