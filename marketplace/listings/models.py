"""Businesses (usaha), listings and their photos."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.labels import register_labels
from ..auth.models import Community, User
from ..clock import now
from ..db import UTCDateTime, enum_type
from ..extensions import db
from ..media.models import Image
from ..reference.models import Category, District
from ..rounds.models import Round


class ListingStatus(str, enum.Enum):
    """The listing lifecycle; "public" is approved + the round published (from the clock)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"


S = ListingStatus

STATUS_LABELS = {
    S.DRAFT: _l("Draf"),
    S.SUBMITTED: _l("Menunggu moderasi"),
    S.CHANGES_REQUESTED: _l("Perlu perbaikan"),
    S.APPROVED: _l("Disetujui"),
    S.REJECTED: _l("Ditolak"),
    S.WITHDRAWN: _l("Ditarik"),
    S.REMOVED: _l("Diturunkan"),
}


@dataclass(frozen=True)
class ListingAction:
    """One action of the listing lifecycle, declared once (``ACTIONS``).

    ``froms``: the statuses it applies to; ``to``: the status it moves to, None for an action
    only recorded in the history (create, update, copy, carry). ``who``: "community" (a
    member of the listing's community) or "staff". ``verb`` completes "Produk … tidak dapat
    %(action)s"; ``label`` is what a history list shows for the audit code ``listing.<name>``.
    """

    name: str
    froms: frozenset[ListingStatus]
    to: ListingStatus | None
    who: str
    verb: object  # a lazy string
    label: object  # a lazy string
    reason_required: bool = False

    @property
    def code(self) -> str:
        """The audit action code, ``listing.<name>``."""
        return f"listing.{self.name}"

    @property
    def is_transition(self) -> bool:
        return self.to is not None


def _action(name, froms, to, who, verb, label, reason_required=False) -> ListingAction:
    return ListingAction(name, frozenset(froms), to, who, verb, label, reason_required)


_EDITABLE = (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED)

ACTIONS: dict[str, ListingAction] = {
    a.name: a
    for a in (
        # history only: the status stays (create starts a draft)
        _action("create", (), None, "community", _l("dibuat"), _l("Dibuat")),
        _action("update", _EDITABLE, None, "community", _l("diubah"), _l("Diubah")),
        _action(
            "copy",
            set(S) - {S.DRAFT},
            None,
            "community",
            _l("disalin"),
            _l("Disalin dari produk sebelumnya"),
        ),
        _action(
            "carry",
            (S.CHANGES_REQUESTED,),
            None,
            "community",
            _l("dibawa ke periode berikutnya"),
            _l("Dibawa dari periode sebelumnya"),
        ),
        # the transitions (DESIGN.md, "Listing lifecycle")
        _action("submit", (S.DRAFT,), S.SUBMITTED, "community", _l("diajukan"), _l("Diajukan")),
        _action(
            "resubmit",
            (S.CHANGES_REQUESTED,),
            S.SUBMITTED,
            "community",
            _l("diajukan ulang"),
            _l("Diajukan ulang"),
        ),
        _action("approve", (S.SUBMITTED,), S.APPROVED, "staff", _l("disetujui"), _l("Disetujui")),
        _action(
            "request_changes",
            (S.SUBMITTED,),
            S.CHANGES_REQUESTED,
            "staff",
            _l("diminta perbaikan"),
            _l("Diminta perbaikan"),
            reason_required=True,
        ),
        _action(
            "reject",
            (S.SUBMITTED,),
            S.REJECTED,
            "staff",
            _l("ditolak"),
            _l("Ditolak"),
            reason_required=True,
        ),
        _action(
            "withdraw",
            (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED),
            S.WITHDRAWN,
            "community",
            _l("ditarik"),
            _l("Ditarik"),
        ),
        _action(
            "take_down",
            (S.APPROVED,),
            S.REMOVED,
            "staff",
            _l("diturunkan"),
            _l("Diturunkan"),
            reason_required=True,
        ),
    )
}
# What staff decide on (moderation.models.DecisionAction): the staff transitions, in order.
STAFF_DECISIONS = tuple(a.name for a in ACTIONS.values() if a.who == "staff" and a.is_transition)

register_labels({a.code: a.label for a in ACTIONS.values()})


class Business(db.Model):
    """A UMKM kept by a community. ``whatsapp`` is E.164, e.g. ``+6281234567890``.

    Public: name, district, story, WhatsApp, Instagram and marketplace links. Staff only:
    owner's name and permit numbers (the public sees a badge once staff checked them).
    """

    __tablename__ = "businesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    owner_name: Mapped[str] = mapped_column(sa.String(120), default="")
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    whatsapp: Mapped[str] = mapped_column(sa.String(20))
    instagram: Mapped[str | None] = mapped_column(sa.String(30))
    tokopedia_url: Mapped[str | None] = mapped_column(sa.String(300))
    shopee_url: Mapped[str | None] = mapped_column(sa.String(300))
    nib: Mapped[str | None] = mapped_column(sa.String(20))
    nib_checked: Mapped[bool] = mapped_column(default=False)
    halal_number: Mapped[str | None] = mapped_column(sa.String(60))
    halal_checked: Mapped[bool] = mapped_column(default=False)
    pirt_number: Mapped[str | None] = mapped_column(sa.String(30))
    pirt_checked: Mapped[bool] = mapped_column(default=False)
    story: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    community: Mapped[Community] = relationship()
    district: Mapped[District] = relationship(lazy="joined")

    @property
    def whatsapp_digits(self) -> str:
        """The number as wa.me wants it: digits only, country code first."""
        return "".join(ch for ch in self.whatsapp if ch.isdigit())

    def __repr__(self) -> str:
        return f"<Business {self.id} {self.name!r}>"


class Listing(db.Model):
    """A product submitted to one round. ``price`` is whole rupiah (int) or None.

    ``version`` counts edits and decisions; a moderator's decision names the version it saw.
    ``status`` changes only through ``listings.state.transition``.
    """

    __tablename__ = "listings"
    __table_args__ = (
        sa.Index("ix_listings_round_status", "round_id", "status"),
        sa.Index("ix_listings_community_round", "community_id", "round_id"),
        sa.Index("ix_listings_form_key", "form_key", unique=True),
        # The catalogue's keyset orders: newest approved, and by price (catalogue.cursor).
        sa.Index("ix_listings_status_approved", "status", "approved_at", "id"),
        sa.Index("ix_listings_status_price", "status", "price", "id"),
        # Newest first within a round (home showcase, round page) and a category (#19).
        sa.Index("ix_listings_round_status_approved", "round_id", "status", "approved_at", "id"),
        sa.Index(
            "ix_listings_category_status_approved", "category_id", "status", "approved_at", "id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    price: Mapped[int | None] = mapped_column(sa.BigInteger)
    unit: Mapped[str] = mapped_column(sa.String(20), default="pcs")
    is_halal: Mapped[bool] = mapped_column(default=False)
    has_pirt: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ListingStatus] = mapped_column(
        enum_type(ListingStatus), default=ListingStatus.DRAFT
    )
    version: Mapped[int] = mapped_column(default=1)
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("listings.id"))
    # One-time key of the "new listing" form that created it: a double-tapped submit finds
    # the listing the first tap made instead of creating a second one.
    form_key: Mapped[str | None] = mapped_column(sa.String(40))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    business: Mapped[Business] = relationship(lazy="joined")
    community: Mapped[Community] = relationship()
    round: Mapped[Round] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")
    photos: Mapped[list[Photo]] = relationship(
        back_populates="listing",
        cascade="all, delete-orphan",
        order_by="Photo.position",
        lazy="selectin",
    )
    created_by: Mapped[User | None] = relationship()

    # Optimistic concurrency: every UPDATE carries "AND version = <the version loaded>", and
    # the services set the new version themselves (edits and decisions bump it). A write based
    # on a stale read matches no row and fails (StaleDataError → StaleVersion): never a lost
    # edit, never a decision on content the moderator did not see.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def cover(self) -> Photo | None:
        return self.photos[0] if self.photos else None

    def is_public(self, at: datetime) -> bool:
        """Approved and its round published at ``at``."""
        return self.status == ListingStatus.APPROVED and self.round.is_published(at)

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.status.value} v{self.version}>"


class Photo(db.Model):
    """A listing's photo in order; position 0 is the cover."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    image_id: Mapped[int] = mapped_column(sa.ForeignKey("images.id"))
    position: Mapped[int] = mapped_column(default=0)

    listing: Mapped[Listing] = relationship(back_populates="photos")
    image: Mapped[Image] = relationship(lazy="joined")
