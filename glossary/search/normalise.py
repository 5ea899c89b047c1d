"""Normalisation of terms and queries into comparable keys (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

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


# The characters _PUNCT folds: every one is below U+3001 (a test reads them all).
PUNCT_LIMIT = 0x3001
_PUNCT_CODES = np.array(
    sorted(
        ord(c)
        for m in _PUNCT.finditer("".join(map(chr, range(PUNCT_LIMIT))))
        for c in m.group()
    ),
    dtype=np.uint32,
)


def normalise_all(texts: Sequence[str]) -> list[str]:
    """Return ``normalise`` of each of TEXTS, its steps run once over all of them.

    The texts are joined with NUL between them: no step reaches across it (NUL
    is neither a space nor punctuation, composes with nothing and ends a word
    for lower-casing's final sigma). Punctuation is folded in numpy, as code
    points. A list with NUL inside a text goes one by one; a text with I or İ
    (Turkic lower-casing) is redone alone.
    """
    joined = "\x00".join(texts)
    if not texts or joined.count("\x00") != len(texts) - 1:
        return list(map(normalise, texts))
    text = unicodedata.normalize("NFC", joined).lower()
    text = text.replace("ё", "е").replace("ı", "i")
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    punct = np.isin(codes, _PUNCT_CODES, kind="table")
    # a run of punctuation and spaces becomes one space (its first character)
    keep = ~punct
    keep[1:] |= ~punct[:-1]
    keep[:1] = True
    folded = np.where(punct, np.uint32(32), codes)[keep]
    text = unicodedata.normalize("NFC", folded.tobytes().decode("utf-32-le"))
    out = list(map(str.strip, text.split("\x00")))
    if "I" in joined or "İ" in joined:
        for i, original in enumerate(texts):
            if "I" in original or "İ" in original:
                out[i] = normalise(original)
    return out


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
