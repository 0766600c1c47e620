"""The parts of the test suite that need more than Python, and what to do when they are missing.

Four groups need system parts (Debian packages) that CI installs with ``.ci/install-*.sh``:
the browser journeys, the HTML checkers, the Redis tests and the PostgreSQL pass. A laptop
without them skips those tests, and a green ``make test`` then proves less than CI's.

- ``python tests/testparts.py install`` (``make test`` runs it first): as root on Debian,
  runs the install script of each group whose parts are missing (the scripts are idempotent,
  and a group whose parts are all present runs nothing, so a second ``make test`` installs
  nothing); elsewhere it does nothing and the summary below says what to run.
- As a pytest plugin (``pytest_plugins`` in the root ``conftest.py``): at the end of the run,
  sorts every skip reason into its group and prints which groups were skipped, how many tests
  each, why, and the one command that installs them all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALL_COMMAND = "make test-deps"  # runs every group's script (see Makefile)


@dataclass(frozen=True)
class Group:
    """One group of tests that needs system parts.

    ``words`` are lower-case fragments of the skip reasons its tests give; ``needs`` the
    programs (looked up on PATH, or absolute paths) whose absence means the group will
    skip; ``script`` the ``.ci/`` script that installs them; ``run`` the command that runs
    the group when ``make test`` does not (the PostgreSQL pass)."""

    name: str
    label: str
    words: tuple[str, ...]
    needs: tuple[str, ...]
    script: str
    run: str = ""


GROUPS = (
    Group(
        "browser",
        "browser journeys (Chromium, Playwright)",
        ("chromium", "playwright"),
        (os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),),  # as tests/browser.py
        ".ci/install-browser.sh",
    ),
    Group(
        "html",
        "HTML checkers (W3C Nu checker on Java, axe-core from npm)",
        ("java", "npm", "axe-core", "vnu"),
        ("java", "npm"),
        ".ci/install-browser.sh",
    ),
    Group(
        "redis",
        "Redis shared-state tests",
        ("redis",),
        ("redis-server",),
        ".ci/install-redis.sh",
    ),
    Group(
        "postgresql",
        "PostgreSQL pass",
        ("postgresql pass", "postgresql"),
        ("/usr/lib/postgresql/15/bin/postgres",),
        ".ci/install-postgres.sh",
        run="make test-pg",
    ),
)


def group_of(reason: str) -> Group | None:
    """The group a skip reason belongs to (first match in ``GROUPS`` order), or None for a
    skip that no installed part would change (e.g. "SQLite only" on the PostgreSQL pass)."""
    text = reason.lower()
    for group in GROUPS:
        if any(word in text for word in group.words):
            return group
    return None


def summary(
    reasons: Iterable[str], *, is_root: bool, absent: Iterable[str] | None = None
) -> list[str]:
    """The closing lines for these skip reasons (one per skipped test): a line per skipped
    group with its count and first reason, then the one command that installs them all
    (prefixed with ``sudo`` when not run as root) if a skipped group's parts are ``absent``
    (group names; None: assume all are), and the PostgreSQL pass's command if it skipped.
    Empty when no group was skipped."""
    by_group: dict[str, list[str]] = {}
    for reason in reasons:
        group = group_of(reason)
        if group is not None:
            by_group.setdefault(group.name, []).append(reason)
    if not by_group:
        return []
    lines = ["Skipped groups (they need system parts, or another pass of the suite):"]
    runs = []
    for group in GROUPS:
        found = by_group.get(group.name)
        if found:
            lines.append(f"  {group.name}: {len(found)} skipped — {group.label}: {found[0]}")
            if group.run:
                runs.append(group.run)
    absent = set(by_group) if absent is None else set(absent) & set(by_group)
    if absent:
        command = INSTALL_COMMAND if is_root else f"sudo {INSTALL_COMMAND}"
        lines.append(f"Install them all (Debian, idempotent): {command}")
    for run in runs:
        lines.append(f"Then run the PostgreSQL pass as CI does: {run}")
    return lines


def missing(groups: Iterable[Group] = GROUPS, which: Callable = shutil.which) -> list[Group]:
    """The groups whose parts are not all on this machine (``which`` is ``shutil.which``)."""
    return [g for g in groups if not all(which(need) for need in g.needs)]


def install(
    groups: Iterable[Group] = GROUPS,
    *,
    is_root: bool,
    has_apt: bool,
    run: Callable[[list[str]], object],
    which: Callable = shutil.which,
    echo: Callable[[str], object] = print,
) -> list[str]:
    """Run, once each, the install script of every group whose parts are missing; returns
    the scripts run. Only as root on Debian (``apt-get``), otherwise nothing is run (the
    end-of-run summary names the command). The PostgreSQL group is left to ``make test-pg``,
    which installs and starts its server itself."""
    todo = [g for g in missing(groups, which) if not g.run]
    if not todo:
        return []
    if not (is_root and has_apt):
        return []
    scripts = list(dict.fromkeys(g.script for g in todo))
    for script in scripts:
        echo(
            f"== installing what the {', '.join(g.name for g in todo if g.script == script)} "
            f"tests need: bash {script}"
        )
        run(["bash", script])
    return scripts


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# -- pytest plugin --------------------------------------------------------------------------


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            reasons.append(str(longrepr[2]).removeprefix("Skipped: "))
    lines = summary(reasons, is_root=_is_root(), absent=[g.name for g in missing()])
    if lines:
        terminalreporter.write_sep("=", "skipped groups", yellow=True)
        for line in lines:
            terminalreporter.write_line(line)


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        sys.exit("usage: python tests/testparts.py install")
    install(
        is_root=_is_root(),
        has_apt=shutil.which("apt-get") is not None,
        run=lambda cmd: subprocess.run(cmd, cwd=ROOT, check=True, stdout=sys.stderr),
    )
