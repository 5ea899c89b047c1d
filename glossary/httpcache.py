"""HTTP caching: ETag from the glossary's generation, Cache-Control for a CDN, 304.

What an anonymous GET shows depends only on the glossary (its generation
counter and the review decisions, which the public history lists), the
interface language, the URL and the code that renders it. Its ETag is made of
exactly those, so it is known before anything is rendered: a conditional
request whose ``If-None-Match`` names it gets 304 at the cost of two counter
reads. Anonymous answers are ``public`` (a CDN may keep them ``s-maxage``
seconds, GLOSSARY_CACHE_SHARED_MAX_AGE); anything for a signed-in user or a
bearer token, any form with a CSRF token, anything that sets a cookie and every
error is ``private, no-store``.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import sqlite_utils
from flask import Response, current_app, g, request, session
from flask_babel import get_locale

from . import ROOT
from .concepts import generation

SHARED_MAX_AGE = 10  # seconds a CDN may answer without asking (configurable)
PRIVATE = "private, no-store"


def content_version(db: sqlite_utils.Database) -> str:
    """Return what public pages depend on: the generation and the last decision."""
    reviews = db.execute("select coalesce(max(id), 0) from reviews").fetchone()[0]
    return f"{generation(db)}.{reviews}"


@functools.cache
def code_version() -> str:
    """Return a digest of the code, templates and catalogs that render the pages.

    Content, not modification times: every node of a deployment that runs the
    same release gives the same ETags.
    """
    digest = hashlib.sha256()
    for folder, pattern in (
        (ROOT / "glossary", "**/*.py"),
        (ROOT / "glossary" / "translations", "**/*.mo"),
        (ROOT / "templates", "**/*.html"),
        (ROOT / "static", "**/*"),
    ):
        for path in sorted(Path(folder).glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _anonymous() -> bool:
    return g.get("user") is None and "Authorization" not in request.headers


def _etag() -> str:
    from .db import get_db

    return f"{content_version(get_db())}-{get_locale()}-{code_version()}"


def _public_headers(response: Response, etag: str) -> None:
    age = current_app.config.get("CACHE_SHARED_MAX_AGE", SHARED_MAX_AGE)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={int(age)}"
    response.vary.update(("Accept-Language", "Cookie"))


def answer_conditional():
    """Answer 304 (no body) to a GET whose If-None-Match names the current ETag."""
    if request.method not in ("GET", "HEAD") or not _anonymous():
        return None
    if request.endpoint in (None, "static"):
        return None  # static files have werkzeug's own ETags
    etag = _etag()
    g.etag = etag
    if etag in request.if_none_match:
        response = Response(status=304)
        _public_headers(response, etag)
        return response
    return None


def cache_headers(response: Response) -> Response:
    """Mark an answer public (with its ETag) or private, as described above."""
    if request.endpoint == "static" or response.status_code == 304:
        return response
    etag = g.get("etag")
    cacheable = (
        etag is not None
        and response.status_code == 200
        and _anonymous()
        and not session.modified
        and "Set-Cookie" not in response.headers
    )
    if cacheable:
        _public_headers(response, etag)
    else:
        response.headers["Cache-Control"] = PRIVATE
        response.headers.pop("ETag", None)
    return response


def init_app(app) -> None:
    """Answer conditional GETs early and put caching headers on every answer."""
    app.config.setdefault("CACHE_SHARED_MAX_AGE", SHARED_MAX_AGE)
    app.before_request(answer_conditional)
    app.after_request(cache_headers)
