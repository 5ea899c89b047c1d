"""The OpenAPI description of the review endpoints (proposals, decisions, history)."""

from __future__ import annotations

from typing import Any

from ..model import (
    DOMAIN_KEYS,
    LANGS,
    MAX_ID,
    MAX_SOURCE,
    MAX_TERM,
    MAX_TEXT,
    PARTS_OF_SPEECH,
    STATUSES,
)
from ..proposals import DECISIONS, EDITABLE, FIELDS, KINDS, MAX_TERMS_PER_LANG
from .openapi_parts import error_response, id_param, json_response, ref

# The query parameters of GET /proposals (any other is refused).
LIST_PARAMETERS: tuple[str, ...] = ("status", "lang", "domain", "kind")
_SECURED: list[dict[str, list[str]]] = [{"bearer": []}]


def _decision_errors() -> dict:
    return {
        "400": error_response(
            "Invalid body, missing reason or an edit that does not validate"
        ),
        "401": error_response("No valid API token"),
        "403": error_response("Only reviewers and admins decide proposals"),
        "404": error_response("No such proposal"),
        "409": error_response(
            "The proposal was already decided (or no longer applies)"
        ),
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
                    "content": {"application/json": {"schema": ref("ProposalInput")}},
                },
                "responses": {
                    "201": json_response("Stored as pending", "ProposalCreated"),
                    "400": error_response("Invalid proposal: every problem is listed"),
                    "401": error_response("No valid API token"),
                    "404": error_response(
                        "The concept named by concept_id does not exist"
                    ),
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
                    "200": json_response("Proposals, oldest first", "ProposalList"),
                    "400": error_response(
                        "Invalid filter, or a parameter not listed here"
                    ),
                    "401": error_response("No valid API token"),
                },
            },
        },
        "/proposals/{id}": {
            "get": {
                "summary": "One proposal: its raw submission, status, reviewer, reason",
                "security": _SECURED,
                "parameters": [id_param()],
                "responses": {
                    "200": json_response("The proposal", "ProposalAnswer"),
                    "401": error_response("No valid API token"),
                    "403": error_response(
                        "A translator may read only their own proposals"
                    ),
                    "404": error_response("No such proposal"),
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
                "parameters": [id_param()],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": approve_schema()}},
                },
                "responses": {
                    "200": json_response("Approved and applied", "ProposalAnswer"),
                    **_decision_errors(),
                },
            }
        },
        "/proposals/{id}/reject": {
            "post": {
                "summary": "Reject with a required reason (the translator sees it)",
                "security": _SECURED,
                "parameters": [id_param()],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["reason"],
                                "properties": {"reason": _required_text(MAX_TEXT)},
                            }
                        }
                    },
                },
                "responses": {
                    "200": json_response("Rejected", "ProposalAnswer"),
                    **_decision_errors(),
                },
            }
        },
        "/concepts/{id}/history": {
            "get": {
                "summary": "Every change of a concept, newest first",
                "parameters": [id_param()],
                "responses": {
                    "200": json_response("The history", "History"),
                    "404": error_response("No such concept"),
                },
            }
        },
    }


# Text fields that may also be null or absent (the API reads null as absent).
def _optional_text(limit: int) -> dict:
    return {"type": ["string", "null"], "maxLength": limit}


def _required_text(limit: int) -> dict:
    # Something other than spaces: the value is stripped before it is checked.
    return {"type": "string", "maxLength": limit, "pattern": r"\S"}


def _optional_choice(values) -> dict:
    return {"enum": [*values, "", None]}


def _field_schemas(kind: str) -> dict[str, Any]:
    """Return the schema of every field of a KIND proposal, with the limits."""
    term_item = {
        "oneOf": [
            {"type": "string", "maxLength": MAX_TERM},
            {
                "type": "object",
                "required": ["text"],
                "additionalProperties": False,
                "properties": {
                    "text": {"type": "string", "maxLength": MAX_TERM},
                    "status": _optional_choice(STATUSES),
                    "pos": _optional_choice(PARTS_OF_SPEECH),
                    "usage": _optional_text(MAX_TEXT),
                },
            },
        ]
    }
    definitions = {
        "type": "object",
        "additionalProperties": False,
        "properties": {lang: _required_text(MAX_TEXT) for lang in LANGS},
    }
    fields = {
        "kind": {"const": kind},
        "concept_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "domain": _optional_choice(DOMAIN_KEYS),
        "terms": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "description": "{lang: [term, …]} (a single term may be a string); "
            "the first term of a language is preferred unless a status is given",
            "properties": {
                lang: {
                    "oneOf": [
                        {"type": "string", "maxLength": MAX_TERM},
                        {
                            "type": "array",
                            "items": term_item,
                            "maxItems": MAX_TERMS_PER_LANG,
                        },
                    ]
                }
                for lang in LANGS
            },
        },
        "definition": {
            "oneOf": [
                {
                    **definitions,
                    "properties": {
                        lang: {"type": "string", "maxLength": MAX_TEXT}
                        for lang in LANGS
                    },
                },
                {"type": "null"},
            ]
        },
        "source": _optional_text(MAX_SOURCE),
        "note": _optional_text(MAX_TEXT),
        "note_lang": _optional_choice(LANGS),
        "lang": _optional_choice(LANGS),
        "text": _optional_text(MAX_TEXT),
        "term": {"type": ["string", "null"], "description": "lang:text of a term"},
        "status": _optional_choice(STATUSES),
        "pos": _optional_choice(PARTS_OF_SPEECH),
        "usage": _optional_text(MAX_TEXT),
        "comment": _optional_text(MAX_TEXT),
    }
    # What each kind needs (proposals.build refuses a proposal without it).
    if kind in ("new_concept", "new_term"):
        fields["source"] = _required_text(MAX_SOURCE)
    if kind == "new_term":
        fields["lang"] = {"enum": list(LANGS)}
        fields["text"] = _required_text(MAX_TERM)
    if kind == "note":
        fields["text"] = _required_text(MAX_TEXT)
    return fields


REQUIRED: dict[str, list[str]] = {
    "new_concept": ["kind", "terms", "source"],
    "new_term": ["kind", "concept_id", "lang", "text", "source"],
    "change": ["kind", "concept_id"],
    "note": ["kind", "concept_id", "text"],
}
_BLANK = {"type": ["string", "null"], "pattern": r"^\s*$"}


def kind_schema(kind: str) -> dict[str, Any]:
    """Return the body schema of a KIND proposal: exactly the fields FIELDS allows."""
    schemas = _field_schemas(kind)
    names = sorted(FIELDS[kind], key=list(schemas).index)
    schema: dict[str, Any] = {
        "type": "object",
        "required": REQUIRED[kind],
        "additionalProperties": False,
        "properties": {name: schemas[name] for name in names},
    }
    if kind == "new_concept":
        # At least one term that is not blank, in some language.
        filled = {"type": "string", "pattern": r"\S"}
        schema["properties"]["terms"] = {
            **schema["properties"]["terms"],
            "anyOf": [
                {
                    "required": [lang],
                    "properties": {
                        lang: {
                            "anyOf": [
                                filled,
                                {
                                    "type": "array",
                                    "contains": {
                                        "anyOf": [
                                            filled,
                                            {
                                                "type": "object",
                                                "properties": {"text": filled},
                                            },
                                        ]
                                    },
                                },
                            ]
                        }
                    },
                }
                for lang in LANGS
            ],
        }
    if kind == "change":
        # One term ("lang:text") or one or more definitions, never both.
        schema["description"] = (
            "Either `term` (with text, status, pos or source to change) or "
            "`definition` ({lang: new text}, with an optional source)."
        )
        schema["oneOf"] = [
            {
                "required": ["term"],
                "properties": {
                    "term": {"type": "string", "pattern": r"\S"},
                    "definition": {"type": "null"},
                },
            },
            {
                "required": ["definition"],
                "properties": {
                    "term": _BLANK,
                    "definition": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": False,
                        "properties": {
                            lang: _required_text(MAX_TEXT) for lang in LANGS
                        },
                    },
                },
            },
        ]
    return schema


def approve_schema() -> dict:
    """Return the body of an approval: a reason and edits of the proposal's fields.

    Which fields may be edited depends on the kind of the proposal the path
    names (proposals.EDITABLE); the schema lists every field any kind allows.
    """
    editable = sorted(set().union(*EDITABLE.values()))
    generic = _field_schemas("change")
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "reason": _optional_text(MAX_TEXT),
            "kind": {"enum": list(KINDS)},
            "concept_id": generic["concept_id"],
            "term": generic["term"],
            # An edit of "" or null removes the field from the proposal.
            **{name: {"anyOf": [_field_schemas("new_concept").get(name, generic[name]),
                                {"enum": ["", None]}]}
               for name in editable},
        },
    }  # fmt: skip


def proposal_input_schema() -> dict:
    """Return the ProposalInput schema: one body schema per kind, by "kind"."""
    return {
        "description": "A proposal; its fields depend on its kind (others are "
        "refused). Each kind's schema is built from proposals.FIELDS, the table "
        "the validation uses.",
        "oneOf": [ref(f"Proposal_{kind}") for kind in KINDS],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {
                kind: f"#/components/schemas/Proposal_{kind}" for kind in KINDS
            },
        },
    }


def proposal_body_validator():
    """Return a JSON Schema validator of proposal bodies (the published schema)."""
    from jsonschema import Draft202012Validator

    schemas = {f"Proposal_{kind}": kind_schema(kind) for kind in KINDS}
    document = {
        "oneOf": [{"$ref": f"#/$defs/Proposal_{kind}"} for kind in KINDS],
        "$defs": schemas,
    }
    return Draft202012Validator(document)


def review_schemas() -> dict:
    """Return the schemas of the review workflow."""
    return {
        "ProposalInput": proposal_input_schema(),
        **{f"Proposal_{kind}": kind_schema(kind) for kind in KINDS},
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
            "properties": {"ok": {"const": True}, "proposal": ref("Proposal")},
        },
        "ProposalList": {
            "type": "object",
            "properties": {
                "ok": {"const": True},
                "proposals": {"type": "array", "items": ref("Proposal")},
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
