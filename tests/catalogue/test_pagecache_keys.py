"""The page cache's key: one entry per normalised query, whatever the parameter order or the
spelling of empty parameters; different searches stay different entries."""

from __future__ import annotations

from flask import request, request_started

from marketplace.catalogue.pagecache import normalised_query
from tests.builders import make_public_listing


def test_normalised_query_sorts_and_drops_empty_parameters():
    same = [
        "q=kopi&urut=murah",
        "urut=murah&q=kopi",
        "q=kopi&kategori=&urut=murah",
        "kecamatan=%20&urut=murah&q=kopi&halal=",
    ]
    assert {normalised_query(s) for s in same} == {"q=kopi&urut=murah"}
    assert normalised_query("q=kopi+gayo") == normalised_query("q=kopi%20gayo")
    assert normalised_query("q=kopi") != normalised_query("q=teh")
    assert normalised_query("kategori=a&kategori=b") != normalised_query("kategori=b&kategori=a")
    assert normalised_query("") == ""


def test_reordered_and_blank_parameters_are_served_from_one_entry(app, client, db):
    make_public_listing(title="Kopi Robusta")
    db.session.commit()
    reached = []

    def record(sender, **extra):
        reached.append(request.full_path)

    with request_started.connected_to(record, app):
        first = client.get("/katalog?q=kopi&urut=murah")
        again = client.get("/katalog?urut=murah&kategori=&q=kopi")
        other = client.get("/katalog?q=teh&urut=murah")
    assert first.status_code == again.status_code == other.status_code == 200
    assert "Robusta" in again.get_data(as_text=True)
    assert again.get_data() == first.get_data()
    assert len(reached) == 2  # the reordered URL was a hit; another word was not
    assert reached[1].startswith("/katalog?q=teh")
