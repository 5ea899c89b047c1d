"""The OpenAPI description of the text check: POST /check and POST /qa."""

from __future__ import annotations

from ..check.forms import MODES
from ..model import LANGS, STATUSES
from .openapi_parts import json_body, json_response, ref

MATCH_HOW = ("exact", "normalised", *MODES)


_BAD = (
    "No text, a text over 1 MB (1,000,000 bytes of UTF-8), a body that is not "
    "a JSON object, or an unknown language"
)


def check_paths() -> dict:
    """Return the paths of the text check endpoints."""
    return {
        "/check": {
            "post": {
                "summary": "Find the glossary's terms in a text, in any inflected form",
                "description": (
                    "No account needed. Terms of the text's language are found in "
                    "any inflected form (Russian cases and numbers, Kazakh plural, "
                    "possessive and case endings, English plurals), in Kazakh typed "
                    "with Russian look-alike letters or in Latin letters, across "
                    "line breaks; where terms overlap the longest wins. Offsets are "
                    "Python str indices: text[start:end] == match.text. A stretch "
                    "that is a term of several concepts gives one match per concept."
                ),
                "requestBody": json_body("CheckRequest"),
                "responses": {
                    "200": json_response("The terms found, in order", "CheckAnswer"),
                    "400": json_response(_BAD, "Error"),
                },
            }
        },
        "/qa": {
            "post": {
                "summary": "Check that a translation uses the glossary's terms",
                "description": (
                    "No account needed. For each term found in the source, the "
                    "target must use one of that concept's preferred or admitted "
                    "terms in the target language (any inflected form). Findings: "
                    "missing (none used) and deprecated (a deprecated or superseded "
                    "term of the concept used). When both texts have the same number "
                    "of non-empty lines, each line is checked against its own line."
                ),
                "requestBody": json_body("QaRequest"),
                "responses": {
                    "200": json_response(
                        "Findings and the terms found in both", "QaAnswer"
                    ),
                    "400": json_response(
                        _BAD + ", or one language on both sides", "Error"
                    ),
                },
            }
        },
    }


def check_schemas() -> dict:
    """Return the schemas of the text check endpoints."""
    lang = {"oneOf": [{"enum": list(LANGS)}, {"type": "null"}]}
    # Something other than spaces (a blank text is refused), at most 1 MB.
    text = {
        "type": "string",
        "minLength": 1,
        "pattern": r"\S",
        "description": "At most 1 MB of UTF-8",
    }
    place = {
        "type": "object",
        "required": ["start", "end", "text"],
        "properties": {
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "text": {"type": "string"},
        },
    }
    return {
        "CheckRequest": {
            "type": "object",
            "required": ["text"],
            "properties": {
                "text": text,
                "lang": {**lang, "description": "null or absent: detected"},
            },
        },
        "TextMatch": {
            "type": "object",
            "required": ["start", "end", "text", "concept_id", "term", "status", "how"],
            "properties": {
                "start": {"type": "integer"},
                "end": {"type": "integer"},
                "text": {"type": "string", "description": "text[start:end]"},
                "concept_id": {"type": "integer"},
                "term": {"type": "string", "description": "the term as stored"},
                "status": {"enum": list(STATUSES)},
                "how": {
                    "enum": list(MATCH_HOW),
                    "description": "exact: as stored but for case; normalised: "
                    "but for ё/е, hyphens, quotes and spaces (line breaks); lemma: an "
                    "inflected form; folded: Kazakh with Russian look-alike letters; "
                    "latin: Kazakh in Latin letters",
                },
            },
        },
        "CheckAnswer": {
            "type": "object",
            "required": ["ok", "lang", "matches", "concepts"],
            "properties": {
                "ok": {"const": True},
                "lang": {"enum": list(LANGS)},
                "matches": {"type": "array", "items": ref("TextMatch")},
                "concepts": {
                    "type": "array",
                    "description": "concepts found, in order of first appearance",
                    "items": {
                        "type": "object",
                        "required": ["id", "count"],
                        "properties": {
                            "id": {"type": "integer"},
                            "count": {"type": "integer"},
                        },
                    },
                },
            },
        },
        "QaRequest": {
            "type": "object",
            "required": ["source", "target"],
            "properties": {
                "source": text,
                "source_lang": lang,
                "target": text,
                "target_lang": lang,
            },
            # Two languages given must differ.
            "not": {
                "anyOf": [
                    {
                        "required": ["source_lang", "target_lang"],
                        "properties": {
                            "source_lang": {"const": code},
                            "target_lang": {"const": code},
                        },
                    }
                    for code in LANGS
                ]
            },
        },
        "QaFinding": {
            "type": "object",
            "required": ["kind", "concept_id", "source", "target", "expected"],
            "properties": {
                "kind": {"enum": ["missing", "deprecated"]},
                "concept_id": {"type": "integer"},
                "source": place,
                "target": {"oneOf": [place, {"type": "null"}]},
                "expected": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "the preferred and admitted target terms",
                },
            },
        },
        "QaAnswer": {
            "type": "object",
            "required": ["ok", "findings", "matches"],
            "properties": {
                "ok": {"const": True},
                "findings": {"type": "array", "items": ref("QaFinding")},
                "matches": {
                    "type": "object",
                    "required": ["source", "target"],
                    "properties": {
                        "source": {"type": "array", "items": ref("TextMatch")},
                        "target": {"type": "array", "items": ref("TextMatch")},
                    },
                },
            },
        },
    }
