"""The pieces every part of the OpenAPI description is built from."""

from __future__ import annotations


def ref(name: str) -> dict:
    """Return a reference to the component schema NAME."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema: str) -> dict:
    """Return a response whose JSON body is the component schema SCHEMA."""
    return {
        "description": description,
        "content": {"application/json": {"schema": ref(schema)}},
    }


def error_response(description: str) -> dict:
    """Return an error response (the API's error shape)."""
    return json_response(description, "Error")


def json_body(schema: str) -> dict:
    """Return a required JSON request body of the component schema SCHEMA."""
    return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}


def id_param() -> dict:
    """Return the integer path parameter ``id``."""
    return {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}


def enum_param(name: str, values: tuple[str, ...]) -> dict:
    """Return an optional query parameter NAME taking one of VALUES."""
    return {"name": name, "in": "query", "schema": {"enum": list(values)}}
