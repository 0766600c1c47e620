"""Filing a report (counted, never repeated), the queue's reads, and a moderator's answer:
dismiss (the listing comes back if reports hid it) or take down (moderation's decision flow,
the reason prefilled). Nothing here knows who reported."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import audit
from ..auth.models import User
from ..errors import InvalidInput, NotAllowed
from ..extensions import db
from ..inputs import clean_text
from ..listings.models import Listing
from ..moderation.decisions import Decided, decide
from .models import REASON_LABELS, Report, ReportReason, ReportStatus

MAX_NOTE = 500
MAX_NOTES_KEPT = 10


def hide_threshold() -> int:
    """Open fraud reports that hide a listing (``REPORT_HIDE_THRESHOLD``, default 3)."""
    return max(1, int(current_app.config.get("REPORT_HIDE_THRESHOLD", 3)))


REPORT_ONCE = "1 per day"


def _report_reason_text(kind: ReportReason) -> str:
    """The reason as the history shows it to the community ("Penipuan / nomor WhatsApp
    salah"), in Indonesian whoever reported; the code stays in the details."""
    from flask_babel import force_locale

    with force_locale("id"):
        return str(REASON_LABELS[kind])


def first_report_today(address: str | None, listing_id: int) -> bool:
    """True the first time today (a rolling day) that ``address`` reports ``listing_id``:
    only then does the report count, so one phone cannot reach ``REPORT_HIDE_THRESHOLD`` and
    hide a rival's listing on its own. Kept in the rate limiter's storage (memory or Redis,
    gone after a day), never in the database; with rate limiting off (tests, a local run)
    every report counts."""
    from limits import parse

    from ..extensions import limiter

    if not current_app.config.get("RATELIMIT_ENABLED", True) or not address:
        return True
    return limiter.limiter.hit(parse(REPORT_ONCE), "report-once", address, str(listing_id))


def file_report(listing: Listing, reason: str, note: str, *, now: datetime) -> Report:
    """Count a shopper's report on the public ``listing``: the open report of the same reason
    is counted up (its note kept if new, at most 10), else one is created. At the threshold
    of open fraud reports the listing is hidden (audited). Raises InvalidInput for an unknown
    reason or a note over 500 characters. Flushes, never commits."""
    try:
        kind = ReportReason(reason)
    except ValueError:
        raise InvalidInput(_("Pilih alasan laporan.")) from None
    text = clean_text(note, max_length=MAX_NOTE, field=_("Catatan"), multiline=True)
    report = db.session.execute(
        sa.select(Report).where(
            Report.listing_id == listing.id,
            Report.reason == kind,
            Report.status == ReportStatus.OPEN,
        )
    ).scalar_one_or_none()
    if report is None:
        report = Report(
            listing_id=listing.id, reason=kind, notes=[], count=0, created_at=now, last_at=now
        )
        db.session.add(report)
    # One UPDATE ... SET count = count + 1: two shoppers reporting at once both count.
    report.count = (Report.count + 1) if report.id else 1
    report.last_at = now
    if text and text not in (report.notes or []) and len(report.notes or []) < MAX_NOTES_KEPT:
        report.notes = [*(report.notes or []), text]
    db.session.flush()
    db.session.refresh(report, ["count"])
    audit.record(
        "report.file",
        object_type="listing",
        object_id=listing.id,
        community_id=listing.community_id,
        reason=_report_reason_text(kind),
        at=now,
        details={"report_id": report.id, "count": report.count, "reason_code": kind.value},
    )
    if (
        kind == ReportReason.FRAUD
        and listing.hidden_at is None
        and report.count >= hide_threshold()
    ):
        listing.hidden_at = now
        db.session.flush()
        audit.record(
            "report.hide",
            object_type="listing",
            object_id=listing.id,
            community_id=listing.community_id,
            at=now,
            details={"report_id": report.id, "count": report.count},
        )
    return report


def open_queue() -> list[tuple[Listing, list[Report]]]:
    """Listings with open reports, most reported first, then oldest report first."""
    reports = list(
        db.session.execute(
            sa.select(Report).where(Report.status == ReportStatus.OPEN).order_by(Report.id)
        ).scalars()
    )
    by_listing: dict[int, list[Report]] = {}
    for r in reports:
        by_listing.setdefault(r.listing_id, []).append(r)
    rows = [(rs[0].listing, rs) for rs in by_listing.values()]
    rows.sort(key=lambda row: (-sum(r.count for r in row[1]), min(r.created_at for r in row[1])))
    return rows


def _close(listing: Listing, status: ReportStatus, *, actor: User, now: datetime) -> list[Report]:
    reports = list(
        db.session.execute(
            sa.select(Report).where(
                Report.listing_id == listing.id, Report.status == ReportStatus.OPEN
            )
        ).scalars()
    )
    for r in reports:
        r.status, r.decided_by_id, r.decided_at = status, actor.id, now
    return reports


def dismiss_reports(listing: Listing, *, actor: User, now: datetime) -> int:
    """Close the listing's open reports without action; a listing the reports hid comes
    back (reversible). Returns how many were closed. Audited. Raises NotAllowed for a
    non-staff actor."""
    if actor is None or not actor.is_staff:
        raise NotAllowed()
    closed = _close(listing, ReportStatus.DISMISSED, actor=actor, now=now)
    was_hidden = listing.hidden_at is not None
    listing.hidden_at = None
    db.session.flush()
    audit.record(
        "report.dismiss",
        actor=actor,
        object_type="listing",
        object_id=listing.id,
        community_id=listing.community_id,
        at=now,
        details={"reports": [r.id for r in closed], "unhidden": was_hidden},
    )
    return len(closed)


def take_down_reason(reports: list[Report]) -> str:
    """The take-down reason prefilled from the reports (what the community is told)."""
    labels = ", ".join(str(REASON_LABELS[r.reason]) for r in reports)
    return _("Dilaporkan pembeli: %(reasons)s", reasons=labels)


def take_down_reported(
    listing: Listing, *, seen_version: int, reason: str, actor: User, now: datetime
) -> Decided:
    """Take the listing down through moderation's ``decide`` (audited, the community
    notified with the reason, never who reported), and close its open reports. Raises what
    ``decide`` raises (StaleVersion, FormErrors, InvalidTransition, NotAllowed)."""
    listing.hidden_at = None  # removed now: the status says so
    decided = decide(
        listing,
        "take_down",
        moderator=actor,
        seen_version=seen_version,
        reason_text=reason,
        now=now,
    )
    closed = _close(listing, ReportStatus.TAKEN_DOWN, actor=actor, now=now)
    audit.record(
        "report.take_down",
        actor=actor,
        object_type="listing",
        object_id=listing.id,
        community_id=listing.community_id,
        at=now,
        details={"reports": [r.id for r in closed]},
    )
    return decided
