"""The text check: glossary terms found in a whole text, and translation QA (pure).

Nothing here imports Flask or the database: the index is built from term rows
(dicts with concept_id, lang, text, status) and lives in plain numpy arrays.
"""

from .detect import detect_language, guess_languages
from .index import CheckIndex, LayeredCheckIndex, Match
from .qa import Finding, check_translation
from .tokens import Token, tokenise

__all__ = [
    "CheckIndex",
    "Finding",
    "LayeredCheckIndex",
    "Match",
    "Token",
    "check_translation",
    "detect_language",
    "guess_languages",
    "tokenise",
]
