"""Command-line tools: ``flask --app marketplace create-admin EMAIL``, ``demo``…"""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach every command to ``app.cli``."""
    from .auth.cli import create_admin, reset_second_factor
    from .demo import demo_cli
    from .instagram.cli import instagram_kit
    from .rounds.cli import rounds_cli
    from .stats.cli import stats_cli

    app.cli.add_command(create_admin)
    app.cli.add_command(reset_second_factor)
    app.cli.add_command(demo_cli)
    app.cli.add_command(rounds_cli)
    app.cli.add_command(instagram_kit)
    app.cli.add_command(stats_cli)
    from .backup import backup_cli

    app.cli.add_command(backup_cli)
