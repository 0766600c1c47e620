"""More community portal pages on the listings blueprint: notifications (with the unread
count for the header), copy a past listing into the open round, carry a listing sent back
for changes into the next round, and members (invite by signed link, remove).

Registered by importing this module from ``listings/__init__.py``.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import invites
from ..auth.models import Role, User
from ..clock import now
from ..errors import DomainError, FormErrors, InvalidInput
from ..extensions import db
from ..whatsapp import wa_me_url
from ..notifications import for_community, mark_all_read, send_email, unread_count
from . import bp, services
from .forms import AcceptInviteForm, ActionForm, InviteForm
from .models import Business, Listing
from .views import member_required, own_or_404


@bp.app_context_processor
def notification_badge():
    """``unread_notifications`` for the header: only members of a community pay the query."""
    def count() -> int:
        user = current_user
        if not getattr(user, "is_authenticated", False) or user.role != Role.MEMBER or not user.community_id:
            return 0
        return unread_count(user.community_id)
    return {"unread_notifications": count}


# --- notifications ----------------------------------------------------------------------------

@bp.route("/notifikasi")
@member_required
def notifications():
    items = for_community(current_user.community_id)
    # Many sellers have no account: the coordinator forwards the decision to the seller's
    # WhatsApp in one tap (the link carries the same text as the notification).
    ids = {n.listing_id for n in items if n.listing_id}
    sellers = dict(db.session.execute(
        sa.select(Listing.id, Business.whatsapp).join(Business, Listing.business_id == Business.id)
        .where(Listing.id.in_(ids), Listing.community_id == current_user.community_id)).all()) if ids else {}
    forward = {n.id: wa_me_url(sellers[n.listing_id], n.message)
               for n in items if n.listing_id in sellers}
    return render_template("listings/notifications.html", items=items, forward=forward,
                           form=ActionForm())


@bp.route("/notifikasi/baca", methods=["POST"])
@member_required
def notifications_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    mark_all_read(current_user.community_id, now())
    db.session.commit()
    return redirect(url_for(".notifications"))


# --- copy and carry -----------------------------------------------------------------------------

@bp.route("/produk/<int:listing_id>/<any(salin, bawa):verb>", methods=["POST"])
@member_required
def listing_copy(listing_id: int, verb: str):
    """salin: copy into the open (else next) round; bawa: carry a changes_requested listing
    into the next round, withdrawing the original."""
    listing = own_or_404(Listing, listing_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    fn = services.copy_listing if verb == "salin" else services.carry_listing
    try:
        clone = fn(listing, actor=current_user, now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".listing_detail", listing_id=listing_id))
    db.session.commit()
    flash(_("Produk disalin ke %(round)s sebagai draf. Periksa lalu ajukan.", round=clone.round.title)
          if verb == "salin" else
          _("Produk dibawa ke %(round)s sebagai draf, dengan riwayatnya. Perbaiki lalu ajukan.",
            round=clone.round.title), "success")
    return redirect(url_for(".listing_detail", listing_id=clone.id))


# --- members --------------------------------------------------------------------------------------

def _members_page(form: InviteForm, link: str | None = None, status: int = 200):
    community = current_user.community
    return render_template(
        "listings/members.html", community=community, members=invites.community_members(community.id),
        form=form, action_form=ActionForm(), link=link, days=invites.max_age().days,
        wa_link=wa_me_url("", _("Anda diundang bergabung dengan %(c)s di %(site)s: %(link)s",
                                   c=community.name, site="Etalase UMKM", link=link)) if link else None), status


@bp.route("/anggota")
@member_required
def members():
    return _members_page(InviteForm(formdata=None))


@bp.route("/anggota/undang", methods=["POST"])
@member_required
def members_invite():
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        token = invites.invite(form.email.data or "", actor=current_user, now=now())
    except FormErrors as exc:
        db.session.rollback()
        form.email.errors = list(exc.errors.values())
        return _members_page(form, status=400)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".members"))
    db.session.commit()
    link = url_for(".accept_invite", token=token, _external=True)
    email = invites.read_invite(token).email
    sent = send_email([email], _("Undangan bergabung dengan %(c)s", c=current_user.community.name),
                      _("%(who)s mengundang Anda bergabung dengan %(c)s di Etalase UMKM.\n\nBuka tautan ini "
                        "dalam %(d)s hari untuk membuat akun:\n%(link)s", who=current_user.name,
                        c=current_user.community.name, d=invites.max_age().days, link=link))
    flash(_("Undangan untuk %(e)s dibuat%(mail)s. Tautan berlaku %(d)s hari.", e=email,
            mail=_(" dan dikirim lewat e-mail") if sent else "", d=invites.max_age().days), "success")
    return _members_page(InviteForm(formdata=None), link=link)


@bp.route("/anggota/<int:user_id>/hapus", methods=["POST"])
@member_required
def members_remove(user_id: int):
    member = db.session.get(User, user_id)
    if member is None or member.community_id != current_user.community_id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        invites.remove_member(member, actor=current_user, now=now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".members"))
    db.session.commit()
    flash(_("%(name)s tidak lagi menjadi anggota komunitas.", name=member.name), "success")
    return redirect(url_for(".members"))


@bp.route("/undangan/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """Open to anyone holding the link: create the invited member's account."""
    if current_user.is_authenticated:
        flash(_("Keluar dulu untuk menerima undangan dengan akun baru."), "info")
        return redirect(url_for("catalogue.home"))
    try:
        inv = invites.read_invite(token)
    except InvalidInput as exc:
        return render_template("listings/invite_accept.html", error=exc.message, inv=None, form=None), 400
    form = AcceptInviteForm()
    if form.validate_on_submit():
        try:
            invites.accept_invite(token, name=form.name.data or "", password=form.password.data or "", now=now())
        except FormErrors as exc:
            db.session.rollback()
            for name, message in exc.errors.items():
                getattr(form, name).errors = [message]
        except InvalidInput as exc:
            db.session.rollback()
            return render_template("listings/invite_accept.html", error=exc.message, inv=None, form=None), 400
        else:
            db.session.commit()
            flash(_("Akun Anda dibuat. Silakan masuk dengan %(e)s.", e=inv.email), "success")
            return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("listings/invite_accept.html", error=None, inv=inv, form=form), status
