"""The one clock of the data layer: UTC timestamps as stored in every table."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    """Return the current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
