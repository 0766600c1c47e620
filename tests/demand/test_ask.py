""" "Saya cari…": the one-line form on empty and thin result pages, counted as a stronger
signal, K-anonymous, rate limited, no account."""

from __future__ import annotations

from marketplace import create_app
from marketplace.demand.models import KIND_ASK, DemandSearch
from marketplace.demand.queries import top_queries
from marketplace.extensions import db
from tests.builders import make_public_listing
from tests.conftest import CSRFClient, base_config
from tests.demand.test_counting import DAY, PHONE, demand, rows


def ask(client, text, address="10.0.2.1", **extra):
    return client.post(
        "/saya-cari",
        data={"q": text, **extra},
        headers={"User-Agent": PHONE},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_form_shows_on_empty_and_thin_pages_only(app, client):
    make_public_listing(title="Keripik Singkong")
    db.session.commit()
    assert 'id="saya-cari"' in client.get("/katalog?q=masker+kain").get_data(as_text=True)
    assert 'id="saya-cari"' in client.get("/katalog?q=keripik").get_data(as_text=True)  # thin
    assert 'id="saya-cari"' not in client.get("/katalog").get_data(as_text=True)  # no search
    page = client.get("/saya-cari?q=masker+kain&kategori=fesyen").get_data(as_text=True)
    assert 'value="masker kain"' in page and 'name="csrf_token"' in page


def test_asks_are_counted_and_shown_only_past_k(app):
    for n in range(2):
        response = ask(app.test_client(), "Masker KAIN anak", f"10.0.2.{n}", kategori="fesyen")
        assert response.status_code == 302
    demand(app).flush()
    assert [(r.kind, r.query, r.category) for r in rows()] == [
        (KIND_ASK, "masker kain anak", "fesyen")
    ]
    assert top_queries(DAY, DAY, kind=KIND_ASK) == []
    ask(app.test_client(), "masker kain anak!", "10.0.2.9")
    demand(app).flush()
    assert [q.query for q in top_queries(DAY, DAY, kind=KIND_ASK)] == ["masker kain anak"]
    assert top_queries(DAY, DAY) == []  # asks are not searches


def test_personal_text_is_refused_and_never_stored(app, client):
    for text in ("hubungi saya 0812-3456-7890", "sri@example.com", ""):
        response = ask(client, text)
        assert response.status_code == 400
        assert "Tulis" in response.get_data(as_text=True)
    demand(app).flush()
    assert db.session.execute(db.select(DemandSearch)).first() is None


def test_asks_are_rate_limited_per_address(app, tmp_path, clock):
    config = base_config(tmp_path / "limited", clock)
    config.update(
        DATABASE_URL=app.config["DATABASE_URL"],
        RATELIMIT_ENABLED=True,
        DEMAND_ASK_RATE_LIMIT="2 per hour",
    )
    limited = create_app(config)
    limited.test_client_class = CSRFClient
    client = limited.test_client()
    assert ask(client, "masker kain").status_code == 302
    assert ask(client, "masker kain").status_code == 302
    assert ask(client, "masker kain").status_code == 429
    assert ask(limited.test_client(), "masker kain", "10.0.2.200").status_code == 302
