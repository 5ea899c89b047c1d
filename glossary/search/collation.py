"""Sorting by each language's own alphabet, and A–Z letters for browsing (pure)."""

from __future__ import annotations

import unicodedata

ALPHABETS: dict[str, str] = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
}


def sort_key(text: str, lang: str) -> tuple:
    """Return a key that sorts TEXT in the alphabetical order of LANG."""
    alphabet = ALPHABETS[lang]
    folded = unicodedata.normalize("NFC", text).lower()
    if lang == "en":
        # English ignores accents when sorting (café between cafe and cafes).
        folded = "".join(
            c
            for c in unicodedata.normalize("NFD", folded)
            if not unicodedata.combining(c)
        )
    if lang == "ru":
        # Russian dictionaries file ё under е; ё only breaks ties (via TEXT below).
        folded = folded.replace("ё", "е")
    # Letters of the alphabet first, in its order; anything else after, by code point.
    ranks = tuple(
        alphabet.index(c) if c in alphabet else len(alphabet) + ord(c) for c in folded
    )
    return ranks, text


def initial(text: str, lang: str) -> str:
    """Return the upper-case initial letter of TEXT in LANG's alphabet, or '#'."""
    for c in unicodedata.normalize("NFC", text).lower():
        if c.isalpha():
            if lang == "en":
                c = unicodedata.normalize("NFD", c)[0]
            return c.upper() if c in ALPHABETS[lang] else "#"
        if c.isdigit():
            return "#"
    return "#"
