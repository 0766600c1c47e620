"""`make test` on a fresh machine: missing system parts are installed (root on Debian) or the
skipped groups are named, with the one command that installs them (tests/testparts.py)."""

import subprocess
import sys

import pytest

from tests import testparts
from tests.testparts import GROUPS, group_of, install, summary

# The reasons the suite's tests really give when a part is missing (tests/browser.py,
# tests/project/test_shared_state.py, tests/project/test_backup.py).
CHROMIUM = "/usr/bin/chromium is not installed (run .ci/install-browser.sh)"
PLAYWRIGHT = "the playwright package is not installed (pip install -r requirements.txt)"
JAVA = "java is not installed (run .ci/install-browser.sh)"
NPM = "npm is not installed, so the pinned axe-core / vnu-jar are missing"
REDIS = "redis-server is not installed (bash .ci/install-redis.sh)"
PG = "runs in the PostgreSQL pass of the suite"


@pytest.mark.parametrize(
    "reason, group",
    [
        (CHROMIUM, "browser"),
        (PLAYWRIGHT, "browser"),
        (JAVA, "html"),
        (NPM, "html"),
        (REDIS, "redis"),
        (PG, "postgresql"),
        ("SQLite only", None),
        ("SQLite triggers", None),
        ("browser journeys run on SQLite; they ran in the SQLite pass", None),
    ],
)
def test_each_skip_reason_falls_in_its_group(reason, group):
    found = group_of(reason)
    assert (found.name if found else None) == group


def test_summary_names_each_skipped_group_and_one_install_command():
    lines = summary([CHROMIUM] * 3 + [REDIS, JAVA, "SQLite only"], is_root=False)
    assert lines[0].startswith("Skipped groups")
    assert lines[1] == (
        f"  browser: 3 skipped — browser journeys (Chromium, Playwright): {CHROMIUM}"
    )
    assert lines[2].startswith("  html: 1 skipped") and lines[3].startswith("  redis: 1 skipped")
    assert lines[4:] == ["Install them all (Debian, idempotent): sudo make test-deps"]
    as_root = summary([PG], is_root=True)
    assert as_root[-2:] == [
        "Install them all (Debian, idempotent): make test-deps",
        "Then run the PostgreSQL pass as CI does: make test-pg",
    ]
    # parts present, the group skipped by design (the SQLite pass): only the pass's command
    assert summary([PG], is_root=True, absent=["redis"])[-1] == (
        "Then run the PostgreSQL pass as CI does: make test-pg"
    )
    assert not any("make test-deps" in line for line in summary([PG], is_root=True, absent=[]))
    assert summary(["SQLite only"], is_root=False) == []
    assert summary([], is_root=True) == []


def _which(present):
    return lambda name: name if name in present else None


def test_install_runs_each_missing_groups_script_once_as_root_on_debian():
    ran = []
    scripts = install(
        is_root=True,
        has_apt=True,
        run=ran.append,
        which=_which({"npm"}),  # no chromium, java, redis, postgres
        echo=lambda *_: None,
    )
    # browser and html share one script; PostgreSQL is left to `make test-pg`
    assert scripts == [".ci/install-browser.sh", ".ci/install-redis.sh"]
    assert ran == [["bash", ".ci/install-browser.sh"], ["bash", ".ci/install-redis.sh"]]


def test_install_runs_nothing_when_everything_is_there_or_not_root_on_debian():
    everything = _which({need for g in GROUPS for need in g.needs})
    ran = []
    assert install(is_root=True, has_apt=True, run=ran.append, which=everything) == []
    nothing = _which(set())
    assert install(is_root=False, has_apt=True, run=ran.append, which=nothing) == []
    assert install(is_root=True, has_apt=False, run=ran.append, which=nothing) == []
    assert ran == []


def test_the_plugin_is_loaded_for_the_suite(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("tests.testparts")


def test_a_run_with_skips_ends_with_the_groups_and_the_command(tmp_path):
    (tmp_path / "test_fake.py").write_text(
        "import pytest\n"
        f"def test_redis():\n    pytest.skip({REDIS!r})\n"
        f"def test_chromium():\n    pytest.skip({CHROMIUM!r})\n"
        "def test_plain():\n    pytest.skip('SQLite only')\n"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.testparts",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        cwd=tmp_path,
        # a machine without the parts: nothing on PATH, no chromium
        env={
            "PYTHONPATH": str(testparts.ROOT),
            "PATH": str(tmp_path),
            "CHROMIUM_PATH": str(tmp_path / "chromium"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    tail = out[out.index("skipped groups") :]
    assert "  browser: 1 skipped" in tail and "  redis: 1 skipped" in tail
    assert "SQLite only" not in tail
    assert "make test-deps" in tail
