"""A UMKM's request to join a community (private: only the community's members see it)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now as clock_now
from ..db import UTCDateTime, enum_type
from ..extensions import db


class JoinStatus(str, enum.Enum):
    """pending → accepted or declined (by a coordinator)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class JoinRequest(db.Model):
    """ "Minta bergabung": name, WhatsApp number (E.164) and what the UMKM sells."""

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    whatsapp: Mapped[str] = mapped_column(sa.String(20))
    sells: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[JoinStatus] = mapped_column(enum_type(JoinStatus), default=JoinStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
