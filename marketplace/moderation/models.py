"""Moderation decisions and the preset reasons staff pick from."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..clock import now
from ..db import UTCDateTime, enum_type
from ..extensions import db
from ..listings.models import ACTIONS, STAFF_DECISIONS, Listing

# What a moderator decides: the staff transitions of the listing lifecycle, read from its one
# declaration (``listings.models.ACTIONS``): APPROVE, REQUEST_CHANGES, REJECT, TAKE_DOWN.
DecisionAction = enum.Enum(
    "DecisionAction", [(name.upper(), name) for name in STAFF_DECISIONS], type=str, module=__name__
)
# Decisions that must carry a reason (a preset or typed text).
REASON_REQUIRED = frozenset(
    DecisionAction(name) for name in STAFF_DECISIONS if ACTIONS[name].reason_required
)


class ModerationReason(db.Model):
    """A preset reason in Indonesian: a short ``label`` and the ``explanation`` sent to the
    community."""

    __tablename__ = "moderation_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(80))
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class ModerationDecision(db.Model):
    """One decision on one version of a listing. ``(listing_id, listing_version)`` is
    unique: never two decisions on one version."""

    __tablename__ = "moderation_decisions"
    __table_args__ = (
        sa.UniqueConstraint(
            "listing_id", "listing_version", name="uq_moderation_decisions_listing_version"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("listings.id"), index=True)
    listing_version: Mapped[int]
    moderator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[DecisionAction] = mapped_column(enum_type(DecisionAction))
    from_status: Mapped[str] = mapped_column(sa.String(30))
    to_status: Mapped[str] = mapped_column(sa.String(30))
    reason_id: Mapped[int | None] = mapped_column(sa.ForeignKey("moderation_reasons.id"))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    listing: Mapped[Listing] = relationship()
    moderator: Mapped[User] = relationship()
    preset: Mapped[ModerationReason | None] = relationship()


PRESET_REASONS = [  # also seeded by the first migration
    (
        "foto-buram",
        "Foto buram",
        "Foto produk kurang jelas. Mohon unggah foto yang terang dan tajam.",
    ),
    ("harga-kosong", "Harga belum dicantumkan", "Mohon cantumkan harga produk agar pembeli tahu."),
    (
        "nib-belum-ada",
        "NIB belum ada",
        "Produk makanan/minuman perlu NIB. Mohon lengkapi data usaha.",
    ),
    (
        "deskripsi-kurang",
        "Deskripsi kurang lengkap",
        "Mohon jelaskan bahan, ukuran, atau isi produk.",
    ),
    (
        "bukan-produk-umkm",
        "Bukan produk UMKM",
        "Produk ini tidak memenuhi syarat promosi UMKM Tangsel.",
    ),
    ("konten-tidak-pantas", "Konten tidak pantas", "Foto atau teks melanggar ketentuan."),
    ("duplikat", "Produk duplikat", "Produk yang sama sudah diajukan pada periode ini."),
]


class ListingClaim(db.Model):
    """A moderator has a listing open for review until ``expires_at`` (one claim per listing;
    see ``moderation.claims``). Ephemeral: a claim is a courtesy between colleagues, not a
    lock; the version check of a decision stays the final guard."""

    __tablename__ = "listing_claims"

    listing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True
    )
    moderator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    moderator: Mapped[User] = relationship(lazy="joined")


class ImageCheck(db.Model):
    """What the photo pre-checks measured on one image's w640 derivative, once per image
    (``moderation.prechecks``): ``sharpness`` is the variance of the Laplacian (grey levels²),
    ``luminance`` the mean grey level (0–255), ``dhash`` a 64-bit difference hash (signed, as
    the database stores it) and ``band0``–``band3`` its four 16-bit quarters, indexed, so a
    near-duplicate (at most 3 bits apart: one quarter is equal) is found by index."""

    __tablename__ = "image_checks"

    image_id: Mapped[int] = mapped_column(
        sa.ForeignKey("images.id", ondelete="CASCADE"), primary_key=True
    )
    sharpness: Mapped[float]
    luminance: Mapped[float]
    dhash: Mapped[int] = mapped_column(sa.BigInteger)
    band0: Mapped[int] = mapped_column(index=True)
    band1: Mapped[int] = mapped_column(index=True)
    band2: Mapped[int] = mapped_column(index=True)
    band3: Mapped[int] = mapped_column(index=True)


class ListingPrecheck(db.Model):
    """The pre-checks' findings for a listing, computed when it was submitted (or edited
    while waiting) and kept with that ``listing_version``: ``findings`` is a list of
    ``{"code": …, …}`` (see ``moderation.prechecks``); ``flagged`` says it is not empty."""

    __tablename__ = "listing_prechecks"

    listing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True
    )
    listing_version: Mapped[int]
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    flagged: Mapped[bool] = mapped_column(default=False, index=True)
    findings: Mapped[list] = mapped_column(sa.JSON, default=list)
