"""Read replicas: with GLOSSARY_READ_ONLY=true the app serves reads and refuses writes.

A read node's database is a copy that Litestream keeps in step with the primary
(``litestream restore -f``). It is opened read-only; every page or API call that
writes (or needs an account: signing in writes) answers 503 naming the primary
(GLOSSARY_PRIMARY_URL), and the links to those pages lead to the primary. The
search index follows the replicated change counter and change log like any
worker's (glossary.lookup).
"""

from __future__ import annotations

from flask import current_app, render_template, request, url_for

# What a read node serves; every other endpoint belongs to the primary.
READ_ENDPOINTS = frozenset(
    {
        "static",
        "pages.home",
        "pages.search",
        "pages.concept",
        "pages.domains",
        "pages.domain",
        "pages.browse",
        "pages.about",
        "review.history",
        "exchange.export_page",
        "exchange.export_file",
        "exchange.download",
        "api.search",
        "api.suggest",
        "api.concept",
        "api.concept_history",
        "api.domains",
        "api.openapi",
        "check.check_form",
    }
)
# Read-only work sent by POST (a text to check): served, since nothing is written.
READ_POSTS = frozenset(
    {"api.check", "api.qa", "check.check_text", "check.check_translation",
     "check.job_glossary"}
)  # fmt: skip
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def primary_url() -> str:
    """Return the primary's base URL (GLOSSARY_PRIMARY_URL), without a final slash."""
    return str(current_app.config.get("PRIMARY_URL") or "").rstrip("/")


def refuse_writes():
    """Answer 503 to anything but a read of a public page or API answer."""
    if request.endpoint is None:
        return None  # unknown URL: 404 as anywhere
    if request.endpoint in READ_ENDPOINTS and request.method in SAFE_METHODS:
        return None
    if request.endpoint in READ_POSTS:
        return None
    primary = primary_url()
    where = primary + request.full_path.rstrip("?") if primary else ""
    if request.path.startswith("/api/"):
        from .problems import Problem
        from .views.api import error_response

        problem = Problem("read_only_replica", "", {"primary": primary or "(not set)"})
        return error_response(503, problem)
    page = render_template("errors/read_only.html", primary=primary, where=where)
    return page, 503


def replica_url_for(endpoint: str, **values) -> str:
    """url_for for templates on a read node: write pages are linked on the primary."""
    url = url_for(endpoint, **values)
    primary = primary_url()
    if endpoint in READ_ENDPOINTS | READ_POSTS or not primary or "://" in url:
        return url
    return primary + url


def init_app(app) -> None:
    """On a read node (READ_ONLY), refuse writes and link write pages to the primary."""
    if not app.config.get("READ_ONLY"):
        return
    app.before_request(refuse_writes)
    app.jinja_env.globals["url_for"] = replica_url_for
    app.jinja_env.globals["read_only_replica"] = True
