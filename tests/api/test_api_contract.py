"""The OpenAPI document is the contract: an outside validator accepts it, every route under
/api/v1 is in it (and nothing else), and schemathesis (its CLI, against the app served on
127.0.0.1) finds no 5xx and no answer that breaks the document."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

from openapi_spec_validator import validate
from werkzeug.serving import WSGIRequestHandler, make_server

from marketplace.api.openapi import PATHS as _PATHS
from tests.builders import (
    make_business,
    make_community,
    make_public_listing,
    make_published_round,
)


def _doc(client) -> dict:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


def test_openapi_spec_validator_accepts_the_document(client, db):
    doc = _doc(client)
    assert doc["openapi"] == "3.1.0"
    validate(doc)  # raises OpenAPIValidationError


def test_every_api_route_is_documented(app, client, db):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint not in (
            "api.openapi_json",
            "api.docs",
        ):
            routes.add(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule))
    documented = set(_doc(client)["paths"])
    assert routes, "no API routes found"
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented paths that have no route"


def test_docs_page_is_rendered_on_the_server_without_a_cdn(client, db):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    for path in _doc(client)["paths"]:
        assert f"GET {path}" in html
    assert "ListingDetail" in html and "invalid_cursor" in html
    assert "<script src=" not in html and "cdn" not in html.lower()


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def test_schemathesis_finds_nothing_against_the_running_app(app, db, tmp_path):
    rnd = make_published_round()
    community = make_community(name="Komunitas Kopi")
    business = make_business(community, name="Kopi Setu")
    make_public_listing(rnd=rnd, business=business, title="Kopi Robusta", photos=2)
    make_public_listing(rnd=rnd, title="Keripik", price=None, photos=1)
    for i in range(3):
        make_public_listing(rnd=rnd, title=f"Produk {i}", photos=0)
    db.session.commit()

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/v1/openapi.json"
        st = Path(sys.executable).with_name("st")
        result = subprocess.run(
            [
                str(st),
                "run",
                url,
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                "response_headers_conformance,response_schema_conformance",
                "--mode",
                "positive",
                "--max-examples",
                "25",
                "--seed",
                "16",
                "--phases",
                "examples,coverage,fuzzing",
                "--no-color",
                "--suppress-health-check",
                "all",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    tested = re.search(r"Tested:\s+(\d+)", output)
    assert tested and int(tested.group(1)) == len(_PATHS), output[-3000:]
    assert "No issues found" in output, output[-3000:]
