"""Businesses (usaha), listings and their photos."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.labels import register_labels
from ..auth.models import Community, User
from ..clock import now, to_wib
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
        # stock marks on an approved listing (``listings.stock``): no review, status stays
        _action(
            "stock_in_stock",
            (S.APPROVED,),
            None,
            "community",
            _l("ditandai tersedia"),
            _l("Ditandai tersedia"),
        ),
        _action(
            "stock_sold_out",
            (S.APPROVED,),
            None,
            "community",
            _l("ditandai stok habis"),
            _l("Ditandai stok habis"),
        ),
        _action(
            "stock_preorder",
            (S.APPROVED,),
            None,
            "community",
            _l("ditandai pre-order"),
            _l("Ditandai pre-order"),
        ),
        _action(
            "stock_confirm",
            (S.APPROVED,),
            None,
            "community",
            _l("dipastikan masih dijual"),
            _l("Dipastikan masih dijual"),
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
    owner's name and its permits (``Permit``; the public sees a badge once staff checked one).
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
    story: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    community: Mapped[Community] = relationship()
    district: Mapped[District] = relationship(lazy="joined")
    # Loaded with every business (one query per page of cards): badges() reads them.
    permits: Mapped[list[Permit]] = relationship(
        back_populates="business", cascade="all, delete-orphan", lazy="selectin"
    )

    def permit(self, kind: PermitKind) -> Permit | None:
        """The business's permit of ``kind``, or None."""
        return next((p for p in self.permits if p.kind == kind), None)

    def badges(self, at: datetime) -> list[PermitKind]:
        """The marks the public may see at ``at`` (aware), in ``PERMIT_KINDS`` order: only
        permits a moderator checked and whose expiry day (WIB) has not passed. The one
        source of every public badge (card, page, JSON-LD, API, kit, the halal filter's SQL
        twin ``listings.permits.valid_permit_clause``)."""
        return [k for k in PERMIT_KINDS if (p := self.permit(k)) is not None and p.is_valid(at)]

    @property
    def whatsapp_digits(self) -> str:
        """The number as wa.me wants it: digits only, country code first."""
        return "".join(ch for ch in self.whatsapp if ch.isdigit())

    def __repr__(self) -> str:
        return f"<Business {self.id} {self.name!r}>"


class PermitKind(str, enum.Enum):
    """The permits a business can show as a checked badge."""

    HALAL = "halal"
    PIRT = "pirt"
    NIB = "nib"


PERMIT_KINDS = (PermitKind.HALAL, PermitKind.PIRT, PermitKind.NIB)
PERMIT_LABELS = {PermitKind.HALAL: _l("Halal"), PermitKind.PIRT: "P-IRT", PermitKind.NIB: "NIB"}
# A permit whose expiry is this close asks its community to renew it ("perlu diperbarui").
RENEWAL_NOTICE = timedelta(days=30)


def wib_date(at: datetime) -> date:
    """The calendar day in WIB of an aware datetime: permits expire at the end of a WIB day."""
    return to_wib(at).date()


class Permit(db.Model):
    """A business's permit (halal certificate, P-IRT, NIB) as the community entered it, and
    the moderator's check. ``number`` is staff-only; ``expires_on`` is the last valid day in
    WIB (None: no expiry); ``checked_at``/``checked_by_id`` are set by a moderator and cleared
    when the community changes the number or expiry. ``image_id``: an optional photo of the
    certificate, shown to staff only."""

    __tablename__ = "permits"
    __table_args__ = (sa.UniqueConstraint("business_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("businesses.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PermitKind] = mapped_column(enum_type(PermitKind))
    number: Mapped[str] = mapped_column(sa.String(60))
    expires_on: Mapped[date | None] = mapped_column(sa.Date)
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("images.id"))
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    business: Mapped[Business] = relationship(back_populates="permits")
    checked_by: Mapped[User | None] = relationship()
    image: Mapped[Image | None] = relationship()

    @property
    def label(self):
        return PERMIT_LABELS[self.kind]

    def is_expired(self, at: datetime) -> bool:
        """True once the WIB day after ``expires_on`` has begun."""
        return self.expires_on is not None and self.expires_on < wib_date(at)

    def is_valid(self, at: datetime) -> bool:
        """Checked by a moderator and not expired at ``at``: the public sees its badge."""
        return self.checked_at is not None and not self.is_expired(at)

    def needs_renewal(self, at: datetime) -> bool:
        """Expired, or expiring within ``RENEWAL_NOTICE`` of ``at``: the portal says
        "perlu diperbarui"."""
        return self.expires_on is not None and self.expires_on - wib_date(at) <= RENEWAL_NOTICE

    def __repr__(self) -> str:
        return f"<Permit {self.kind.value} of business {self.business_id}>"


class ChangeStatus(str, enum.Enum):
    """A pending business change's life: pending → approved | refused (or withdrawn when
    the community edits its values back)."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


# The business fields shoppers see: changed while the business has approved or public
# listings, they wait for a moderator (``BusinessChange``).
REVIEWED_FIELDS = (
    "name",
    "whatsapp",
    "instagram",
    "tokopedia_url",
    "shopee_url",
    "district_id",
    "story",
)


register_labels(
    {
        "business.change_request": _l("Perubahan usaha diajukan"),
        "business.change_withdraw": _l("Perubahan usaha dibatalkan"),
        "business.change_approve": _l("Perubahan usaha disetujui"),
        "business.change_refuse": _l("Perubahan usaha ditolak"),
        "business.permits": _l("Izin usaha diperiksa"),
    }
)


class BusinessChange(db.Model):
    """A change to a business's public fields waiting for a moderator while the old, checked
    values stay live. ``changes`` maps each changed field of ``REVIEWED_FIELDS`` to
    ``[old, new]`` (stored forms: E.164 phone, district id). At most one pending change per
    business: a further edit updates it and bumps ``version`` (a decision names the version
    the moderator saw)."""

    __tablename__ = "business_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("businesses.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    status: Mapped[ChangeStatus] = mapped_column(
        enum_type(ChangeStatus), default=ChangeStatus.PENDING, index=True
    )
    changes: Mapped[dict] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.String(500))

    business: Mapped[Business] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def __repr__(self) -> str:
        return f"<BusinessChange {self.id} {self.status.value} v{self.version}>"


class StockStatus(str, enum.Enum):
    """What a community says of an approved listing's stock (``listings.stock``): not a
    content change, so it needs no moderation."""

    IN_STOCK = "in_stock"
    SOLD_OUT = "sold_out"
    PREORDER = "preorder"


STOCK_LABELS = {
    StockStatus.IN_STOCK: _l("Tersedia"),
    StockStatus.SOLD_OUT: _l("Stok habis"),
    StockStatus.PREORDER: _l("Pre-order"),
}


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
    # Set when shoppers' open fraud reports reach the threshold (``reports``): out of the
    # catalogue until a moderator looked (dismiss clears it, take-down removes the listing).
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The community's stock mark (``listings.stock``) and when it last set or confirmed it
    # (the "masih dijual?" question counts rounds from there or the showcase end).
    stock: Mapped[StockStatus] = mapped_column(
        enum_type(StockStatus), default=StockStatus.IN_STOCK, server_default="in_stock"
    )
    stock_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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
        """Approved, its round published at ``at``, and not hidden by reports."""
        return (
            self.status == ListingStatus.APPROVED
            and self.hidden_at is None
            and self.round.is_published(at)
        )

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
