"""Staff pages: dashboard, community verification, the moderation queue and decisions.

Every route needs a staff account (moderator or admin): anonymous visitors are sent to the
login page, members get 404. Views parse, call a service, commit once and redirect.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..auth.access import staff_only
from ..errors import add_errors
from ..auth.models import Community, CommunityStatus
from ..clock import now
from ..errors import DomainError, FormErrors, StaleVersion
from ..extensions import db
from ..listings.models import Listing, ListingStatus
from ..listings.services import status_label
from ..whatsapp import wa_me_url
from ..reference import queries as reference
from ..notifications import latest_for_listing
from ..rounds.models import Round
from ..security import page_arg
from . import bp
from .forms import (
    DECISION_CHOICES,
    ConfirmBulkForm,
    DecisionForm,
    PermitForm,
    SuspendForm,
    VerifyForm,
)
from .services import (
    QUEUE_STATUSES,
    QueueFilter,
    active_reasons,
    communities,
    community_detail,
    community_status_label,
    decide,
    next_in_queue,
    queue_communities,
    queue_query,
    rounds_for_queue,
    suspend_community,
    unchecked_permits,
    verify_community,
)
from .services import dashboard as dashboard_figures
from .services import review as review_data
from .tools_views import send_decision_emails

PER_PAGE = 50


@bp.before_request
def require_staff():
    """Deny by default: anonymous → login, anyone but staff → 404."""
    return staff_only()


@bp.context_processor
def staff_helpers():
    return {"status_label": status_label, "community_status_label": community_status_label,
            "state_label": state_label}


def state_label(value: str | None) -> str:
    """A listing or community state code from the audit trail, as a translated label."""
    if value in ListingStatus._value2member_map_:
        return status_label(ListingStatus(value))
    if value in CommunityStatus._value2member_map_:
        return community_status_label(CommunityStatus(value))
    return value or "–"


def _staff():
    return current_user._get_current_object()


# --- dashboard ----------------------------------------------------------------------------

@bp.route("/")
def dashboard():
    return render_template("moderation/dashboard.html", d=dashboard_figures(now()), now=now())


# --- communities --------------------------------------------------------------------------

@bp.route("/komunitas")
def communities_list():
    raw = request.args.get("status", "")
    try:
        status = CommunityStatus(raw) if raw else None
    except ValueError:
        status = None
    return render_template("moderation/communities.html", rows=communities(status),
                           status=status, statuses=list(CommunityStatus))


@bp.route("/komunitas/<int:community_id>")
def community(community_id: int):
    c = db.get_or_404(Community, community_id)
    return _render_community(c, VerifyForm(), SuspendForm())


def _render_community(c: Community, verify_form, suspend_form, status: int = 200):
    return render_template("moderation/community.html", c=c, detail=community_detail(c),
                           verify_form=verify_form, suspend_form=suspend_form), status


def _community_action(community_id: int, form, change, field: str, done: str):
    """Verify or suspend: one POST shape. ``change(c, text)`` is the service call, ``field``
    the form field its FormErrors belong to, ``done(c)`` the flash on success."""
    c = db.get_or_404(Community, community_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        change(c, getattr(form, field).data)
    except FormErrors as exc:
        db.session.rollback()
        getattr(form, field).errors = list(exc.errors.values())
        verify = form if isinstance(form, VerifyForm) else VerifyForm(formdata=None)
        suspend = form if isinstance(form, SuspendForm) else SuspendForm(formdata=None)
        return _render_community(c, verify, suspend, 400)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".community", community_id=community_id))
    db.session.commit()
    flash(done(c), "success")
    return redirect(url_for(".community", community_id=community_id))


@bp.route("/komunitas/<int:community_id>/verifikasi", methods=["POST"])
def community_verify(community_id: int):
    return _community_action(
        community_id, VerifyForm(), lambda c, note: verify_community(c, actor=_staff(), now=now(), note=note),
        "note", lambda c: _("%(name)s sudah terverifikasi dan dapat mengajukan produk.", name=c.name))


@bp.route("/komunitas/<int:community_id>/tangguhkan", methods=["POST"])
def community_suspend(community_id: int):
    return _community_action(
        community_id, SuspendForm(), lambda c, reason: suspend_community(c, actor=_staff(), now=now(), reason=reason),
        "reason", lambda c: _("%(name)s ditangguhkan.", name=c.name))


# --- the queue ------------------------------------------------------------------------------

@bp.route("/moderasi/<int:round_id>")
def queue(round_id: int):
    rnd = db.get_or_404(Round, round_id)
    flt = QueueFilter.from_args(request.args)
    query = queue_query(rnd.id, flt).options(selectinload(Listing.community))
    page = db.paginate(query, page=page_arg(),
                       per_page=PER_PAGE, error_out=True, count=True)
    args = flt.args()
    return render_template(
        "moderation/queue.html", rnd=rnd, page=page, flt=flt, filter_args=args, now=now(),
        unchecked={l.id: unchecked_permits(l.business) for l in page.items}, bulk_form=ConfirmBulkForm(),
        rounds=rounds_for_queue(), communities=queue_communities(rnd.id),
        districts=reference.districts(), categories=reference.categories(active_only=False), statuses=QUEUE_STATUSES,
        prev_url=url_for(".queue", round_id=rnd.id, page=page.prev_num, **args) if page.has_prev else None,
        next_url=url_for(".queue", round_id=rnd.id, page=page.next_num, **args) if page.has_next else None)


# --- review and decisions ----------------------------------------------------------------------

def _listing_for_staff(listing_id: int) -> Listing:
    listing = db.get_or_404(Listing, listing_id)
    if listing.status == ListingStatus.DRAFT:  # drafts belong to their community only
        abort(404)
    return listing


def _decision_form(listing: Listing) -> DecisionForm:
    form = DecisionForm()
    form.reason_id.choices = [SelectChoice("0", _("— pilih alasan —"))] + [
        SelectChoice(str(r.id), r.label) for r in active_reasons()]
    if not form.is_submitted():
        form.version.data = listing.version
    return form


def _render_review(listing: Listing, form: DecisionForm, flt: QueueFilter, status: int = 200):
    notice = latest_for_listing(listing.id)
    b = listing.business
    return render_template(
        "moderation/review.html", listing=listing, form=form, r=review_data(listing, flt),
        flt=flt, filter_args=flt.args(), decision_choices=DECISION_CHOICES, now=now(),
        picture_macro=_has_picture_macro(), notice=notice,
        wa_url=wa_me_url(b.whatsapp, notice.message) if notice else None,
        permit_form=PermitForm(formdata=None, obj=b), unchecked=unchecked_permits(b)), status


def _has_picture_macro() -> bool:
    """True once the media feature ships ``templates/media/_picture.html``."""
    try:
        current_app.jinja_env.get_template("media/_picture.html")
    except Exception:  # TemplateNotFound, or a template still being written
        return False
    return True


@bp.route("/moderasi/produk/<int:listing_id>")
def review(listing_id: int):
    listing = _listing_for_staff(listing_id)
    flt = QueueFilter.from_args(request.args)
    return _render_review(listing, _decision_form(listing), flt)


@bp.route("/moderasi/produk/<int:listing_id>/keputusan", methods=["POST"])
def decide_listing(listing_id: int):
    listing = _listing_for_staff(listing_id)
    flt = QueueFilter.from_args(request.args)
    form = _decision_form(listing)
    back = url_for(".review", listing_id=listing.id, **flt.args())
    if not form.validate_on_submit():
        if form.version.errors:  # the hidden field is missing: an old or tampered page
            flash(_("Formulir tidak lengkap. Muat ulang halaman, lalu putuskan lagi."), "error")
            return redirect(back)
        return _render_review(listing, form, flt, 400)
    action = form.action.data
    try:
        decide(listing, action, moderator=_staff(), seen_version=form.version.data,
               reason_id=form.reason_id.data or None, reason_text=form.reason_text.data,
               note=form.note.data, now=now())
    except FormErrors as exc:
        db.session.rollback()
        add_errors(form, exc.errors)
        return _render_review(listing, form, flt, 400)
    except StaleVersion as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(back)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    send_decision_emails([listing])
    flash(_("Keputusan untuk \"%(title)s\" tersimpan: %(status)s.", title=listing.title,
            status=status_label(listing.status)), "success")
    if form.save_next.data:
        nxt = next_in_queue(listing, flt)
        if nxt is None:
            flash(_("Tidak ada lagi produk yang menunggu di antrean ini."), "info")
            return redirect(url_for(".queue", round_id=listing.round_id, **flt.args()))
        return redirect(url_for(".review", listing_id=nxt.id, **flt.args()))
    return redirect(back)
