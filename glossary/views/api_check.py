"""The text check in the JSON API: POST /api/v1/check and POST /api/v1/qa.

Neither needs an account. Offsets are Python str indices into the text as sent.
"""

from __future__ import annotations

from flask import current_app, jsonify, request

from .. import textcheck
from ..db import get_db
from ..model import LANGS
from ..problems import Problem
from .api import ApiError, bp, json_body

# A body may carry 1 MB of text written as JSON escapes (\u0431 is 6 bytes):
# larger bodies are refused unread, as a text over the limit.
MAX_CHECK_BODY = 8 * 1024 * 1024


def _body() -> dict:
    if (request.content_length or 0) > MAX_CHECK_BODY:
        raise ApiError(_too_long("text"))
    try:
        # Depth and lone surrogates are checked too (a 400, never a 500).
        return json_body()
    except ApiError as exc:
        if exc.problems[0].code in ("body_content_type", "body_not_json"):
            raise ApiError(Problem("check_body_not_object")) from None
        if exc.problems[0].code == "body_not_object":
            raise ApiError(Problem("check_body_not_object")) from None
        raise


def _too_long(name: str) -> Problem:
    limit = f"{textcheck.MAX_TEXT_BYTES:,}"
    return Problem("text_too_long", name, {"name": name, "limit": limit})


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ApiError(Problem("param_required", name, {"name": name}))
    if not isinstance(value, str):
        raise ApiError(Problem("param_not_string", name, {"name": name}))
    if textcheck.text_too_long(value):
        raise ApiError(_too_long(name))
    return value


def _lang(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if value not in LANGS:
        raise ApiError(
            Problem("param_lang_or_null", name, {"name": name, "allowed": LANGS})
        )
    return value


@bp.post("/check")
def check():
    """Find the glossary's terms in a text."""
    body = _body()
    text = _text(body, "text")
    lang = _lang(body, "lang")
    db = get_db()
    lang, matches = textcheck.find_terms(db, current_app.config["DATABASE"], text, lang)
    return jsonify({"ok": True, "lang": lang, **textcheck.check_result(matches)})


@bp.post("/qa")
def qa():
    """Check a translation's use of the glossary's terms."""
    body = _body()
    source = _text(body, "source")
    source_lang = _lang(body, "source_lang")
    target = _text(body, "target")
    target_lang = _lang(body, "target_lang")
    if source_lang and source_lang == target_lang:
        raise ApiError(Problem("same_languages", "target_lang"))
    result = textcheck.translation_qa(
        get_db(),
        current_app.config["DATABASE"],
        source,
        source_lang,
        target,
        target_lang,
    )
    return jsonify(
        {
            "ok": True,
            "findings": [f.to_dict() for f in result["findings"]],
            "matches": {
                "source": [m.to_dict() for m in result["source_matches"]],
                "target": [m.to_dict() for m in result["target_matches"]],
            },
        }
    )
