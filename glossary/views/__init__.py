"""Blueprints (pages, api) and what they share: error pages and security headers."""

from __future__ import annotations

from flask import render_template, request
from werkzeug.exceptions import HTTPException

from .. import problems
from ..concepts import NotFound

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
        review,
    )

    del api_review, api_check  # their routes live on api.bp: importing registers them
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(exchange.bp)
    app.register_blueprint(check.bp)
    messages.init_app(app)
    pages.init_app(app)
    auth.init_app(app)
    review.init_app(app)

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        # One place for "load it or answer 404": views let NotFound through.
        if request.path.startswith("/api/"):
            return api.error_response(404, problems.not_found(error.what, error.ident))
        return render_template("errors/404.html"), 404

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Routing errors (unknown URL, wrong method) never reach a blueprint's
        # handler: answer API paths in the API's error shape here.
        if request.path.startswith("/api/"):
            return api.error_response(
                error.code or 500, api.http_problem(error), error.get_headers()
            )
        if error.code == 404:
            return render_template("errors/404.html"), 404
        if error.code in (400, 401, 403, 405, 409, 413, 429):
            return render_template("errors/error.html", error=error), error.code
        return error

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
