"""The real app served on a free port on 127.0.0.1 (its own SQLite database from the
migrations, local media, a FixedClock the test moves), and a Playwright page on it that
saves screenshots and runs axe-core on every page it lands on."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from marketplace import create_app
from marketplace.clock import FixedClock
from marketplace.extensions import db as _db
from tests.browser import ARTIFACTS, axe_violations, format_violations, new_context, require
from tests.conftest import T0, base_config


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request would drown a failure
        pass


class LiveServer:
    """The app served by werkzeug in a thread. ``clock`` is the app's own clock: ``set`` or
    ``advance`` it to move the app's time. ``seed()`` gives an app context for builders."""

    def __init__(self, app, clock: FixedClock):
        self.app, self.clock = app, clock
        self._server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(10)
        self._server.server_close()

    def seed(self):
        """``with server.seed(): make_…(); db.session.commit()`` — data through the builders."""
        return _Seed(self.app)


class _Seed:
    def __init__(self, app):
        self.ctx = app.app_context()

    def __enter__(self):
        self.ctx.push()
        return _db

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                _db.session.commit()
        finally:
            _db.session.remove()
            self.ctx.pop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite database upgraded by the real migrations (the journeys always run on SQLite,
    even when the rest of the suite runs on PostgreSQL)."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("e2e-template")
    app = create_app(base_config(path, FixedClock(T0)))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return path / "test.sqlite3"


@pytest.fixture
def server(tmp_path, sqlite_template):
    clock = FixedClock(T0)
    shutil.copy(sqlite_template, tmp_path / "test.sqlite3")
    app = create_app(base_config(tmp_path, clock))
    live = LiveServer(app, clock).start()
    yield live
    live.stop()
    with app.app_context():
        _db.engine.dispose()


class Journey:
    """A browser tab for one user. After each navigation call :meth:`seen` (a screenshot
    into test-artifacts/e2e/<test>/ and an axe-core run); at the end the fixture checks
    that every document the tab loaded was seen."""

    def __init__(self, page, base_url: str, folder: Path, who: str, counter: list[int]):
        self.page, self.base, self.folder, self.who, self._counter = (
            page,
            base_url,
            folder,
            who,
            counter,
        )
        self.loaded: list[str] = []
        self.checked: set[str] = set()
        page.on(
            "framenavigated",
            lambda frame: frame == page.main_frame and self.loaded.append(frame.url),
        )

    def goto(self, path: str, name: str | None = None):
        response = self.page.goto(self.base + path)
        if name:
            self.seen(name)
        return response

    def go(self, action, name: str | None = None) -> None:
        """Run ``action`` (a click or key press that loads a page), wait until the new page
        has loaded, then :meth:`seen` it when ``name`` is given."""
        with self.page.expect_navigation(wait_until="load"):
            action()
        if name:
            self.seen(name)

    def seen(self, name: str, *, axe: bool = True) -> None:
        """Screenshot the page and assert axe-core finds no serious or critical violation."""
        self.page.wait_for_load_state("load")
        self._counter[0] += 1
        self.page.screenshot(
            path=str(self.folder / f"{self._counter[0]:02d}-{self.who}-{name}.png"), full_page=True
        )
        if axe:
            found = axe_violations(self.page)
            assert not found, format_violations(f"{self.who} / {name} ({self.page.url})", found)
        self.checked.add(self.page.url)

    def unseen(self) -> list[str]:
        return [u for u in self.loaded if u not in self.checked and u != "about:blank"]


@pytest.fixture
def journeys(browser, server, request):
    """``journeys(who, desktop=False)`` opens a tab with its own cookies for one user."""
    require("axe")
    folder = ARTIFACTS / "e2e" / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    contexts, tabs, counter = [], [], [0]

    def open_tab(who: str, *, desktop: bool = False) -> Journey:
        context = new_context(browser, desktop=desktop, base_url=server.url)
        contexts.append(context)
        tab = Journey(context.new_page(), server.url, folder, who, counter)
        tabs.append(tab)
        return tab

    yield open_tab
    report = getattr(request.node, "rep_call", None)
    failed = report is None or not report.passed
    if failed:  # what each tab showed when the test stopped
        for tab in tabs:
            try:
                tab.page.screenshot(path=str(folder / f"zz-failed-{tab.who}.png"), full_page=True)
            except Exception:  # a closed or crashed page: nothing to show
                pass
    for context in contexts:
        context.close()
    if failed:
        return
    unchecked = {t.who: t.unseen() for t in tabs if t.unseen()}
    assert not unchecked, f"pages loaded without a screenshot and an axe-core run: {unchecked}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL pass the journeys would only repeat the SQLite pass: their live server
    always runs on its own SQLite file (``sqlite_template``). Skip them there, saying so."""
    from tests.conftest import PG_URL

    if not PG_URL:
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason="browser journeys run on SQLite; they ran in the SQLite pass")
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(skip)
