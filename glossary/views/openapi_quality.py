"""The OpenAPI description of `GET /api/v1/quality` (the quality board)."""

from __future__ import annotations

from ..model import DOMAIN_KEYS, LANGS
from ..quality import CHECKS
from .openapi_parts import error_response, json_response


def quality_paths() -> dict:
    """Return the path of the quality board."""
    return {
        "/quality": {
            "get": {
                "summary": "The term-base checks: coverage and one worklist per check",
                "description": (
                    "Reviewers only. Each check lists the concepts to look at, with "
                    "their ids and URLs. The spelling check has `count` null and a "
                    "`skipped` reason where no Hunspell dictionary is installed."
                ),
                "security": [{"bearer": []}],
                "responses": {
                    "200": json_response("The quality report", "Quality"),
                    "401": error_response("No valid API token"),
                    "403": error_response("Only reviewers and admins"),
                },
            }
        }
    }


def quality_schemas() -> dict:
    """Return the schemas of the quality report."""
    item = {
        "type": "object",
        "required": ["id", "url", "domain", "headword"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "domain": {"type": "string", "enum": list(DOMAIN_KEYS)},
            "headword": {"type": "string"},
            "headword_lang": {"type": "string"},
            "missing": {
                "type": "array",
                "items": {"type": "string", "enum": list(LANGS)},
            },
            "sources": {"type": "array", "items": {"type": "string"}},
            "kinds": {"type": "array", "items": {"type": "string"}},
            "lang": {"type": "string", "enum": list(LANGS)},
            "term": {"type": "string"},
            "terms": {"type": "array", "items": {"type": "string"}},
            "problem": {"type": "string"},
            "ids": {"type": "array", "items": {"type": "integer"}},
            "kind": {"type": "string", "enum": ["same", "inflected"]},
            "words": {"type": "array", "items": {"type": "string"}},
            "missing_ids": {"type": "array", "items": {"type": "integer"}},
        },
    }
    coverage = {
        "type": "object",
        "required": ["domain", "total", *LANGS],
        "properties": {
            "domain": {"type": "string"},
            "total": {"type": "integer"},
            **{lang: {"type": "integer"} for lang in LANGS},
        },
    }
    return {
        "Quality": {
            "type": "object",
            "required": ["ok", "concepts", "coverage", "checks"],
            "properties": {
                "ok": {"const": True},
                "concepts": {"type": "integer"},
                "coverage": {"type": "array", "items": coverage},
                "missing_dictionaries": {"type": "array", "items": {"type": "string"}},
                "checks": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["key", "count", "items"],
                        "properties": {
                            "key": {"type": "string", "enum": list(CHECKS)},
                            "count": {"type": ["integer", "null"]},
                            "skipped": {"type": "string"},
                            "items": {"type": "array", "items": item},
                        },
                    },
                },
            },
        }
    }
