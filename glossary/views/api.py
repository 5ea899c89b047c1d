"""JSON API under /api/v1: search, concepts, domains and its OpenAPI document."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .. import concepts
from ..db import get_db
from ..lookup import current_lookup
from ..model import DOMAIN_KEYS, LANGS, MAX_JSON_DEPTH, json_problem
from ..problems import Problem, not_found
from .messages import api_problems
from .openapi import openapi_document
from .params import MAX_QUERY, SEARCH_LIMIT, SEARCH_OFFSET, SUGGEST_LIMIT, IntParam

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# No API call needs more: refuse a larger body before reading it.
MAX_BODY = 1024 * 1024


# Endpoints that take a whole text (up to 1 MB) check their own body size.
TEXT_ENDPOINTS = frozenset({"api.check", "api.qa"})


@bp.before_request
def limit_body():
    if request.endpoint in TEXT_ENDPOINTS:
        return
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(Problem("body_too_large", "", {"limit": MAX_BODY}), 413)


def error_response(status: int, problems: list[Problem] | Problem, headers=None):
    """Return the one error shape: {"ok": false, "error", "status", "problems"}.

    Messages are English unless Accept-Language asks for Russian or Kazakh;
    "error" joins the messages of "problems".
    """
    if isinstance(problems, Problem):
        problems = [problems]
    shown = api_problems(problems)
    response = jsonify(
        {
            "ok": False,
            "error": "; ".join(p["message"] for p in shown),
            "status": status,
            "problems": shown,
        }
    )
    response.status_code = status
    for name, value in headers or ():
        if name.lower() != "content-type":  # e.g. Allow on a 405
            response.headers[name] = value
    return response


def http_problem(error: HTTPException) -> Problem:
    """Return a werkzeug HTTP error as a problem (its description, in English)."""
    return Problem("http_error", "", {"description": error.description or error.name})


class ApiError(Exception):
    """A client error to report in the API's error shape."""

    def __init__(
        self, problems: list[Problem] | Problem | str, status: int = 400
    ) -> None:
        if isinstance(problems, str):  # a message without a code of its own
            problems = Problem("message", "", {"text": problems})
        self.problems = [problems] if isinstance(problems, Problem) else problems
        super().__init__("; ".join(str(p) for p in self.problems))
        self.status = status


@bp.errorhandler(ApiError)
def handle_api_error(error: ApiError):
    return error_response(error.status, error.problems)


@bp.errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    return error_response(error.code or 500, http_problem(error), error.get_headers())


@bp.errorhandler(Exception)
def handle_unexpected(error: Exception):
    from . import fault_response  # a busy or full database is no internal error

    answer = fault_response(error)
    if answer is not None:
        return answer
    current_app.logger.exception("API error")
    return error_response(500, Problem("internal_error"))


def json_body(required: bool = True) -> dict:
    """Return the request's JSON object, or raise ApiError (400) saying why not.

    json.loads, not request.get_json: a RecursionError from a deeply nested
    body must be a 400 like any other malformed JSON; lone surrogates and more
    than MAX_JSON_DEPTH levels are refused before any field is looked at.
    """
    raw = request.get_data(cache=True)
    if not raw and not required:
        return {}
    if not request.is_json:
        raise ApiError(Problem("body_content_type"))
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ApiError(
            Problem("json_too_deep", "", {"limit": MAX_JSON_DEPTH})
        ) from None
    except ValueError:
        raise ApiError(Problem("body_not_json")) from None
    problem = json_problem(data)
    if problem:
        raise ApiError(problem)
    if not isinstance(data, dict):
        raise ApiError(Problem("body_not_object"))
    return data


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.args.get(name)
    if value is None:
        return None
    # An empty value (lang=) is no value of the enum either: the OpenAPI
    # document says so, and the API keeps to it.
    if value not in allowed:
        raise ApiError(
            Problem("param_choice", name, {"name": name, "allowed": allowed})
        )
    return value


def _int_arg(param: IntParam) -> int:
    name, low, high = param.name, param.low, param.high
    raw = request.args.get(name)
    if raw is None:
        return param.default
    # An empty value (limit=) is no whole number: refused, as the schema says.
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(Problem("param_not_integer", name, {"name": name})) from None
    if not low <= value <= high:
        raise ApiError(
            Problem("param_range", name, {"name": name, "low": low, "high": high})
        )
    return value


def _query() -> str:
    """Return the q parameter, required and at most MAX_QUERY characters."""
    raw = request.args.get("q", "")
    q = raw.strip()
    if not q:
        raise ApiError(Problem("param_required", "q", {"name": "q"}))
    if len(raw) > MAX_QUERY:  # as the OpenAPI document says: spaces count
        raise ApiError(
            Problem("param_too_long", "q", {"name": "q", "limit": MAX_QUERY})
        )
    return q


@bp.get("/search")
def search():
    """Search all three languages; best first."""
    q = _query()
    lang = _choice("lang", LANGS)
    domain = _choice("domain", DOMAIN_KEYS)
    limit = _int_arg(SEARCH_LIMIT)
    offset = _int_arg(SEARCH_OFFSET)
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
    q = _query()
    lang = _choice("lang", LANGS)
    limit = _int_arg(SUGGEST_LIMIT)
    suggestions = current_lookup().complete(get_db(), q, lang=lang, limit=limit)
    return jsonify({"ok": True, "query": q, "suggestions": suggestions})


@bp.get("/concepts/<int:concept_id>")
def concept(concept_id: int):
    """Return one whole entry."""
    try:
        view = concepts.concept_view(get_db(), concept_id)
    except concepts.NotFound:
        raise ApiError(not_found("concept", concept_id), 404) from None
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
