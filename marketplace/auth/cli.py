"""``flask --app marketplace create-admin EMAIL``."""
import click
from flask.cli import with_appcontext

from ..clock import now
from ..errors import InvalidInput
from ..extensions import db
from .models import Role


@click.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given.")
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
