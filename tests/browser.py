"""Real tools for the browser and HTML-quality tests: Debian's chromium driven by Playwright
(no browser download), axe-core and the W3C Nu checker from the pinned npm packages.

A test that needs a tool calls :func:`require`; a missing tool skips the test on a laptop
but fails it in CI (``CI=true``), so CI can never pass by silently running nothing.
The ``browser`` fixture (one Chromium for the whole session) is imported by
``tests/conftest.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(reason: str):
    if in_ci():
        pytest.fail(
            f"{reason} (CI=true: .ci/install-browser.sh and `make test` must provide it)",
            pytrace=False,
        )
    pytest.skip(reason)


def _node_tools() -> None:
    """Run ``npm ci`` once if the pinned Node tools are absent and npm is here."""
    if AXE_JS.exists() and VNU_JAR.exists():
        return
    if shutil.which("npm") is None:
        _missing("npm is not installed, so the pinned axe-core / vnu-jar are missing")
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ROOT,
        check=True,
        timeout=600,
    )


def require(*tools: str) -> None:
    """Skip (or, in CI, fail) unless every named tool is usable:
    ``chromium``, ``playwright``, ``axe``, ``java``, ``vnu``."""
    for tool in tools:
        if tool == "chromium" and not Path(CHROMIUM).exists():
            _missing(f"{CHROMIUM} is not installed (run .ci/install-browser.sh)")
        elif tool == "playwright":
            try:
                import playwright  # noqa: F401
            except ImportError:
                _missing(
                    "the playwright package is not installed (pip install -r requirements.txt)"
                )
        elif tool == "java" and shutil.which("java") is None:
            _missing("java is not installed (run .ci/install-browser.sh)")
        elif tool in ("axe", "vnu"):
            _node_tools()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole test session."""
    require("playwright", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def new_context(browser, *, desktop: bool = False, **kw):
    """A fresh context (own cookies) on a phone (360×780) or desktop (1280×800) screen.
    ``bypass_csp`` lets axe-core be injected under the site's ``script-src 'self'``."""
    size = DESKTOP if desktop else PHONE
    opts = {
        "viewport": size,
        "locale": "id-ID",
        "timezone_id": "Asia/Jakarta",
        "bypass_csp": True,
        "service_workers": "block",
    }
    if not desktop:
        opts.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    opts.update(kw)
    context = browser.new_context(**opts)
    context.set_default_timeout(15_000)
    return context


SERIOUS = ("serious", "critical")


def axe_violations(page, *, impacts=SERIOUS) -> list[dict]:
    """Run axe-core on the page now loaded; the serious and critical violations, each as
    ``{"id", "impact", "help", "targets"}``."""
    require("axe")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(
                n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
    }""")
    return [v for v in result if v["impact"] in impacts]


def format_violations(where: str, violations: list[dict]) -> str:
    return f"axe-core on {where}:\n" + "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']}\n"
        + "\n".join(f"      {t}" for t in v["targets"])
        for v in violations
    )


def run_vnu(paths: list[Path]) -> list[dict]:
    """Validate HTML files with the W3C Nu checker in ONE java run (it is slow to start);
    the error messages, each with its file ``url``."""
    require("java", "vnu")
    proc = subprocess.run(
        [
            "java",
            "-Xss4m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(proc.stderr or proc.stdout)
    return [
        m for m in report.get("messages", []) if m.get("type") in ("error", "non-document-error")
    ]
