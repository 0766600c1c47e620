"""The staff second factor: TOTP (RFC 6238, 6 digits, 30 s) and single-use recovery codes.

Enrolment: ``new_secret()`` is shown to the user (secret, ``otpauth://`` URI, QR code) and
kept only in their session until ``enable()`` sees a valid code from the app; then the
secret is stored, ten recovery codes are generated and returned once (only their hashes are
stored). A code is accepted for the current step ±1 (clock drift) and only once: the last
used step is stored, so a code seen over someone's shoulder cannot be replayed.
Time comes from ``now`` (the app clock). Nothing here commits.
"""

from __future__ import annotations

import base64
import hmac
import io
import re
import secrets
from datetime import datetime

import pyotp
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from .models import RecoveryCode, User

ISSUER = "Etalase UMKM"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config.get("SITE_NAME") or ISSUER
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str | None:
    """The URI as a QR code, an SVG ``data:`` URI for an ``<img>`` (None if qrcode is absent)."""
    try:
        import qrcode
        import qrcode.image.svg
    except ImportError:  # pragma: no cover - qrcode is optional
        return None
    buf = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def _clean_code(code: str | None) -> str:
    return re.sub(r"\s+", "", code or "")


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step (current ±1) whose code equals ``code``, else None."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def check_code(user: User, code: str | None, *, now: datetime) -> bool:
    """True for a valid TOTP code not used before (marks its step used), or an unused
    recovery code (marks it used). Audits success and failure."""
    code = _clean_code(code)
    ok = False
    if user.has_second_factor:
        step = _matching_step(user.totp_secret, code, now)
        if step is not None and step > (user.totp_last_step or -1):
            user.totp_last_step = step
            ok = True
        elif step is None and _use_recovery_code(user, code, now):
            ok = True
    audit.record(
        "auth.second_factor" if ok else "auth.second_factor_failed",
        actor=user,
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return ok


def _use_recovery_code(user: User, code: str, now: datetime) -> bool:
    code = code.lower().replace("-", "")
    if not re.fullmatch(f"[{_ALPHABET}]{{10}}", code):
        return False
    for rc in user.recovery_codes:
        if rc.used_at is None and check_password_hash(rc.code_hash, code):
            rc.used_at = now
            audit.record(
                "auth.recovery_code_used",
                actor=user,
                object_type="user",
                object_id=user.id,
                at=now,
                details={"left": sum(1 for r in user.recovery_codes if r.used_at is None)},
            )
            return True
    return False


def remaining_recovery_codes(user: User) -> int:
    return sum(1 for rc in user.recovery_codes if rc.used_at is None)


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    """Replace every recovery code with ten new ones; returns them as ``xxxxx-xxxxx``."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    user.recovery_codes.clear()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        user.recovery_codes.append(
            RecoveryCode(code_hash=generate_password_hash(raw, method=method), created_at=now)
        )
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def enable(user: User, secret: str, code: str | None, *, now: datetime) -> list[str] | None:
    """Confirm enrolment with a code from the app: store the secret, return the recovery
    codes (shown once). None when the code is wrong (nothing changes then)."""
    step = _matching_step(secret, _clean_code(code), now)
    if step is None:
        audit.record(
            "auth.second_factor_failed",
            actor=user,
            object_type="user",
            object_id=user.id,
            at=now,
            details={"enrolment": True},
        )
        return None
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, now, step
    codes = _new_recovery_codes(user, now)
    audit.record(
        "auth.second_factor_enabled", actor=user, object_type="user", object_id=user.id, at=now
    )
    return codes


def regenerate_recovery_codes(user: User, *, now: datetime) -> list[str]:
    codes = _new_recovery_codes(user, now)
    audit.record(
        "auth.recovery_codes_renewed", actor=user, object_type="user", object_id=user.id, at=now
    )
    return codes


def reset(user: User, *, actor: User | None, now: datetime) -> None:
    """Remove the second factor (a lost phone and no recovery code): the user enrols again."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.recovery_codes.clear()
    audit.record(
        "auth.second_factor_reset", actor=actor, object_type="user", object_id=user.id, at=now
    )


def required_for(user: User) -> bool:
    """Staff must have (and have checked) a second factor: when enrolled, or by config."""
    return user.is_staff and (
        user.has_second_factor or current_app.config.get("STAFF_REQUIRE_2FA", False)
    )
