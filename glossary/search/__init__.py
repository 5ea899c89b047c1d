"""Lookup: normalisation, Kazakh Latin, collation and the term index (no Flask)."""

from .collation import initial, sort_key
from .engine import Hit, LayeredIndex, SearchIndex
from .latin import to_kazakh_latin
from .normalise import fold_kazakh, normalise

__all__ = [
    "Hit",
    "LayeredIndex",
    "SearchIndex",
    "fold_kazakh",
    "initial",
    "normalise",
    "sort_key",
    "to_kazakh_latin",
]
