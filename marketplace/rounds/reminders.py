"""The round's rhythm from the clock: when a round opens, three days and one day before it
closes, and when it publishes, every verified community gets one in-app notification (and
an e-mail when configured). Computed whenever ``flask rounds remind`` runs (safe every minute
from cron): a reminder is due from its instant until the round's next stage, and it is sent
once per community (the notification's ``kind`` carries event and round id). Nothing here
commits; ``send_due`` returns the e-mails for the caller to send after its commit.

Also the staff's WhatsApp broadcast text per round (deadline in WIB, the round's link).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..auth.models import Community, CommunityStatus, User
from ..extensions import db
from ..formatting import deadline, wib
from ..notifications import Notification, notify
from .models import Round

EVENTS = ("opened", "closes_3d", "closes_1d", "published")


def _window(rnd: Round, event: str) -> tuple[datetime, datetime]:
    """[due from, due until) of ``event`` in ``rnd`` (aware UTC)."""
    if event == "opened":
        return rnd.opens_at, rnd.closes_at
    if event == "closes_3d":
        return max(rnd.closes_at - timedelta(days=3), rnd.opens_at), rnd.closes_at
    if event == "closes_1d":
        return max(rnd.closes_at - timedelta(days=1), rnd.opens_at), rnd.closes_at
    return rnd.publishes_at, rnd.showcase_ends_at


def due_events(rnd: Round, now: datetime) -> list[str]:
    """The events of ``rnd`` whose reminder is due at ``now``; of the two "closes" ones only
    the latest (a round created two days before it closes gets "1 day", not both)."""
    due = [e for e in EVENTS if _window(rnd, e)[0] <= now < _window(rnd, e)[1]]
    if "closes_1d" in due and "closes_3d" in due:
        due.remove("closes_3d")
    if "opened" in due and ("closes_1d" in due or "closes_3d" in due):
        due.remove("opened")
    return due


def kind_of(event: str, rnd: Round) -> str:
    """The notification kind that marks this reminder sent (≤ 40 characters)."""
    return f"round.{event}#{rnd.id}"


def reminder_text(rnd: Round, event: str) -> str:
    """The Indonesian text of one reminder (also the base of the WhatsApp broadcast)."""
    with force_locale("id"):
        if event == "opened":
            return _(
                "%(r)s sudah dibuka. Ajukan produk sebelum %(d)s.",
                r=rnd.title,
                d=deadline(rnd.closes_at),
            )
        if event in ("closes_3d", "closes_1d"):
            return _(
                "%(r)s ditutup %(d)s. Pastikan produk Anda sudah diajukan.",
                r=rnd.title,
                d=deadline(rnd.closes_at),
            )
        return _("%(r)s sudah tayang. Produk yang disetujui kini tampil di katalog.", r=rnd.title)


@dataclass
class Sent:
    """One reminder written: which community, which event, the e-mail recipients."""

    community_id: int
    round_id: int
    event: str
    recipients: list[str]
    text: str


def send_due(now: datetime) -> list[Sent]:
    """Write every reminder due at ``now`` that was not written before (flushes, no commit)."""
    rounds = list(
        db.session.execute(
            sa.select(Round).where(Round.opens_at <= now, Round.showcase_ends_at > now)
        ).scalars()
    )
    if not rounds:
        return []
    communities = list(
        db.session.execute(
            sa.select(Community.id).where(Community.status == CommunityStatus.VERIFIED)
        ).scalars()
    )
    sent: list[Sent] = []
    for rnd in rounds:
        for event in due_events(rnd, now):
            kind = kind_of(event, rnd)
            done = set(
                db.session.execute(
                    sa.select(Notification.community_id).where(Notification.kind == kind)
                ).scalars()
            )
            text = reminder_text(rnd, event)
            for cid in communities:
                if cid in done:
                    continue
                notify(cid, text, kind=kind, at=now)
                emails = list(
                    db.session.execute(
                        sa.select(User.email).where(User.community_id == cid, User.active.is_(True))
                    ).scalars()
                )
                sent.append(Sent(cid, rnd.id, event, emails, text))
    return sent


def broadcast_text(rnd: Round, link: str, now: datetime) -> str:
    """One message for staff to paste into the communities' WhatsApp groups."""
    with force_locale("id"):
        return _(
            "📢 %(r)s — Etalase UMKM\nPengajuan dibuka %(o)s dan ditutup %(d)s.\n"
            "Tayang %(p)s.\nAjukan produk komunitas Anda: %(link)s",
            r=rnd.title,
            o=wib(rnd.opens_at),
            d=deadline(rnd.closes_at),
            p=wib(rnd.publishes_at),
            link=link,
        )
