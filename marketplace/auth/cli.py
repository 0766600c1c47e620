"""``flask --app marketplace create-admin EMAIL``."""

import click
from flask.cli import with_appcontext

from ..clock import now
from ..errors import InvalidInput
from ..extensions import db
from .models import Role


@click.command("create-admin")
@click.argument("email")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
@click.option("--role", type=click.Choice(["admin", "moderator"]), default="admin")
@with_appcontext
def create_admin(email: str, password: str, role: str) -> None:
    """Create a staff account (admin by default), or promote an existing one."""
    from .services import create_staff

    try:
        user = create_staff(email, password, role=Role(role), now=now())
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"{user.role.value} {user.email} siap.")


@click.command("reset-2fa")
@click.argument("email")
@with_appcontext
def reset_second_factor(email: str) -> None:
    """Remove a staff user's second factor (lost phone, no recovery code left); they enrol
    again at their next login. Ends their sessions."""
    import sqlalchemy as sa

    from . import second_factor
    from .models import User
    from .services import end_sessions, normalise_email

    try:
        email = normalise_email(email)
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from None
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not user.is_staff:
        raise click.ClickException(f"Tidak ada akun staf {email}.")
    second_factor.reset(user, actor=None, now=now())
    end_sessions(user)
    db.session.commit()
    click.echo(
        f"Verifikasi dua langkah {user.email} dihapus; daftarkan lagi saat masuk berikutnya."
    )
