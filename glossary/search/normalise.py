"""Normalisation of terms and queries into comparable keys (pure)."""

from __future__ import annotations

import re
import unicodedata

from .latin import turkic_lower

# Hyphens, dashes, apostrophes and quotes are folded so that "бизнес-инкубатор",
# "бизнес инкубатор" and «бизнес–инкубатор» meet on one key.
_PUNCT = re.compile(r"[\s\-‐‑‒–—―_/'’‘`´«»\"“”„.,;:!?()\[\]]+")
KAZAKH_TO_RUSSIAN_LOOKALIKE = str.maketrans(
    {
        "қ": "к",
        "ғ": "г",
        "ң": "н",
        "ә": "а",
        "ө": "о",
        "ү": "у",
        "ұ": "у",
        "і": "и",
        "һ": "х",
    }
)


def normalise(text: str) -> str:
    """Return the search key of TEXT: NFC, Turkic lower-case, ё→е, punctuation folded.

    Dotless ı and dotted i are folded together on purpose: users type either.
    """
    text = unicodedata.normalize("NFC", text)
    # Turkic lower-casing matters only for I and İ; plain lower() is much faster.
    text = turkic_lower(text) if ("I" in text or "İ" in text) else text.lower()
    text = text.replace("ё", "е").replace("ı", "i")
    # Folding ı may leave a combining accent to compose ("ı́" → "í").
    return unicodedata.normalize("NFC", _PUNCT.sub(" ", text).strip())


_CYRILLIC_WORD_WITH_LATIN_I = re.compile(r"\S*[а-яәғқңөұүһі]\S*")


def fold_kazakh(key: str) -> str:
    """Fold Kazakh letters of a normalised KEY to their Russian look-alikes.

    A Latin "i" inside a Cyrillic word (typed for і) is folded as і is.
    """
    if "i" in key:
        key = _CYRILLIC_WORD_WITH_LATIN_I.sub(
            lambda m: m.group().replace("i", "и"), key
        )
    return key.translate(KAZAKH_TO_RUSSIAN_LOOKALIKE)
