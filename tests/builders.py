"""Plain builder functions with good defaults; each adds and flushes, never commits."""

from __future__ import annotations

import io
import itertools
from datetime import datetime, timedelta

from PIL import Image as PILImage
from werkzeug.security import generate_password_hash

from marketplace.auth.models import Community, CommunityStatus, Role, User
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.listings.models import Business, Listing, ListingStatus, Permit, PermitKind, Photo
from marketplace.media.models import Image, ImageVariant
from marketplace.reference.models import Category, District
from marketplace.rounds.models import Round

PASSWORD = "kata sandi rahasia"
_seq = itertools.count(1)


def district(slug: str = "pamulang") -> District:
    return db.session.execute(db.select(District).where(District.slug == slug)).scalar_one()


def category(slug: str = "makanan") -> Category:
    return db.session.execute(db.select(Category).where(Category.slug == slug)).scalar_one()


def make_community(
    name: str | None = None, status=CommunityStatus.VERIFIED, district_slug: str = "pamulang"
) -> Community:
    n = next(_seq)
    c = Community(
        name=name or f"Komunitas {n}",
        slug=f"komunitas-{n}",
        district=district(district_slug),
        status=status,
        contact_name="Bu Sri",
        contact_phone="+6281234567890",
    )
    db.session.add(c)
    db.session.flush()
    return c


def make_user(
    role=Role.MEMBER,
    community: Community | None = None,
    email: str | None = None,
    coordinator: bool = True,
) -> User:
    n = next(_seq)
    u = User(
        email=email or f"user{n}@contoh.id",
        name=f"Pengguna {n}",
        role=role,
        community=community,
        is_coordinator=coordinator and community is not None,
        password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1"),
    )
    db.session.add(u)
    db.session.flush()
    return u


def make_member(community: Community | None = None, **kw) -> User:
    return make_user(Role.MEMBER, community or make_community(**kw))


def make_staff(role=Role.MODERATOR) -> User:
    return make_user(role)


def make_round(
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    publishes_at: datetime | None = None,
    *,
    quota: int = 10,
    name: str | None = None,
) -> Round:
    """A round; by default open now (opened a day ago, closes in 3 days, publishes 2 days later)."""
    opens_at = opens_at or now() - timedelta(days=1)
    closes_at = closes_at or max(opens_at, now()) + timedelta(days=3)
    publishes_at = publishes_at or closes_at + timedelta(days=2)
    n = next(_seq)
    r = Round(
        name=name or f"Edisi {n}",
        edition=n,
        opens_at=opens_at,
        closes_at=closes_at,
        publishes_at=publishes_at,
        showcase_ends_at=publishes_at + timedelta(days=14),
        quota_per_community=quota,
    )
    db.session.add(r)
    db.session.flush()
    return r


def make_business(community: Community | None = None, name: str = "Keripik Bu Sri") -> Business:
    community = community or make_community()
    b = Business(
        community=community,
        name=name,
        owner_name="Sri Wahyuni",
        district=community.district,
        whatsapp="+6281234567890",
        story="Keripik singkong renyah.",
    )
    db.session.add(b)
    db.session.flush()
    return b


def make_image(width: int = 800, height: int = 600) -> Image:
    """An Image row with fake variants (no stored bytes): for state and query tests."""
    img = Image(width=width, height=height, source_format="JPEG")
    for name, w in (("w320", 320), ("w640", 640)):
        img.variants.append(
            ImageVariant(
                name=name,
                backend="local",
                key=f"fake/{next(_seq)}.webp",
                content_type="image/webp",
                size=1000,
                checksum="0" * 64,
                width=w,
                height=int(w * height / width),
            )
        )
    db.session.add(img)
    db.session.flush()
    return img


def make_listing(
    status=ListingStatus.DRAFT,
    *,
    business: Business | None = None,
    rnd: Round | None = None,
    title: str = "Keripik Singkong Balado",
    price: int | None = 15000,
    category_slug: str = "makanan",
    photos: int = 1,
) -> Listing:
    """A listing put straight into ``status`` (for tests of what follows a state)."""
    business = business or make_business()
    rnd = rnd or make_round()
    listing = Listing(
        business=business,
        community_id=business.community_id,
        round=rnd,
        category=category(category_slug),
        title=title,
        description="Renyah dan pedas.",
        price=price,
        unit="pack",
        status=status,
        version=1,
    )
    listing.photos = [Photo(image=make_image(), position=i) for i in range(photos)]
    if status != ListingStatus.DRAFT:
        listing.submitted_at = now()
    if status == ListingStatus.APPROVED:
        listing.approved_at = now()
    db.session.add(listing)
    db.session.flush()
    return listing


def jpeg_bytes(width: int = 1200, height: int = 900, color=(200, 120, 40)) -> bytes:
    """A real JPEG drawn with Pillow."""
    buf = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def make_published_round(days_ago: int = 3, **kw) -> Round:
    """A round whose listings are public now: opened 10 days before it published
    ``days_ago`` days ago (closes 2 days before publishing)."""
    publishes_at = now() - timedelta(days=days_ago)
    return make_round(
        opens_at=publishes_at - timedelta(days=10),
        closes_at=publishes_at - timedelta(days=2),
        publishes_at=publishes_at,
        **kw,
    )


def make_public_listing(
    *,
    rnd: Round | None = None,
    approved_at: datetime | None = None,
    description: str | None = None,
    **kw,
) -> Listing:
    """An approved listing of a published round (visible in the catalogue now)."""
    listing = make_listing(ListingStatus.APPROVED, rnd=rnd or make_published_round(), **kw)
    if approved_at is not None:
        listing.approved_at = approved_at
    if description is not None:
        listing.description = description
    db.session.flush()
    return listing


def with_real_photos(listing: Listing, *paths) -> Listing:
    """Replace a builder listing's fake photos with real ones run through the photo pipeline
    and stored (pages then load real images); ``paths`` default to one landscape photo."""
    from pathlib import Path

    from marketplace.media.services import save_upload

    real = Path(__file__).parent / "fixtures" / "images" / "real"
    paths = paths or (real / "landscape_orientation_1.jpg",)
    listing.photos = [
        Photo(image=save_upload(Path(p).read_bytes(), now=now()), position=i)
        for i, p in enumerate(paths)
    ]
    db.session.flush()
    return listing


def add_permit(
    business: Business,
    kind: str,
    number: str = "ID31110000123",
    *,
    checked: bool = False,
    expires_on=None,
    by: User | None = None,
) -> Permit:
    """A permit of ``kind`` ("halal", "pirt", "nib") for ``business``; ``checked`` stamps a
    moderator's check at the clock's now."""
    permit = Permit(
        kind=PermitKind(kind),
        number=number,
        expires_on=expires_on,
        checked_at=now() if checked else None,
        checked_by_id=by.id if by is not None else None,
    )
    business.permits.append(permit)
    db.session.flush()
    return permit
