"""Users, roles, communities and membership."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..db import UTCDateTime, enum_type
from ..extensions import db
from ..reference.models import District


class Role(str, enum.Enum):
    """What a user may do: community member, staff moderator or staff admin."""

    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class CommunityStatus(str, enum.Enum):
    """pending → verified (or suspended). Only verified communities submit."""

    PENDING = "pending"
    VERIFIED = "verified"
    SUSPENDED = "suspended"


class Community(db.Model):
    """A komunitas UMKM: signs itself up, is verified by staff, then submits listings."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(140), unique=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(120), default="")
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))
    instagram: Mapped[str | None] = mapped_column(sa.String(30))
    status: Mapped[CommunityStatus] = mapped_column(
        enum_type(CommunityStatus), default=CommunityStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    district: Mapped[District] = relationship(lazy="joined")
    members: Mapped[list[User]] = relationship(back_populates="community", order_by="User.id")

    @property
    def is_verified(self) -> bool:
        return self.status == CommunityStatus.VERIFIED

    def __repr__(self) -> str:
        return f"<Community {self.slug} {self.status.value}>"


class User(UserMixin, db.Model):
    """An account. Members belong to one community; staff (moderator, admin) to none.

    ``session_token`` is part of the login id: changing it (logout, password change,
    deactivation) makes every old session and remember cookie invalid.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.MEMBER)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Staff second factor (TOTP, RFC 6238): the base32 secret once enrolment is confirmed,
    # when it was confirmed, and the last 30-second step used (a code works only once).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    community: Mapped[Community | None] = relationship(back_populates="members")
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RecoveryCode.id"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None and self.totp_enabled_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_submit(self) -> bool:
        """A member of a verified community."""
        return (
            self.role == Role.MEMBER and self.community is not None and self.community.is_verified
        )

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class RecoveryCode(db.Model):
    """A single-use recovery code for the staff second factor, stored hashed like a password."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")
