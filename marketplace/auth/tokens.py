"""Signed, expiring links (invitations, password resets): one serializer per purpose (salt),
timestamped by the app clock so tests pin expiry without sleeping."""

from __future__ import annotations

from flask import current_app
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from ..clock import now as clock_now


class ClockSigner(TimestampSigner):
    """Timestamps from the app clock (tests pin it; no sleeping to see a link expire)."""

    def get_timestamp(self) -> int:
        return int(clock_now().timestamp())


def serializer(salt: str) -> URLSafeTimedSerializer:
    """The URL-safe serializer for one purpose; signed with ``SECRET_KEY``. ``loads`` raises
    itsdangerous' SignatureExpired / BadSignature."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=ClockSigner)
