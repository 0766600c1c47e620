"""``/api/v1/openapi.json`` (the contract) and ``/api/v1/docs`` (the same document rendered
on the server: no script, no CDN)."""

from __future__ import annotations

from flask import render_template, request

from ..catalogue.urls import absolute
from . import bp
from .http import json_response
from .openapi import document


def _document() -> dict:
    return document(absolute("/"))


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document (JSON)."""
    return json_response(_document(), max_age=300)


@bp.get("/docs")
def docs():
    """The document as a page: each operation, its parameters, answers and schemas."""
    doc = _document()
    schemas = doc["components"]["schemas"]
    return render_template(
        "api/docs.html",
        doc=doc,
        schemas=schemas,
        json_url=absolute(request.script_root + "/api/v1/openapi.json"),
    )
