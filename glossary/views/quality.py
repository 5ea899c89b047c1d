"""The quality board: `/quality` for reviewers and `GET /api/v1/quality`.

The checks themselves are pure (glossary/quality.py); this module reads the
concepts, runs the checks once per change of the glossary and renders them.
"""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify, render_template
from flask_babel import lazy_gettext as _l

from .. import concepts, quality, spelling
from ..auth import bearer_user, reviewer_required
from ..db import get_db
from ..sources import SOURCE_KINDS
from .api import ApiError
from .api import bp as api_bp

bp = Blueprint("quality", __name__)

CHECK_TITLES = {
    "missing_language": _l("Concepts missing a language"),
    "one_source": _l("Concepts resting on one source"),
    "word_list_only": _l("Concepts resting only on dictionaries or word lists"),
    "undefined_one_word": _l("One-word headwords without a definition"),
    "wrong_script": _l("Terms that look like another language"),
    "duplicates": _l("Possible duplicates across concepts"),
    "spelling": _l("Words the spelling dictionary does not know"),
    "missing_references": _l("Cross-references to missing concepts"),
}
CHECK_HELP = {
    "missing_language": _l(
        "Add the equivalent in the missing language, with its source."
    ),
    "one_source": _l(
        "Every term and definition cites the same single source: confirm the "
        "equivalents in a second one."
    ),
    "word_list_only": _l(
        "No law, official text, press or reference work attests these terms in context."
    ),
    "undefined_one_word": _l(
        "A one-word headword is often ambiguous: add a definition with its source."
    ),
    "wrong_script": _l(
        "Latin letters or Russian spellings in a Kazakh term, Kazakh letters in "
        "a Russian term, Cyrillic in an English term."
    ),
    "duplicates": _l(
        "The same term, or inflected forms of one another, in two or more "
        "concepts: merge them or mark them as homonyms."
    ),
    "spelling": _l(
        "Hunspell does not know these words: check the spelling (loanwords and "
        "new words are often missing from its dictionaries)."
    ),
    "missing_references": _l("The concept refers to a concept that does not exist."),
}
PROBLEM_LABELS = {
    "latin_in_kazakh": _l("Latin letters in a Kazakh term"),
    "latin_in_russian": _l("Latin letters in a Russian term"),
    "kazakh_in_russian": _l("Kazakh letters in a Russian term"),
    "russian_in_kazakh": _l("Russian spelling in a Kazakh term"),
    "cyrillic_in_english": _l("Cyrillic letters in an English term"),
}
DUPLICATE_LABELS = {"same": _l("same term"), "inflected": _l("inflected forms")}
KIND_LABELS = {
    "law": _l("law"),
    "official": _l("official"),
    "reference": _l("reference work"),
    "press": _l("press"),
    "dictionary": _l("dictionary"),
    "wordlist": _l("word list"),
    "other": _l("other"),
}
if set(KIND_LABELS) != set(SOURCE_KINDS):
    raise RuntimeError("every source kind needs a label")

_lock = threading.Lock()
_cache: dict[str, tuple[int, dict]] = {}


def _speller_note() -> str:
    missing = spelling.missing_dictionaries()
    return ", ".join(missing)


def report() -> dict:
    """Return the quality report of the current glossary (cached per change)."""
    db = get_db()
    key = current_app.config["DATABASE"]
    generation = concepts.generation(db)
    with _lock:
        hit = _cache.get(key)
        if hit and hit[0] == generation:
            return hit[1]
    missing = spelling.missing_dictionaries()
    speller = spelling.check_word if len(missing) < len(spelling.DICTIONARIES) else None
    result = quality.run_checks(
        concepts.iter_records(db), speller=speller, speller_missing=", ".join(missing)
    )
    result["missing_dictionaries"] = list(missing)
    with _lock:
        _cache[key] = (generation, result)
    return result


@bp.get("/quality")
@reviewer_required
def board():
    """Show every check's worklist and the coverage per domain and language."""
    data = report()
    domains = {d["key"]: d for d in concepts.list_domains(get_db())}
    return render_template(
        "quality/board.html",
        data=data,
        domains=domains,
        CHECK_TITLES=CHECK_TITLES,
        CHECK_HELP=CHECK_HELP,
        PROBLEM_LABELS=PROBLEM_LABELS,
        DUPLICATE_LABELS=DUPLICATE_LABELS,
        KIND_LABELS=KIND_LABELS,
    )


@api_bp.get("/quality")
def api_quality():
    """Return the quality report (reviewers' token)."""
    user = bearer_user()
    if user is None:
        raise ApiError(
            "a valid API token is required (Authorization: Bearer TOKEN)", 401
        )
    if not user["is_reviewer"]:
        raise ApiError("only reviewers can see the quality board", 403)
    return jsonify({"ok": True, **report()})
