"""gunicorn settings for the glossary: `gunicorn -c deploy/gunicorn.conf.py
'glossary:create_app()'` (README, "Run it").

Threaded workers (gthread): an idle or slow client holds a connection in the
worker's poller, not a whole worker, so a handful of them cannot stall the
service as they do sync workers. Long imports run in a background thread
(the web import job), never inside a request, so the request timeout stays short.
"""

import os

bind = os.environ.get("GLOSSARY_BIND", "127.0.0.1:8000")
# gthread with a 10 s limit on a silent connection (glossary/serving.py).
worker_class = "glossary.serving.TimeoutThreadWorker"
workers = int(os.environ.get("GLOSSARY_WORKERS", "2"))
threads = int(os.environ.get("GLOSSARY_THREADS", "16"))
# A request that has not finished in 30 s is killed with its worker; nothing
# legitimate takes that long (imports run as jobs).
timeout = 30
graceful_timeout = 30
# Idle keep-alive connections are closed after 5 s.
keepalive = 5
# Request line and headers: small limits, so a client cannot make a worker
# buffer much before the request is even parsed.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Behind nginx (deploy/nginx.conf): trust X-Forwarded-* from loopback only.
forwarded_allow_ips = "127.0.0.1"

# The app is imported once, in the master, which then opens the search index
# (mapped from its file) and loads pymorphy3's dictionaries before it forks: the
# workers share those pages and answer their first search at once. The app
# factory opens no database connection, and the warm-up's is closed before the
# fork, so no SQLite connection crosses it.
preload_app = True


def when_ready(server):
    """Warm the loaded app in the master before the workers are forked."""
    import gc
    import logging

    app = server.app.wsgi()
    try:
        from glossary.lookup import warm

        warm(app)
    except Exception:  # a worker opens (or builds) the index on its own then
        logging.getLogger("gunicorn.error").exception("index warm-up failed")
    # objects made so far are never freed: keep the collector off their pages,
    # so that the workers' copies stay shared
    gc.freeze()
