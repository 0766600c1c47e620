"""gunicorn settings for Etalase UMKM: ``gunicorn -c gunicorn.conf.py``.

Threaded workers (gthread), so a phone sending five photos over a slow network occupies
one thread, not a whole worker, and the timeout is long enough for that upload. Every
value comes from the environment (see README, "Configuration"):

=========================  ==================  =============================================
variable                   default             meaning
=========================  ==================  =============================================
``GUNICORN_BIND``          ``127.0.0.1:8000``  address to listen on (``0.0.0.0:8000`` in a
                                               container behind a proxy)
``WEB_CONCURRENCY``        ``2``               worker processes (about one per CPU core)
``GUNICORN_THREADS``       ``8``               threads per worker
``GUNICORN_TIMEOUT``       ``120``             seconds a request may take (slow uploads)
``GUNICORN_MAX_REQUESTS``  ``50000``           requests before a worker is recycled
=========================  ==================  =============================================

Several workers keep rate limits and the page cache per process unless ``REDIS_URL`` is
set; a warning says so at start-up.
"""

import os

wsgi_app = "marketplace:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A 62 MB request (5 photos x 12 MB) at 1 Mbit/s takes about 8 minutes; most phones send
# 3-5 MB photos, under a minute even on a poor 3G link. Past two minutes a stuck request is
# ended; a buffering reverse proxy (nginx) in front removes the slow client entirely.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory from large photo decodes), not all at once. Not too
# often: a recycled worker re-imports the app (about a second of CPU) and starts with an
# empty page cache; at 2,000 a worker serving cached pages at 1,500/s restarted every ~2 s
# and the catalogue fell from ~1.0 to ~0.4 of hello-world (bench/catalogue_bench.py).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# The app writes one JSON line per request itself (with its request id).
accesslog = None
errorlog = "-"
# Headers of the proxy are applied by the app's ProxyFix (PROXY_FIX_X_FOR…), not here.
forwarded_allow_ips = "127.0.0.1"


def shared_state_warning(worker_count: int, environ=os.environ) -> str | None:
    """The start-up warning for several workers without Redis, or None."""
    if worker_count > 1 and not environ.get("REDIS_URL"):
        return (
            f"{worker_count} workers without REDIS_URL: rate limits (login throttling) "
            "and the page cache are kept per worker process. Set REDIS_URL to share them."
        )
    return None


def on_starting(server):
    message = shared_state_warning(server.cfg.workers)
    if message:
        server.log.warning(message)
