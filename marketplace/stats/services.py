"""Round statistics: what was submitted and decided, by district, category and community,
per round and over time; the communities overview; CSV rows; chart geometry.

Definitions (also shown on the page):

* **submitted** – listings of the round that reached staff (have been submitted at least
  once), whatever happened after (drafts never count);
* **approved / changes requested / rejected** – listings with at least one such moderation
  decision; a listing sent back for changes and then approved counts in both;
* **approval rate** – approved ÷ (approved + rejected): of the listings that got a final
  decision, the share approved; None ("—") while nothing is decided. Shown with what it is
  over (:func:`approval_text`), so 5 approved of 15 submitted with 10 waiting reads
  "100,0% dari 5 diputus", not a bare "100,0%";
* **time to decision** – for every decision, the time since the submission (or
  resubmission) it answered; the median over the decisions, in hours;
* **WhatsApp taps** – taps on the listing's WhatsApp button, summed over every day (see
  :func:`tap_counts`).

Listings are grouped by their business's district, their category and their community.
Nothing here writes.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..audit import AuditEvent
from ..auth.models import Community, User
from ..extensions import db
from ..listings.models import Business, Listing, ListingStatus
from ..moderation.models import DecisionAction, ModerationDecision
from ..reference.models import Category, District
from ..rounds.models import Round

DECISIONS = (DecisionAction.APPROVE, DecisionAction.REQUEST_CHANGES, DecisionAction.REJECT)
SUBMIT_ACTIONS = ("listing.submit", "listing.resubmit")


@dataclass
class Fact:
    """One submitted listing, flattened for counting."""

    listing_id: int
    round_id: int
    title: str
    business: str
    community_id: int
    community: str
    district: str
    category: str
    status: ListingStatus
    approved: bool = False
    changes_requested: bool = False
    rejected: bool = False
    decision_hours: list[float] = field(default_factory=list)
    first_submitted_at: datetime | None = None
    first_decided_at: datetime | None = None
    taps: int | None = None

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.decision_hours) if self.decision_hours else None

    @property
    def outcome(self) -> str:
        """One of approved, rejected, changes, waiting (for the stacked charts)."""
        if self.approved:
            return "approved"
        if self.rejected:
            return "rejected"
        if self.changes_requested:
            return "changes"
        return "waiting"


@dataclass
class Counts:
    """Figures for a set of listings."""

    submitted: int = 0
    approved: int = 0
    changes_requested: int = 0
    rejected: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    hours: list[float] = field(default_factory=list)
    taps: int | None = None

    @property
    def decided(self) -> int:
        return self.approved + self.rejected

    @property
    def approval_rate(self) -> float | None:
        """approved ÷ (approved + rejected), 0–1; None when nothing got a final decision."""
        return self.approved / self.decided if self.decided else None

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours) if self.hours else None


OUTCOMES = ("approved", "changes", "rejected", "waiting")


def summarise(facts: list[Fact]) -> Counts:
    c = Counts()
    for f in facts:
        c.submitted += 1
        c.approved += f.approved
        c.changes_requested += f.changes_requested
        c.rejected += f.rejected
        c.outcomes[f.outcome] += 1
        c.hours.extend(f.decision_hours)
        if f.taps is not None:
            c.taps = (c.taps or 0) + f.taps
    return c


def tap_counts(listing_ids: list[int]) -> dict[int, int] | None:
    """WhatsApp-button taps per listing (all days), from the catalogue's tap counter
    (``whatsapp_taps``: one row per listing and WIB day, no personal data). Listings never
    tapped count 0. Returning None instead would show "—" everywhere (taps not counted)."""
    from ..catalogue.models import WhatsappTap

    out: dict[int, int] = {}
    for chunk in _chunks(listing_ids):
        out.update(
            db.session.execute(
                sa.select(WhatsappTap.listing_id, sa.func.sum(WhatsappTap.taps))
                .where(WhatsappTap.listing_id.in_(chunk))
                .group_by(WhatsappTap.listing_id)
            ).all()
        )
    return {k: int(v) for k, v in out.items()}


def facts(round_ids: list[int] | None = None) -> list[Fact]:
    """Every submitted listing (of ``round_ids``, or of every round) with its decisions."""
    q = (
        sa.select(
            Listing.id,
            Listing.round_id,
            Listing.title,
            Listing.status,
            Listing.submitted_at,
            Business.name,
            Community.id,
            Community.name,
            District.name,
            Category.name,
        )
        .join(Business, Listing.business_id == Business.id)
        .join(Community, Listing.community_id == Community.id)
        .join(District, Business.district_id == District.id)
        .join(Category, Listing.category_id == Category.id)
        .where(Listing.status != ListingStatus.DRAFT, Listing.submitted_at.is_not(None))
        .order_by(Listing.round_id, Listing.id)
    )
    if round_ids is not None:
        q = q.where(Listing.round_id.in_(round_ids))
    out: dict[int, Fact] = {}
    for (
        lid,
        rid,
        title,
        status,
        submitted_at,
        business,
        cid,
        community,
        district,
        category,
    ) in db.session.execute(q):
        out[lid] = Fact(
            lid,
            rid,
            title,
            business,
            cid,
            community,
            district,
            category,
            status,
            first_submitted_at=submitted_at,
        )
    if not out:
        return []
    ids = list(out)
    submits: dict[int, list[datetime]] = defaultdict(list)
    for chunk in _chunks(ids):
        for oid, at in db.session.execute(
            sa.select(AuditEvent.object_id, AuditEvent.created_at).where(
                AuditEvent.object_type == "listing",
                AuditEvent.object_id.in_(chunk),
                AuditEvent.action.in_(SUBMIT_ACTIONS),
            )
        ):
            submits[oid].append(at)
    for times in submits.values():
        times.sort()
    for chunk in _chunks(ids):
        for lid, action, at in db.session.execute(
            sa.select(
                ModerationDecision.listing_id,
                ModerationDecision.action,
                ModerationDecision.created_at,
            )
            .where(
                ModerationDecision.listing_id.in_(chunk), ModerationDecision.action.in_(DECISIONS)
            )
            .order_by(ModerationDecision.created_at, ModerationDecision.id)
        ):
            f = out[lid]
            if action == DecisionAction.APPROVE:
                f.approved = True
            elif action == DecisionAction.REQUEST_CHANGES:
                f.changes_requested = True
            else:
                f.rejected = True
            if f.first_decided_at is None:
                f.first_decided_at = at
            before = [t for t in submits.get(lid, []) if t <= at]
            if before:
                f.decision_hours.append((at - before[-1]).total_seconds() / 3600)
            if submits.get(lid):
                f.first_submitted_at = submits[lid][0]
    taps = tap_counts(ids)
    if taps is not None:
        for lid, f in out.items():
            f.taps = taps.get(lid, 0)
    return list(out.values())


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def grouped(items: list[Fact], key: str) -> list[tuple[str, Counts]]:
    """(label, counts) per value of ``key`` (district, category, community), most "
    "submitted first."""
    groups: dict[str, list[Fact]] = defaultdict(list)
    for f in items:
        groups[getattr(f, key)].append(f)
    rows = [(label, summarise(fs)) for label, fs in groups.items()]
    rows.sort(key=lambda r: (-r[1].submitted, r[0].lower()))
    return rows


@dataclass
class RoundReport:
    rnd: Round
    total: Counts
    by_district: list[tuple[str, Counts]]
    by_category: list[tuple[str, Counts]]
    by_community: list[tuple[str, Counts]]
    listings: list[Fact]


def round_report(rnd: Round) -> RoundReport:
    items = facts([rnd.id])
    return RoundReport(
        rnd,
        summarise(items),
        grouped(items, "district"),
        grouped(items, "category"),
        grouped(items, "community"),
        items,
    )


def rounds_so_far(now: datetime) -> list[Round]:
    """Rounds that have opened by ``now``, oldest first."""
    return list(
        db.session.execute(
            sa.select(Round).where(Round.opens_at <= now).order_by(Round.opens_at)
        ).scalars()
    )


def over_time(now: datetime) -> list[tuple[Round, Counts]]:
    """(round, counts) for every round opened by ``now``, oldest first."""
    rounds = rounds_so_far(now)
    by_round: dict[int, list[Fact]] = defaultdict(list)
    for f in facts([r.id for r in rounds]):
        by_round[f.round_id].append(f)
    return [(r, summarise(by_round.get(r.id, []))) for r in rounds]


# --- communities overview -------------------------------------------------------------------------


@dataclass
class CommunityRow:
    community: Community
    members: int
    per_round: dict[int, Counts]
    total: Counts


def communities_overview(rounds: list[Round]) -> list[CommunityRow]:
    """Every community (any status) with its members, its counts in each of ``rounds`` and
    its counts over every round; sorted by name."""
    members = dict(
        db.session.execute(
            sa.select(User.community_id, sa.func.count(User.id))
            .where(User.community_id.is_not(None), User.active.is_(True))
            .group_by(User.community_id)
        ).all()
    )
    all_facts = facts()
    by_comm: dict[int, list[Fact]] = defaultdict(list)
    for f in all_facts:
        by_comm[f.community_id].append(f)
    rows = []
    for c in db.session.execute(
        sa.select(Community).order_by(Community.name, Community.id)
    ).scalars():
        mine = by_comm.get(c.id, [])
        per_round = {r.id: summarise([f for f in mine if f.round_id == r.id]) for r in rounds}
        rows.append(CommunityRow(c, members.get(c.id, 0), per_round, summarise(mine)))
    return rows


# --- formatting and charts ------------------------------------------------------------------------


def percent(rate: float | None) -> str:
    """``0.9574`` → ``95,7%``; None → ``—``."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}".replace(".", ",") + "%"


def hours_text(hours: float | None) -> str:
    """Hours as Indonesian text: ``45 menit``, ``5,5 jam``, ``2 hari 3 jam``; None → ``—``."""
    if hours is None:
        return "—"
    if hours < 1:
        return gettext("%(m)s menit", m=round(hours * 60))
    if hours < 48:
        return gettext("%(h)s jam", h=f"{hours:.1f}".replace(".", ",").replace(",0", ""))
    days, rest = divmod(round(hours), 24)
    if rest:
        return gettext("%(d)s hari %(h)s jam", d=days, h=rest)
    return gettext("%(d)s hari", d=days)


@dataclass
class Bar:
    x: float
    width: float
    css: str
    value: int


@dataclass
class ChartRow:
    label: str
    y: float
    bars: list[Bar]
    total: int
    note: str


@dataclass
class Chart:
    """A horizontal stacked bar chart: one row per label, segments per outcome."""

    title: str
    desc: str
    rows: list[ChartRow]
    width: int
    height: int
    label_width: int
    bar_width: int
    row_height: int
    legend: list[tuple[str, str]]


OUTCOME_LEGEND = [
    ("approved", _l("Disetujui")),
    ("changes", _l("Perlu perbaikan")),
    ("rejected", _l("Ditolak")),
    ("waiting", _l("Menunggu / ditarik")),
]


def approval_text(c: Counts) -> str:
    """The approval rate with what it is over: ``100,0% dari 5 diputus`` (of the listings that
    got a final decision, not of all submitted); ``belum ada yang diputus`` while none did."""
    if not c.decided:
        return gettext("belum ada yang diputus")
    return gettext("%(p)s dari %(n)s diputus", p=percent(c.approval_rate), n=c.decided)


def outcome_chart(title: str, rows: list[tuple[str, Counts]], *, limit: int = 15) -> Chart:
    """Geometry for a stacked bar chart of outcomes (bar length = submitted listings).

    Drawn for a phone first (the viewBox scales to the screen's width): each row is the label
    on a line of its own, left-aligned and long enough for a community's name (so nothing is
    cut at the left edge), then the bar with "approved/submitted · rate of decided" after it.
    """
    rows = rows[:limit]
    label_width, bar_width, row_height, width = 0, 230, 40, 420
    top = 4
    biggest = max([c.submitted for _l, c in rows] + [1])
    out = []
    for i, (label, c) in enumerate(rows):
        x, bars = float(label_width), []
        for key, _name in OUTCOME_LEGEND:
            n = c.outcomes.get(key, 0)
            w = bar_width * n / biggest
            if n:
                bars.append(Bar(round(x, 2), round(w, 2), f"bar-{key}", n))
            x += w
        shown = label if len(label) <= 52 else label[:51] + "…"
        out.append(
            ChartRow(
                shown,
                top + i * row_height,
                bars,
                c.submitted,
                f"{c.approved}/{c.submitted} · {approval_text(c)}",
            )
        )
    parts = [
        gettext(
            "%(label)s: %(s)s diajukan, %(a)s disetujui, %(c)s perlu perbaikan, %(r)s ditolak",
            label=label,
            s=c.submitted,
            a=c.approved,
            c=c.changes_requested,
            r=c.rejected,
        )
        for label, c in rows
    ]
    desc = "; ".join(parts) if parts else gettext("Belum ada data.")
    return Chart(
        title,
        desc,
        out,
        width,
        top * 2 + max(1, len(rows)) * row_height,
        label_width,
        bar_width,
        row_height,
        OUTCOME_LEGEND,
    )
