"""Stored images: one ``Image`` per accepted upload, one ``ImageVariant`` per derivative."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..db import UTCDateTime
from ..extensions import db


class Image(db.Model):
    """An accepted photo. The original upload is never kept; only re-encoded variants.

    ``width``/``height`` are the upright pixel size of the decoded original.
    """

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    width: Mapped[int]
    height: Mapped[int]
    source_format: Mapped[str] = mapped_column(sa.String(16))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    variants: Mapped[list[ImageVariant]] = relationship(
        back_populates="image",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ImageVariant.width",
    )

    def variant(self, name: str) -> ImageVariant | None:
        """The variant called ``name`` (e.g. ``"w640"``, ``"ig1080"``), or None."""
        for v in self.variants:
            if v.name == name:
                return v
        return None

    def web_variants(self) -> list[ImageVariant]:
        """WebP variants for the site, narrowest first."""
        return [v for v in self.variants if v.content_type == "image/webp"]

    def __repr__(self) -> str:
        return f"<Image {self.id} {self.width}x{self.height}>"


class ImageVariant(db.Model):
    """One stored derivative: backend, key, content type, size in bytes, sha256, pixels."""

    __tablename__ = "image_variants"
    __table_args__ = (sa.UniqueConstraint("image_id", "name", name="uq_image_variants_image_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(
        sa.ForeignKey("images.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(16))
    backend: Mapped[str] = mapped_column(sa.String(16))
    key: Mapped[str] = mapped_column(sa.String(200), index=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    checksum: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int]
    height: Mapped[int]

    image: Mapped[Image] = relationship(back_populates="variants")
