"""Imports every feature's models so the metadata (and Alembic) sees the whole schema."""

from .audit import AuditEvent  # noqa: F401
from .auth.models import Community, RecoveryCode, User  # noqa: F401
from .catalogue.models import CacheState, WhatsappTap  # noqa: F401
from .communities.models import JoinRequest  # noqa: F401
from .demand.models import DemandSearch, DemandVisitors, ListingView  # noqa: F401
from .instagram.models import KitEntry  # noqa: F401
from .listings.models import Business, Listing, Photo  # noqa: F401
from .media.models import Image, ImageVariant  # noqa: F401
from .moderation.models import ModerationDecision, ModerationReason  # noqa: F401
from .notifications import Notification  # noqa: F401
from .reference.models import Category, District  # noqa: F401
from .reports.models import Report  # noqa: F401
from .rounds.models import Round  # noqa: F401
from .site_settings import SiteSettings  # noqa: F401
