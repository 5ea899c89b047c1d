"""The OpenAPI 3.1 description of /api/v1 (kept beside the routes it describes)."""

from __future__ import annotations

from ..model import DOMAIN_KEYS, LANGS, STATUSES
from ..problems import MESSAGES
from ..search.engine import HOW_DESCRIPTIONS, HOWS
from .openapi_check import check_paths, check_schemas
from .openapi_parts import enum_param, error_response, id_param, json_response, ref
from .openapi_quality import quality_paths, quality_schemas
from .openapi_review import review_paths, review_schemas
from .params import SEARCH_LIMIT, SEARCH_OFFSET, SUGGEST_LIMIT, query_schema

HOW_DOC = "How the query met the term, best first: " + "; ".join(
    f"{how}: {text}" for how, text in HOW_DESCRIPTIONS.items()
)

TERMS_DESCRIPTION = (
    "per language: text, status, pos, usage, source, notes, latin (kk only)"
)


def openapi_document() -> dict:
    """Return the API description as a dict."""
    term = {
        "type": "object",
        "required": ["text", "status"],
        "properties": {
            "text": {"type": "string"},
            "status": {"type": "string", "enum": list(STATUSES)},
            "latin": {
                "type": "string",
                "description": "Kazakh only: the 2021 Latin form",
            },
        },
    }
    terms_by_lang = {
        "type": "object",
        "properties": {lang: {"type": "array", "items": ref("Term")} for lang in LANGS},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "glossary API",
            "version": "1",
            "description": "Trilingual (en, ru, kk) creative-industries glossary.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/search": {
                "get": {
                    "summary": "Look a term up in en, ru and kk, best match first",
                    "parameters": [
                        query_schema(),
                        enum_param("lang", LANGS),
                        enum_param("domain", DOMAIN_KEYS),
                        SEARCH_LIMIT.schema(),
                        SEARCH_OFFSET.schema(),
                    ],
                    "responses": {
                        "200": json_response("Matching concepts", "SearchResults"),
                        "400": error_response("Missing or invalid parameter"),
                    },
                }
            },
            "/suggest": {
                "get": {
                    "summary": "Autocomplete: terms for what has been typed so far",
                    "parameters": [
                        query_schema(),
                        enum_param("lang", LANGS),
                        SUGGEST_LIMIT.schema(),
                    ],
                    "responses": {
                        "200": json_response(
                            "Suggestions, best first (one per concept)", "Suggestions"
                        ),
                        "400": error_response("Missing or invalid parameter"),
                    },
                }
            },
            "/concepts/{id}": {
                "get": {
                    "summary": "One whole entry",
                    "parameters": [id_param()],
                    "responses": {
                        "200": json_response("The concept", "ConceptAnswer"),
                        "404": error_response("No such concept"),
                    },
                }
            },
            "/domains": {
                "get": {
                    "summary": "The domains (subject fields) with names in en, ru, kk",
                    "responses": {"200": json_response("Domains", "Domains")},
                }
            },
            **review_paths(),
            **check_paths(),
            **quality_paths(),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1 document"}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token from `flask create-token NAME`",
                }
            },
            "schemas": {
                **review_schemas(),
                **check_schemas(),
                **quality_schemas(),
                "Error": {
                    "type": "object",
                    "required": ["ok", "error", "status", "problems"],
                    "description": (
                        "Messages are in English unless Accept-Language asks for "
                        "ru or kk; `error` joins the messages of `problems`."
                    ),
                    "properties": {
                        "ok": {"const": False},
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "problems": {
                            "type": "array",
                            "minItems": 1,
                            "items": ref("Problem"),
                        },
                    },
                },
                "Problem": {
                    "type": "object",
                    "required": ["code", "field", "message"],
                    "properties": {
                        "code": {"enum": sorted(MESSAGES)},
                        "field": {
                            "type": "string",
                            "description": "The input the problem is about, or empty",
                        },
                        "message": {"type": "string"},
                    },
                },
                "Term": term,
                "Suggestions": {
                    "type": "object",
                    "required": ["ok", "query", "suggestions"],
                    "properties": {
                        "ok": {"const": True},
                        "query": {"type": "string"},
                        "suggestions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": [
                                    "text",
                                    "lang",
                                    "how",
                                    "id",
                                    "url",
                                    "terms",
                                ],
                                "properties": {
                                    "text": {"type": "string"},
                                    "lang": {"enum": list(LANGS)},
                                    "how": {"enum": list(HOWS)},
                                    "id": {"type": "integer"},
                                    "url": {"type": "string"},
                                    "terms": {
                                        **terms_by_lang,
                                        "description": "the entry's terms per "
                                        "language (its equivalents)",
                                    },
                                    "latin": {
                                        "type": "string",
                                        "description": "the Kazakh term in the "
                                        "2021 Latin alphabet (Kazakh only)",
                                    },
                                },
                            },
                        },
                    },
                },
                "SearchResults": {
                    "type": "object",
                    "required": ["ok", "query", "results"],
                    "properties": {
                        "ok": {"const": True},
                        "query": {"type": "string"},
                        "results": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "url": {"type": "string"},
                                    "domain": {"enum": list(DOMAIN_KEYS)},
                                    "score": {"type": "number"},
                                    "match": {
                                        "type": "object",
                                        "properties": {
                                            "lang": {"enum": list(LANGS)},
                                            "text": {"type": "string"},
                                            "how": {
                                                "enum": list(HOWS),
                                                "description": HOW_DOC,
                                            },
                                            "distance": {
                                                "type": "integer",
                                                "description": (
                                                    "for how=fuzzy: the number of "
                                                    "edits (a swap of two letters "
                                                    "is one)"
                                                ),
                                            },
                                        },
                                    },
                                    "terms": terms_by_lang,
                                },
                            },
                        },
                    },
                },
                "ConceptAnswer": {
                    "type": "object",
                    "required": ["ok", "concept"],
                    "properties": {
                        "ok": {"const": True},
                        "concept": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "url": {"type": "string"},
                                "domain": {"type": "object"},
                                "terms": {
                                    "type": "object",
                                    "description": TERMS_DESCRIPTION,
                                },
                                "definitions": {"type": "object"},
                                "notes": {"type": "array", "items": {"type": "object"}},
                                "related": {
                                    "type": "array",
                                    "items": {"type": "object"},
                                },
                                "history": {
                                    "type": "array",
                                    "items": {"type": "object"},
                                },
                                "changes": {"type": "integer"},
                                "created_at": {"type": "string"},
                                "updated_at": {"type": "string"},
                            },
                        },
                    },
                },
                "Domains": {
                    "type": "object",
                    "properties": {
                        "ok": {"const": True},
                        "domains": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
    }
