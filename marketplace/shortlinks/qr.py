"""QR codes as pixels, for slides and posters (``qrcode``, error correction M)."""

from __future__ import annotations

import qrcode
from PIL import Image


def qr_image(data: str, size: int, *, border: int = 2) -> Image.Image:
    """A black-on-white QR code of ``data``, ``size``×``size`` pixels (RGB) with a quiet zone
    of ``border`` modules; scaled with NEAREST so modules stay sharp."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    modules = code.get_matrix()
    n = len(modules)
    img = Image.new("1", (n, n), 1)
    img.putdata([0 if cell else 1 for row in modules for cell in row])
    return img.convert("RGB").resize((size, size), Image.Resampling.NEAREST)


def short_url(code: str) -> str:
    """The absolute ``/k/<code>`` URL: ``SITE_URL`` when set, else the request's root, else
    ``http://localhost`` (a kit built by the CLI without ``SITE_URL``)."""
    from flask import current_app, has_request_context, request

    base = current_app.config.get("SITE_URL") or (
        request.url_root if has_request_context() else "http://localhost/"
    )
    return base.rstrip("/") + "/k/" + code
