"""Notifications for communities: one in-app message per moderation decision (with an unread
count in the header), the same text for staff to send on WhatsApp, and e-mail through
Flask-Mail when SMTP is configured (``MAIL_SERVER``).

Lives below every feature (like ``audit``) so moderation and listings can both use it.
Nothing here commits; e-mail is sent by the caller after its commit.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from .clock import now as clock_now
from .db import UTCDateTime
from .extensions import db

log = logging.getLogger(__name__)


class Notification(db.Model):
    """A message to a community (``community_id``), optionally about one listing.

    ``kind`` is a short machine word (``listing.approve``…); ``message`` the Indonesian text
    shown in the portal and offered to staff for WhatsApp. ``read_at`` is None until a
    member of the community opened the notifications page.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_community_read", "community_id", "read_at"),
        # A round reminder ("round.<event>#<round id>") is written once per community, even
        # when two page loads or two cron runs compute it at the same instant.
        sa.Index(
            "uq_notifications_reminder_once",
            "community_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("kind LIKE 'round.%'"),
            postgresql_where=sa.text("kind LIKE 'round.%'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    listing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("listings.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    message: Mapped[str] = mapped_column(sa.Text)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notification {self.kind} c{self.community_id}>"


def notify(
    community_id: int, message: str, *, kind: str, at: datetime, listing_id: int | None = None
) -> Notification:
    """Add a notification to the session (flushes, no commit)."""
    n = Notification(
        community_id=community_id, listing_id=listing_id, kind=kind, message=message, created_at=at
    )
    db.session.add(n)
    db.session.flush([n])
    return n


def _for_reader(community_id: int, listings):
    """The community's notifications; with ``listings`` (a SELECT of listing ids the reader
    keeps: a member who is not the coordinator, #14 roles) only the ones about those
    listings and the community-wide ones (round reminders)."""
    clause = Notification.community_id == community_id
    if listings is not None:
        clause = sa.and_(
            clause, sa.or_(Notification.listing_id.is_(None), Notification.listing_id.in_(listings))
        )
    return clause


def unread_count(community_id: int, listings=None) -> int:
    return db.session.execute(
        sa.select(sa.func.count(Notification.id)).where(
            _for_reader(community_id, listings), Notification.read_at.is_(None)
        )
    ).scalar_one()


def for_community(community_id: int, limit: int = 100, listings=None) -> list[Notification]:
    """The community's notifications (see ``_for_reader`` for ``listings``), newest first."""
    return list(
        db.session.execute(
            sa.select(Notification)
            .where(_for_reader(community_id, listings))
            .order_by(Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def mark_all_read(community_id: int, at: datetime, listings=None) -> int:
    """Mark every unread notification the reader sees read; returns how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(_for_reader(community_id, listings), Notification.read_at.is_(None))
        .values(read_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def latest_for_listing(listing_id: int) -> Notification | None:
    return db.session.execute(
        sa.select(Notification)
        .where(Notification.listing_id == listing_id)
        .order_by(Notification.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_email(recipients: list[str], subject: str, body: str) -> bool:
    """Send a plain-text e-mail when SMTP is configured; returns whether it was sent.

    Call after the commit. A failing SMTP server is logged, never raised: the decision
    already stands and the in-app notification carries the same text.
    """
    recipients = [r for r in recipients if r]
    if not recipients or not mail_configured():
        return False
    from flask_mail import Message

    from .extensions import mail

    try:
        mail.send(Message(subject=subject, recipients=recipients, body=body))
    except Exception:  # noqa: BLE001 - SMTP trouble must not turn a saved decision into a 500
        log.exception("e-mail to %d recipient(s) failed", len(recipients))
        return False
    return True


APPROVE_KIND = "listing.approve"


def approval_text(title: str, round_title: str, publishes_at: datetime, now: datetime) -> str:
    """The first line of an approval notification: "already in the catalogue" once the round
    is published at ``now``, else the promise of its publication time (in WIB)."""
    from flask_babel import gettext as _

    from .formatting import wib

    if now >= publishes_at:
        return _("Produk \"%(title)s\" disetujui dan sudah tampil di katalog.", title=title)
    return _(
        "Produk \"%(title)s\" disetujui untuk %(round)s dan tampil di katalog mulai %(at)s.",
        title=title,
        round=round_title,
        at=wib(publishes_at),
    )


def current_message(
    n: Notification, *, title: str, round_title: str, publishes_at: datetime, now: datetime
) -> str:
    """The text to show or forward now: an approval written before its round was published
    (on schedule or by "publish now") no longer promises a date once it is public; the
    stored text stays as it was sent (moderator's note and explanation lines kept)."""
    if n.kind != APPROVE_KIND or now < publishes_at:
        return n.message
    _first, sep, rest = n.message.partition("\n")
    return approval_text(title, round_title, publishes_at, now) + (sep + rest if sep else "")
