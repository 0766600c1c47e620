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
from flask_babel import lazy_gettext as _l

from .. import audit
from ..audit.labels import register_labels
from ..auth.models import Community, CommunityStatus, User
from ..errors import InvalidInput
from ..extensions import db
from ..formatting import deadline, wib
from ..notifications import Notification, notify
from .models import ReminderMark, Round

register_labels({"reminder.whatsapp_sent": _l("Pengingat WhatsApp ditandai terkirim")})

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
                try:  # a run at the same instant wrote it first: the unique index says so
                    with db.session.begin_nested():
                        notify(cid, text, kind=kind, at=now)
                except sa.exc.IntegrityError:
                    continue
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


# --- shown on page load, and the staff's WhatsApp list ------------------------------------------


@dataclass
class Due:
    """A reminder due at an instant: its round, event and Indonesian text."""

    round: Round
    event: str
    text: str


def due_now(now: datetime) -> list[Due]:
    """The reminders due at ``now`` (what the portal shows on every page load, from the
    clock alone: nothing is written, so the text is right even before cron ran)."""
    rounds = db.session.execute(
        sa.select(Round)
        .where(Round.opens_at <= now, Round.showcase_ends_at > now)
        .order_by(Round.opens_at)
    ).scalars()
    return [Due(r, e, reminder_text(r, e)) for r in rounds for e in due_events(r, now)]


def page_event(rnd: Round, now: datetime) -> str:
    """The event the staff's WhatsApp page is about: the latest one due, else the opening
    (announced ahead) before it opens, else the publication."""
    due = due_events(rnd, now)
    if due:
        return due[-1]
    return "opened" if now < rnd.opens_at else "published"


def marks(rnd: Round, event: str) -> dict[int | None, ReminderMark]:
    """community id (None: the group broadcast) → its "terkirim" mark for this event."""
    rows = db.session.execute(
        sa.select(ReminderMark).where(ReminderMark.round_id == rnd.id, ReminderMark.event == event)
    ).scalars()
    return {m.community_id: m for m in rows}


def mark_sent(
    rnd: Round, event: str, community_id: int | None, *, actor: User, now: datetime
) -> bool:
    """Mark the broadcast (``community_id`` None) or one community's message "terkirim";
    audited; False when it was marked already (nothing written then). Raises InvalidInput
    for an unknown event or community."""
    if event not in EVENTS:
        raise InvalidInput(_("Pengingat tidak dikenal."))
    if community_id is not None and db.session.get(Community, community_id) is None:
        raise InvalidInput(_("Komunitas tidak dikenal."))
    if community_id in marks(rnd, event):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderMark(
                    round_id=rnd.id,
                    event=event,
                    community_id=community_id,
                    sent_at=now,
                    sent_by_id=actor.id,
                )
            )
    except sa.exc.IntegrityError:  # another staff member marked it at the same moment
        return False
    audit.record(
        "reminder.whatsapp_sent",
        actor=actor,
        object_type="round",
        object_id=rnd.id,
        community_id=community_id,
        at=now,
        details={"event": event, "broadcast": community_id is None},
    )
    return True


def whatsapp_list(rnd: Round, event: str) -> list[tuple[Community, str | None]]:
    """Every verified community with its one-tap WhatsApp link (to its contact number;
    None without one) carrying this event's text."""
    from ..whatsapp import wa_me_url

    text = reminder_text(rnd, event)
    rows = db.session.execute(
        sa.select(Community)
        .where(Community.status == CommunityStatus.VERIFIED)
        .order_by(Community.name)
    ).scalars()
    return [(c, wa_me_url(c.contact_phone, text) if c.contact_phone else None) for c in rows]
