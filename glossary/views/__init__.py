"""Blueprints (pages, api) and what they share: error pages and security headers."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, ValidationError

from .. import problems
from ..auth import csrf, csrf_failed
from ..concepts import NotFound
from ..db import FAULT_TYPES, RETRY_AFTER_SECONDS, classify_fault
from ..model import MAX_ID
from ..problems import Problem

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: 1 to MAX_ID, so a huge number is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str):
        # int() of thousands of digits raises ValueError (and is slow): count first.
        if len(value) > len(str(self.max or MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


class ServiceUnavailable(HTTPException):
    """503: the database is busy with a long write (an import); retry shortly."""

    code = 503

    def get_headers(self, environ=None, scope=None):
        headers = super().get_headers(environ, scope)
        headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
        return headers


class InsufficientStorage(HTTPException):
    """507: the disk holding the database (or an upload) is full."""

    code = 507


def fault_response(error: BaseException):
    """Answer a busy database (503, Retry-After) or a full disk (507), else None.

    A write that meets a long import (SQLITE_BUSY past the timeout) or a full
    disk is not a bug: say so, with a status a client can act on.
    """
    from . import api
    from .messages import page_message

    fault = classify_fault(error)
    if fault is None:
        return None
    current_app.logger.warning("database %s: %s", fault.kind, fault.detail)
    if fault.kind == "busy":
        problem = Problem("database_busy", "", {"seconds": RETRY_AFTER_SECONDS})
        exc: HTTPException = ServiceUnavailable()
    else:
        problem = Problem("disk_full")
        exc = InsufficientStorage()
    if request.path.startswith("/api/"):
        return api.error_response(exc.code, problem, exc.get_headers())
    exc.description = page_message(problem)
    return current_app.handle_http_exception(exc)


def init_app(app) -> None:
    """Register the blueprints, the error handlers and the security headers."""
    from . import (
        api,
        api_check,
        api_review,
        auth,
        check,
        exchange,
        messages,
        pages,
        quality,
        review,
    )

    del api_review, api_check  # their routes live on api.bp: importing registers them
    # Before any route is added: every <int:…> in a URL is a bounded id.
    app.url_map.converters["int"] = IdConverter
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(exchange.bp)
    app.register_blueprint(check.bp)
    app.register_blueprint(quality.bp)
    messages.init_app(app)
    pages.init_app(app)
    auth.init_app(app)
    review.init_app(app)

    csrf.exempt(api.bp)  # bearer tokens only: no cookie, so no CSRF

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        # One place for "load it or answer 404": views let NotFound through.
        if request.path.startswith("/api/"):
            return api.error_response(404, problems.not_found(error.what, error.ident))
        return render_template("errors/404.html"), 404

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, CSRFError):
            error = csrf_failed(error)
        # Routing errors (unknown URL, wrong method) never reach a blueprint's
        # handler: answer API paths in the API's error shape here.
        if request.path.startswith("/api/"):
            return api.error_response(
                error.code or 500, api.http_problem(error), error.get_headers()
            )
        if error.code == 404:
            return render_template("errors/404.html"), 404
        if error.code in (400, 401, 403, 405, 409, 413, 429, 503, 507):
            return (
                render_template("errors/error.html", error=error),
                error.code,
                [h for h in error.get_headers() if h[0] == "Retry-After"],
            )
        return error

    def database_fault(error: Exception):
        answer = fault_response(error)
        if answer is not None:
            return answer
        if request.path.startswith("/api/"):
            current_app.logger.exception("API error")
            return api.error_response(500, Problem("internal_error"))
        raise error

    for fault_type in FAULT_TYPES:
        app.register_error_handler(fault_type, database_fault)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
