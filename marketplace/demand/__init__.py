"""Demand signals ("Dicari pembeli"): what shoppers search for in the catalogue and do not
find, counted anonymously per day.

Owns: the counting middleware (``middleware.py``, installed by ``create_app`` outside the
page cache), the search facts and privacy filters (``facts.py``), the in-memory and Redis
counters (``counters.py``), the batch flush into the daily tables (``flush.py``,
``models.py``) and the K-anonymous reads (``queries.py``).

May import ``catalogue`` (its search normalisation), ``auth`` and the shared modules; only
``create_app`` (and later the staff board) imports it.
"""
