"""What a community is told of staff decisions about itself (verified, suspended, a business
change or a permit check decided): an in-app notification in the same transaction, and,
after the commit, an e-mail to its active members (when SMTP is configured) and a
WhatsApp-ready link to its contact number for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..auth.models import Community, User
from ..extensions import db
from ..notifications import Notification, notify, send_email
from ..whatsapp import wa_me_url

# Notification kinds of community-level notices (no listing): the staff community page
# offers the latest one for WhatsApp.
COMMUNITY_KINDS = ("community.verify", "community.suspend", "business_change", "business.permits")


@dataclass
class Notice:
    """A notice written to a community: ``message`` (Indonesian, as stored), the e-mail's
    ``subject`` and ``recipients`` (active members' addresses)."""

    community_id: int
    kind: str
    subject: str
    message: str
    recipients: list[str]


def tell_community(
    community_id: int, message: str, *, kind: str, subject: str, now: datetime
) -> Notice:
    """Add the in-app notification (flushes, no commit) and return the Notice whose e-mail
    the caller sends after its commit (``send_notice``)."""
    notify(community_id, message, kind=kind, at=now)
    recipients = list(
        db.session.execute(
            sa.select(User.email)
            .where(User.community_id == community_id, User.active.is_(True))
            .order_by(User.id)
        ).scalars()
    )
    return Notice(community_id, kind, subject, message, recipients)


def send_notice(notice: Notice | None) -> bool:
    """After the commit: e-mail the notice (False when nothing was sent: no notice, no SMTP,
    no member address, or the server failed, which is logged)."""
    if notice is None:
        return False
    return send_email(notice.recipients, notice.subject, notice.message)


def status_notice(community: Community, action: str, *, text: str | None, now: datetime) -> Notice:
    """The notice of a verification (``action="verify"``, ``text`` the staff's optional note)
    or a suspension (``"suspend"``, ``text`` the reason), in Indonesian."""
    with force_locale("id"):
        if action == "verify":
            message = _(
                "Komunitas %(name)s sudah terverifikasi. Anggota kini dapat mengajukan produk "
                "ke periode yang dibuka.",
                name=community.name,
            )
            subject = _("Komunitas %(name)s terverifikasi", name=community.name)
        else:
            message = _(
                "Komunitas %(name)s ditangguhkan: untuk sementara tidak dapat mengajukan produk.",
                name=community.name,
            )
            subject = _("Komunitas %(name)s ditangguhkan", name=community.name)
        if text:
            label = _("Catatan") if action == "verify" else _("Alasan")
            message += f"\n{label}: {text}"
    return tell_community(
        community.id, message, kind=f"community.{action}", subject=subject, now=now
    )


def latest_community_notice(community: Community) -> tuple[Notification, str | None] | None:
    """The community's latest community-level notification and a ``wa.me`` link carrying its
    text to the community's contact number (None without a number), or None."""
    n = db.session.execute(
        sa.select(Notification)
        .where(
            Notification.community_id == community.id,
            Notification.listing_id.is_(None),
            Notification.kind.in_(COMMUNITY_KINDS),
        )
        .order_by(Notification.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if n is None:
        return None
    link = wa_me_url(community.contact_phone, n.message) if community.contact_phone else None
    return n, link
