"""The OpenAPI description of the review endpoints (proposals, decisions, history)."""

from __future__ import annotations

from ..model import (
    DOMAIN_KEYS,
    LANGS,
    MAX_SOURCE,
    MAX_TERM,
    MAX_TEXT,
    PARTS_OF_SPEECH,
    STATUSES,
)
from ..proposals import DECISIONS, FIELDS, KINDS, MAX_TERMS_PER_LANG

_SECURED = [{"bearer": []}]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema)}},
    }


def _error(description: str) -> dict:
    return _json(description, "Error")


def _id_param() -> dict:
    return {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _decision_errors() -> dict:
    return {
        "400": _error("Invalid body, missing reason or an edit that does not validate"),
        "401": _error("No valid API token"),
        "403": _error("Only reviewers and admins decide proposals"),
        "404": _error("No such proposal"),
        "409": _error("The proposal was already decided (or no longer applies)"),
    }


def review_paths() -> dict:
    """Return the paths of the review workflow."""
    return {
        "/proposals": {
            "post": {
                "summary": "Propose a new concept, a new term, a change or a note",
                "security": _SECURED,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ProposalInput")}},
                },
                "responses": {
                    "201": _json("Stored as pending", "ProposalCreated"),
                    "400": _error("Invalid proposal: every problem is listed"),
                    "401": _error("No valid API token"),
                    "404": _error("The concept named by concept_id does not exist"),
                },
            },
            "get": {
                "summary": "List proposals: reviewers see all, translators their own",
                "security": _SECURED,
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"enum": list(DECISIONS)},
                    },
                    {"name": "lang", "in": "query", "schema": {"enum": list(LANGS)}},
                    {
                        "name": "domain",
                        "in": "query",
                        "schema": {"enum": list(DOMAIN_KEYS)},
                    },
                    {"name": "kind", "in": "query", "schema": {"enum": list(KINDS)}},
                ],
                "responses": {
                    "200": _json("Proposals, oldest first", "ProposalList"),
                    "400": _error("Invalid filter"),
                    "401": _error("No valid API token"),
                },
            },
        },
        "/proposals/{id}": {
            "get": {
                "summary": "One proposal: its raw submission, status, reviewer, reason",
                "security": _SECURED,
                "parameters": [_id_param()],
                "responses": {
                    "200": _json("The proposal", "ProposalAnswer"),
                    "401": _error("No valid API token"),
                    "403": _error("A translator may read only their own proposals"),
                    "404": _error("No such proposal"),
                },
            }
        },
        "/proposals/{id}/approve": {
            "post": {
                "summary": "Approve (optionally with edited fields) and publish",
                "description": (
                    "The body is optional: fields of the proposal's own shape "
                    "replace the submitted ones (the raw submission is kept); "
                    "`reason` is an optional note on the approval. The change and "
                    "its history entry are written in one transaction."
                ),
                "security": _SECURED,
                "parameters": [_id_param()],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": _json("Approved and applied", "ProposalAnswer"),
                    **_decision_errors(),
                },
            }
        },
        "/proposals/{id}/reject": {
            "post": {
                "summary": "Reject with a required reason (the translator sees it)",
                "security": _SECURED,
                "parameters": [_id_param()],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["reason"],
                                "properties": {
                                    "reason": {"type": "string", "minLength": 1}
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json("Rejected", "ProposalAnswer"),
                    **_decision_errors(),
                },
            }
        },
        "/concepts/{id}/history": {
            "get": {
                "summary": "Every change of a concept, newest first",
                "parameters": [_id_param()],
                "responses": {
                    "200": _json("The history", "History"),
                    "404": _error("No such concept"),
                },
            }
        },
    }


def _field_schemas() -> dict[str, dict]:
    """Return the schema of every proposal field, with the limits validation uses."""
    term_item = {
        "oneOf": [
            {"type": "string", "maxLength": MAX_TERM},
            {
                "type": "object",
                "required": ["text"],
                "properties": {
                    "text": {"type": "string", "maxLength": MAX_TERM},
                    "status": {"enum": list(STATUSES)},
                    "pos": {"enum": list(PARTS_OF_SPEECH)},
                    "usage": {"type": "string", "maxLength": MAX_TEXT},
                },
            },
        ]
    }
    text = {"type": "string", "maxLength": MAX_TEXT}
    return {
        "kind": {"enum": list(KINDS)},
        "concept_id": {"type": "integer", "minimum": 1},
        "domain": {"enum": list(DOMAIN_KEYS)},
        "terms": {
            "type": "object",
            "properties": {
                lang: {
                    "type": "array",
                    "items": term_item,
                    "maxItems": MAX_TERMS_PER_LANG,
                }
                for lang in LANGS
            },
        },
        "definition": {
            "type": "object",
            "properties": {lang: text for lang in LANGS},
        },
        "source": {"type": "string", "maxLength": MAX_SOURCE},
        "note": text,
        "note_lang": {"enum": list(LANGS)},
        "lang": {"enum": list(LANGS)},
        "text": {
            "type": "string",
            "maxLength": MAX_TEXT,
            "description": f"a term (at most {MAX_TERM} characters) or a note",
        },
        "term": {"type": "string", "description": "lang:text of a term"},
        "status": {"enum": list(STATUSES)},
        "pos": {"enum": list(PARTS_OF_SPEECH)},
        "usage": text,
        "comment": text,
    }


def proposal_input_schema() -> dict:
    """Return the ProposalInput schema, built from proposals.FIELDS (one source)."""
    schemas = _field_schemas()
    names = sorted(set().union(*FIELDS.values()), key=list(schemas).index)
    return {
        "type": "object",
        "required": ["kind"],
        "description": "Fields by kind (others are refused): "
        + "; ".join(
            f"{kind}: " + ", ".join(n for n in names if n in FIELDS[kind] - {"kind"})
            for kind in KINDS
        )
        + ". A new concept and a new term need a source.",
        "properties": {name: schemas[name] for name in names},
    }


def review_schemas() -> dict:
    """Return the schemas of the review workflow."""
    return {
        "ProposalInput": proposal_input_schema(),
        "ProposalCreated": {
            "type": "object",
            "required": ["ok", "proposal"],
            "properties": {
                "ok": {"const": True},
                "proposal": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "status": {"const": "pending"},
                    },
                },
            },
        },
        "Proposal": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "kind": {"enum": list(KINDS)},
                "status": {"enum": list(DECISIONS)},
                "author": {"type": "string"},
                "concept_id": {"type": ["integer", "null"]},
                "domain": {"type": "string"},
                "langs": {"type": "array", "items": {"enum": list(LANGS)}},
                "submitted": {"type": "object", "description": "the raw submission"},
                "applied": {
                    "type": ["object", "null"],
                    "description": "what was approved, after any edits",
                },
                "edited": {"type": "boolean"},
                "comment": {"type": "string"},
                "created_at": {"type": "string"},
                "decided_at": {"type": ["string", "null"]},
                "reviewer": {"type": ["string", "null"]},
                "reason": {"type": "string"},
                "result_concept_id": {"type": ["integer", "null"]},
                "result_url": {"type": ["string", "null"]},
            },
        },
        "ProposalAnswer": {
            "type": "object",
            "properties": {"ok": {"const": True}, "proposal": _ref("Proposal")},
        },
        "ProposalList": {
            "type": "object",
            "properties": {
                "ok": {"const": True},
                "proposals": {"type": "array", "items": _ref("Proposal")},
            },
        },
        "History": {
            "type": "object",
            "properties": {
                "ok": {"const": True},
                "history": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "at": {"type": "string"},
                            "author": {"type": "string"},
                            "action": {"type": "string"},
                            "reason": {"type": "string"},
                            "proposal_id": {"type": ["integer", "null"]},
                            "proposal": {"type": ["object", "null"]},
                            "before": {"type": ["object", "null"]},
                            "after": {"type": ["object", "null"]},
                        },
                    },
                },
            },
        },
    }
