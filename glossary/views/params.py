"""The query parameters of the search API: one table for parsing and for OpenAPI."""

from __future__ import annotations

from dataclasses import dataclass

# The longest query accepted by /search and /suggest (pages and API).
MAX_QUERY = 200


@dataclass(frozen=True)
class IntParam:
    """A whole-number query parameter with its default and bounds."""

    name: str
    default: int
    low: int
    high: int

    def schema(self) -> dict:
        """Return its OpenAPI parameter object."""
        return {
            "name": self.name,
            "in": "query",
            "schema": {
                "type": "integer",
                "minimum": self.low,
                "maximum": self.high,
                "default": self.default,
            },
        }


SEARCH_LIMIT = IntParam("limit", 10, 1, 100)
SEARCH_OFFSET = IntParam("offset", 0, 0, 10_000)
SUGGEST_LIMIT = IntParam("limit", 8, 1, 20)


def query_schema() -> dict:
    """Return the OpenAPI parameter object of q."""
    return {
        "name": "q",
        "in": "query",
        "required": True,
        # Something other than spaces (the query is stripped), at most
        # MAX_QUERY characters once stripped.
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_QUERY,
            "pattern": r"^\s*\S[\s\S]*$",
        },
    }
