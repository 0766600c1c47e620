"""The portal's member pages: the community's members, invitations by signed link, removing
a member, and accepting an invitation (open to whoever holds the link)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import invites
from ..auth.models import User
from ..clock import now
from ..errors import DomainError, FormErrors, InvalidInput
from ..extensions import db
from ..notifications import send_email
from ..whatsapp import wa_me_url
from . import bp
from .access import member_required
from .forms import AcceptInviteForm, ActionForm, InviteForm


def _members_page(form: InviteForm, link: str | None = None, status: int = 200):
    community = current_user.community
    return render_template(
        "listings/members.html",
        community=community,
        members=invites.community_members(community.id),
        form=form,
        action_form=ActionForm(),
        link=link,
        days=invites.max_age().days,
        wa_link=wa_me_url(
            "",
            _(
                "Anda diundang bergabung dengan %(c)s di %(site)s: %(link)s",
                c=community.name,
                site="Etalase UMKM",
                link=link,
            ),
        )
        if link
        else None,
    ), status


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
    sent = send_email(
        [email],
        _("Undangan bergabung dengan %(c)s", c=current_user.community.name),
        _(
            "%(who)s mengundang Anda bergabung dengan %(c)s di Etalase UMKM.\n\nBuka tautan ini "
            "dalam %(d)s hari untuk membuat akun:\n%(link)s",
            who=current_user.name,
            c=current_user.community.name,
            d=invites.max_age().days,
            link=link,
        ),
    )
    flash(
        _(
            "Undangan untuk %(e)s dibuat%(mail)s. Tautan berlaku %(d)s hari.",
            e=email,
            mail=_(" dan dikirim lewat e-mail") if sent else "",
            d=invites.max_age().days,
        ),
        "success",
    )
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
        return render_template(
            "listings/invite_accept.html", error=exc.message, inv=None, form=None
        ), 400
    form = AcceptInviteForm()
    if form.validate_on_submit():
        try:
            invites.accept_invite(
                token, name=form.name.data or "", password=form.password.data or "", now=now()
            )
        except FormErrors as exc:
            db.session.rollback()
            for name, message in exc.errors.items():
                getattr(form, name).errors = [message]
        except InvalidInput as exc:
            db.session.rollback()
            return render_template(
                "listings/invite_accept.html", error=exc.message, inv=None, form=None
            ), 400
        else:
            db.session.commit()
            flash(_("Akun Anda dibuat. Silakan masuk dengan %(e)s.", e=inv.email), "success")
            return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("listings/invite_accept.html", error=None, inv=inv, form=form), status
