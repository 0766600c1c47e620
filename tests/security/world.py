"""A small world with two communities for the request-level security tests, the database
snapshot used to prove "nothing changed", and the ACCESS RULES: one line per endpoint.

A new route makes ``test_every_route_has_an_access_rule`` fail until it gets a line in
``RULES`` (and, if it takes a URL argument with a new name, a builder in ``OBJECTS``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import sqlalchemy as sa

from marketplace.auth.models import CommunityStatus, Role
from marketplace.extensions import db
from marketplace.listings.models import ListingStatus
from tests.builders import (
    jpeg_bytes,
    make_business,
    make_community,
    make_listing,
    make_member,
    make_published_round,
    make_round,
    make_staff,
)
from tests.conftest import login

ROLES = ("anonymous", "member_a", "member_b", "moderator", "admin")

# --- who may do what ---------------------------------------------------------------------------
# kind → expected answer per role, for the objects of community A ("own" for member_a).
#   ok     any 2xx/3xx that is not a redirect to the login page
#   login  a redirect to the login page
#   404 / 403
KINDS: dict[str, dict[str, str]] = {
    # anyone, objects public
    "public": dict(anonymous="ok", member_a="ok", member_b="ok", moderator="ok", admin="ok"),
    # any logged-in account (password change, re-authentication, logout)
    "account": dict(anonymous="login", member_a="ok", member_b="ok", moderator="ok", admin="ok"),
    # a member of a community, their own community's pages; staff have no portal
    "member": dict(anonymous="login", member_a="ok", member_b="ok", moderator="404", admin="404"),
    # a member, on an object of community A: B gets 404 (not 403: existence is not revealed)
    "member_object": dict(
        anonymous="login", member_a="ok", member_b="404", moderator="404", admin="404"
    ),
    # staff: moderators and admins
    "staff": dict(anonymous="login", member_a="404", member_b="404", moderator="ok", admin="ok"),
    # staff admins only (moderators are told 403: they know the page exists)
    "admin": dict(anonymous="login", member_a="404", member_b="404", moderator="403", admin="ok"),
    # staff's own second-factor pages
    "staff_account": dict(
        anonymous="login", member_a="404", member_b="404", moderator="ok", admin="ok"
    ),
}


@dataclass(frozen=True)
class Rule:
    kind: str
    # URL argument → object name in the world (resolved for community A or B)
    objects: dict = field(default_factory=dict)
    # a different kind for POST (e.g. staff read a page, only admins change it)
    post_kind: str | None = None
    # a GET that writes on purpose (documented): the tables it may change
    get_writes: tuple = ()
    note: str = ""


R = Rule
RULES: dict[str, Rule] = {
    # public site
    "catalogue.home": R("public"),
    "catalogue.catalogue": R("public"),
    "catalogue.healthz": R("public"),
    "catalogue.robots": R("public"),
    "catalogue.sitemap": R("public"),
    "catalogue.listing": R("public", {"listing_id": "public_listing", "slug": "public_slug"}),
    "catalogue.business": R("public", {"business_id": "business"}),
    "catalogue.community": R("public", {"slug": "community_slug"}),
    "catalogue.round_page": R("public", {"edition": "published_edition"}),
    "catalogue.whatsapp": R(
        "public",
        {"listing_id": "public_listing"},
        get_writes=("whatsapp_taps",),
        note="the WhatsApp tap counter: a redirect counting taps per listing and day",
    ),
    "api.listings": R("public"),
    "api.listing": R("public", {"listing_id": "public_listing"}),
    "api.rounds": R("public"),
    "api.round_detail": R("public", {"round_id": "published_round"}),
    "api.communities": R("public"),
    "api.community": R("public", {"slug": "community_slug"}),
    "api.businesses": R("public"),
    "api.business": R("public", {"business_id": "business"}),
    "api.categories": R("public"),
    "api.districts": R("public"),
    "api.openapi_json": R("public"),
    "api.docs": R("public"),
    "feeds.meta": R("public"),
    "feeds.google": R("public"),
    "feeds.rounds": R("public"),
    "shortlinks.resolve": R("public", {"code": "short_code"}),
    "media.file": R("public", {"key": "media_key"}),
    "static": R("public", {"filename": "static_file"}),
    "language.switch": R("public", {"locale": "locale"}),
    # accounts
    "auth.login": R("public"),
    "auth.signup": R("public"),
    "auth.logout": R("account"),
    "auth.password_change": R("account"),
    "auth.reauthenticate": R("account"),
    "auth.second_factor_setup": R("staff_account"),
    "auth.second_factor_verify": R("staff_account"),
    # community portal
    "listings.dashboard": R("member"),
    "listings.businesses": R("member"),
    "listings.listing_new": R("member"),
    "listings.business_form": R("member_object", {"business_id": "business"}),
    "listings.listing_detail": R("member_object", {"listing_id": "draft_listing"}),
    "listings.listing_edit": R("member_object", {"listing_id": "draft_listing"}),
    "listings.listing_action": R("member_object", {"listing_id": "draft_listing", "verb": "verb"}),
    "listings.listing_withdraw_confirm": R("member_object", {"listing_id": "draft_listing"}),
    "listings.listing_copy": R(
        "member_object", {"listing_id": "public_listing", "verb": "copy_verb"}
    ),
    "listings.members": R("member"),
    "listings.members_invite": R("member"),
    "listings.members_remove": R("member_object", {"user_id": "member"}),
    "listings.notifications": R("member"),
    "listings.notifications_read": R("member"),
    # the invitation link is the capability: anyone holding it (logged-in users are sent home)
    "listings.accept_invite": R("public", {"token": "invite_token"}),
    # staff
    "moderation.dashboard": R("staff"),
    "moderation.communities_list": R("staff"),
    "moderation.community": R("staff", {"community_id": "community"}),
    "moderation.community_verify": R("staff", {"community_id": "community"}),
    "moderation.community_suspend": R("staff", {"community_id": "community"}),
    "moderation.queue": R("staff", {"round_id": "open_round"}),
    "moderation.review": R(
        "staff",
        {"listing_id": "submitted_listing"},
        get_writes=("listing_claims",),
        note="#13: opening a waiting listing claims it for 10 minutes (staff only, no audit)",
    ),
    "moderation.decide_listing": R("staff", {"listing_id": "submitted_listing"}),
    "moderation.permits": R("staff", {"listing_id": "submitted_listing"}),
    "moderation.business_changes": R("staff"),
    "moderation.decide_business_change": R("staff", {"change_id": "business_change"}),
    # shoppers' reports (#12): the form is public; the queue and its answers are staff's
    "reports.report": R("public", {"listing_id": "public_listing"}),
    "reports.queue": R("staff"),
    "reports.dismiss": R("staff", {"listing_id": "public_listing"}),
    "reports.take_down": R("staff", {"listing_id": "public_listing"}),
    "moderation.bulk_approve_view": R("staff", {"round_id": "open_round"}),
    "moderation.audit_log": R("staff"),
    "moderation.audit_csv": R("staff"),
    "moderation.reasons": R("staff", {"reason_id": "reason"}, post_kind="admin"),
    "rounds.index": R("staff"),
    "rounds.create": R("admin"),
    "rounds.schedule": R("admin"),
    "rounds.edit": R("admin", {"round_id": "open_round"}),
    "rounds.publish_now": R("admin", {"round_id": "open_round"}),
    "instagram.index": R("staff"),
    "instagram.kit": R("staff", {"round_id": "published_round"}),
    "instagram.cover": R("staff", {"round_id": "published_round"}),
    "instagram.download": R("staff", {"round_id": "published_round"}),
    "instagram.slide": R("staff", {"round_id": "published_round", "listing_id": "public_listing"}),
    "instagram.save": R("staff", {"round_id": "published_round"}),
    "instagram.price_cards_pdf": R("staff", {"round_id": "published_round"}),
    "instagram.stand_poster_pdf": R("staff", {"community_id": "community"}),
    "admin.index": R("admin"),
    "admin.settings": R("admin"),
    "admin.category_list": R("admin"),
    **{
        f"admin.category_{verb}": R("admin", {"category_id": "category"})
        for verb in ("up", "down", "rename", "retire", "restore")
    },
    "admin.staff_list": R("admin"),
    **{
        f"admin.staff_{verb}": R("admin", {"user_id": "other_staff"})
        for verb in ("deactivate", "reactivate", "role")
    },
    "stats.index": R("staff"),
    "stats.communities": R("staff"),
    "stats.over_time_csv": R("staff"),
    "stats.round_stats": R("staff", {"round_id": "published_round"}),
    "stats.round_csv": R("staff", {"round_id": "published_round"}),
    # account recovery (#14): the reset link is the capability, like an invitation
    "auth.forgot_password": R("public"),
    "auth.reset_password": R("public", {"token": "reset_token"}),
    "auth.issue_reset": R("staff", {"user_id": "member"}),
    "demand.board_page": R("staff"),
    "demand.board_csv": R("staff"),
    "demand.notify": R("staff"),
    # moderation at scale (#13)
    "moderation.release_claim": R("staff", {"listing_id": "submitted_listing"}),
    "moderation.progress_page": R("staff", {"round_id": "open_round"}),
    # round exceptions (#14): staff read, admins change; the community redeems a code
    "rounds.exceptions": R("staff", {"round_id": "open_round"}),
    "rounds.exceptions_quota": R("admin", {"round_id": "open_round"}),
    "rounds.exceptions_late": R("admin", {"round_id": "open_round"}),
    "listings.late_code_redeem": R("member"),
    # communities directory and join requests (#14)
    "communities.directory_page": R("public"),
    "communities.join": R("public", {"slug": "community_slug"}),
    "communities.requests_page": R("member"),
    "communities.requests_decide": R(
        "member_object", {"request_id": "join_request", "verb": "join_verb"}
    ),
    "demand_ask.ask": R("public"),
    "demand_portal.portal_demand": R("member"),
    # stock marks on an approved listing (#12)
    "listings.listing_stock": R("member_object", {"listing_id": "public_listing"}),
    # bulk import of businesses (#14): the coordinator for the own community, staff for any
    "communities.import_page": R("member"),
    "communities.import_confirm": R("member"),
    "communities.import_template": R("account", {"fmt": "import_format"}),
    "communities.import_staff": R("staff", {"community_id": "community"}),
    "communities.import_staff_confirm": R("staff", {"community_id": "community"}),
    # share cards (#16): a public page's og:image; without the current ?v= key, a 302 to it
    "sharecards.catalogue_card": R("public"),
    "sharecards.business_card": R("public", {"business_id": "business"}),
    "sharecards.community_card": R("public", {"slug": "community_slug"}),
    "sharecards.round_card": R("public", {"edition": "published_edition"}),
}

# Audit actions a refused or read-only request may add (the refusal itself is the record).
REFUSAL_AUDIT = {"security.denied", "security.csrf_failed"}


# --- the world ----------------------------------------------------------------------------------


@dataclass
class Side:
    community: object
    member: object
    business: object
    draft_listing: object
    submitted_listing: object
    public_listing: object
    invite_token: str = ""


class World:
    """Communities A and B, each with a member, a business and a draft, a submitted and a
    public listing; a pending community; an open and a published round; a moderator and an
    admin; one real stored photo."""

    def __init__(self, app, clock):
        from marketplace.media.services import save_upload
        from marketplace.moderation.models import ModerationReason

        self.app = app
        self.open_round = make_round()
        self.published_round = make_published_round()
        self.a, self.b = self._side("Komunitas Anggrek"), self._side("Komunitas Bougenville")
        self.pending = make_community("Komunitas Cempaka", status=CommunityStatus.PENDING)
        self.moderator = make_staff(Role.MODERATOR)
        self.admin = make_staff(Role.ADMIN)
        self.other_staff = make_staff(Role.MODERATOR)
        image = save_upload(jpeg_bytes(), uploaded_by=self.a.member, now=clock())
        self.a.public_listing.photos[0].image = image
        self.media_key = image.variants[0].key
        from marketplace.auth import invites

        for side, who in ((self.a, "calon.a"), (self.b, "calon.b")):
            side.invite_token = invites.invite(f"{who}@contoh.id", actor=side.member, now=clock())
        from marketplace.communities.models import JoinRequest

        for side in (self.a, self.b):  # a pending "Minta bergabung" request to each (#14)
            req = JoinRequest(
                community_id=side.community.id, name="Calon", whatsapp="+6281200000000", sells="Kue"
            )
            db.session.add(req)
            db.session.flush()
            side.join_request_id = req.id
        self.reason = db.session.execute(sa.select(ModerationReason).limit(1)).scalar_one()
        from marketplace.listings.models import BusinessChange

        self.changes = {}  # a pending business change per side (#12)
        for key, side in (("a", self.a), ("b", self.b)):
            self.changes[key] = BusinessChange(
                business_id=side.business.id,
                community_id=side.community.id,
                changes={"story": [side.business.story, "Cerita baru."]},
            )
            db.session.add(self.changes[key])
        db.session.commit()

    def _side(self, name):
        community = make_community(name)
        member = make_member(community)
        business = make_business(community, name=f"Usaha {name}")
        return Side(
            community,
            member,
            business,
            make_listing(ListingStatus.DRAFT, business=business, rnd=self.open_round),
            make_listing(ListingStatus.SUBMITTED, business=business, rnd=self.open_round),
            make_listing(
                ListingStatus.APPROVED,
                business=business,
                rnd=self.published_round,
                title=f"Produk {name}",
            ),
        )

    def user(self, role):
        return {
            "anonymous": None,
            "member_a": self.a.member,
            "member_b": self.b.member,
            "moderator": self.moderator,
            "admin": self.admin,
        }[role]

    def client(self, role):
        c = self.app.test_client()
        user = self.user(role)
        if user is not None:
            assert login(c, user).status_code == 302
        c.user = user
        return c

    def value(self, name: str, owner: str):
        side = self.a if owner == "a" else self.b
        from marketplace.shortlinks.codes import short_code
        from marketplace.slugs import slugify

        return {
            "public_listing": lambda: side.public_listing.id,
            "public_slug": lambda: slugify(side.public_listing.title),
            "short_code": lambda: short_code(side.public_listing.id),
            "draft_listing": lambda: side.draft_listing.id,
            "submitted_listing": lambda: side.submitted_listing.id,
            "business": lambda: side.business.id,
            "community": lambda: side.community.id,
            "community_slug": lambda: side.community.slug,
            "open_round": lambda: self.open_round.id,
            "published_round": lambda: self.published_round.id,
            "published_edition": lambda: self.published_round.edition,
            "media_key": lambda: self.media_key,
            "static_file": lambda: "css/site.css",
            "locale": lambda: "id",
            "verb": lambda: "ajukan",
            "copy_verb": lambda: "salin",
            "member": lambda: side.member.id,
            "invite_token": lambda: side.invite_token,
            "join_request": lambda: side.join_request_id,
            "join_verb": lambda: "tolak",
            "reset_token": lambda: __import__(
                "marketplace.auth.recovery", fromlist=["make_token"]
            ).make_token(side.member),
            "reason": lambda: self.reason.id,
            "category": lambda: side.draft_listing.category_id,
            "other_staff": lambda: self.other_staff.id,
            "business_change": lambda: self.changes[owner].id,
            "import_format": lambda: "csv",
        }[name]()


def url_for_rule(app, rule, owner: str, world: World) -> str:
    """The URL of this very ``rule`` (an endpoint may have several), its arguments taken
    from community ``owner``'s objects."""
    spec = RULES[rule.endpoint]
    values = {arg: world.value(spec.objects[arg], owner) for arg in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def kind_of(rule, method: str = "GET") -> str:
    """The rule's kind; an object rule without an object (``/portal/usaha/baru``) is plain."""
    kind = (method == "POST" and RULES[rule.endpoint].post_kind) or RULES[rule.endpoint].kind
    return "member" if kind == "member_object" and not rule.arguments else kind


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every table (refusal audit records left out)."""
    out = {}
    for table in db.metadata.sorted_tables:
        query = sa.select(table)
        if table.name == "audit_events":
            query = query.where(table.c.action.not_in(REFUSAL_AUDIT))
        rows = db.session.execute(query.order_by(*table.primary_key.columns)).all()
        digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
        out[table.name] = (len(rows), digest)
    db.session.rollback()  # end the read transaction; never hold SQLite's snapshot
    return out


def changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def outcome(response) -> str:
    """'ok', 'login', '404', '403' or the status code, for comparison with ``KINDS``."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status in (301, 302, 303) and "/masuk" in location and "/masuk/ulang" not in location:
        return "login"
    if status in (403, 404):
        return str(status)
    if status < 400:
        return "ok"
    return str(status)
