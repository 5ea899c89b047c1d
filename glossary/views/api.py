"""JSON API under /api/v1: search, concepts, domains and its OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .. import concepts
from ..db import get_db
from ..lookup import current_lookup
from ..model import DOMAIN_KEYS, LANGS
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_LIMIT = 100
MAX_QUERY = 200
# No API call needs more: refuse a larger body before reading it.
MAX_BODY = 1024 * 1024


# Endpoints that take a whole text (up to 1 MB) check their own body size.
TEXT_ENDPOINTS = frozenset({"api.check", "api.qa"})


@bp.before_request
def limit_body():
    if request.endpoint in TEXT_ENDPOINTS:
        return
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(f"the request body is larger than {MAX_BODY} bytes", 413)


def error_response(status: int, message: str, headers=None):
    """Return the one error shape: {"ok": false, "error": …, "status": N}."""
    response = jsonify({"ok": False, "error": message, "status": status})
    response.status_code = status
    for name, value in headers or ():
        if name.lower() != "content-type":  # e.g. Allow on a 405
            response.headers[name] = value
    return response


class ApiError(Exception):
    """A client error to report in the API's error shape."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@bp.errorhandler(ApiError)
def handle_api_error(error: ApiError):
    return error_response(error.status, error.message)


@bp.errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    return error_response(
        error.code or 500, error.description or error.name, error.get_headers()
    )


@bp.errorhandler(Exception)
def handle_unexpected(error: Exception):
    current_app.logger.exception("API error")
    return error_response(500, "internal error")


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ApiError(f"{name} must be one of: {', '.join(allowed)}")
    return value


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ApiError(f"{name} must be between {low} and {high}")
    return value


@bp.get("/search")
def search():
    """Search all three languages; best first."""
    q = request.args.get("q", "").strip()
    if not q:
        raise ApiError("q is required")
    if len(q) > MAX_QUERY:
        raise ApiError(f"q is longer than {MAX_QUERY} characters")
    lang = _choice("lang", LANGS)
    domain = _choice("domain", DOMAIN_KEYS)
    limit = _int_arg("limit", 10, 1, MAX_LIMIT)
    offset = _int_arg("offset", 0, 0, 10_000)
    results = current_lookup().search(
        get_db(),
        q,
        lang=lang,
        domain=domain,
        limit=limit,
        offset=offset,
    )
    return jsonify({"ok": True, "query": q, "results": results})


@bp.get("/suggest")
def suggest():
    """Autocomplete: terms for what has been typed so far."""
    q = request.args.get("q", "").strip()
    if not q:
        raise ApiError("q is required")
    if len(q) > MAX_QUERY:
        raise ApiError(f"q is longer than {MAX_QUERY} characters")
    lang = _choice("lang", LANGS)
    limit = _int_arg("limit", 8, 1, 20)
    suggestions = current_lookup().complete(get_db(), q, lang=lang, limit=limit)
    return jsonify({"ok": True, "query": q, "suggestions": suggestions})


@bp.get("/concepts/<int:concept_id>")
def concept(concept_id: int):
    """Return one whole entry."""
    try:
        view = concepts.concept_view(get_db(), concept_id)
    except concepts.NotFound:
        raise ApiError(f"concept {concept_id} does not exist", 404) from None
    return jsonify({"ok": True, "concept": view})


@bp.get("/domains")
def domains():
    """Return the domains with their names in en, ru and kk."""
    rows = concepts.list_domains(get_db())
    return jsonify(
        {
            "ok": True,
            "domains": [
                {
                    "key": d["key"],
                    "names": {lang: d[f"name_{lang}"] for lang in LANGS},
                    "concepts": d["concepts"],
                    "url": f"/domains/{d['key']}",
                }
                for d in rows
            ],
        }
    )


@bp.get("/openapi.json")
def openapi():
    """Return the OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())
