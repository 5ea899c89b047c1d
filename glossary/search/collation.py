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
    # Letters of the alphabet first, in its order; anything else after, by code point.
    ranks = tuple(
        alphabet.index(c) if c in alphabet else len(alphabet) + ord(c) for c in folded
    )
    if lang == "ru":
        # Russian dictionaries file ё under е; ё (then case) only breaks ties.
        primary = tuple(
            alphabet.index(c) if c in alphabet else len(alphabet) + ord(c)
            for c in folded.replace("ё", "е")
        )
        return primary, ranks, text.swapcase()
    return ranks, text.swapcase()


def initial(text: str, lang: str) -> str:
    """Return the upper-case initial letter of TEXT in LANG's alphabet, or '#'."""
    for c in unicodedata.normalize("NFC", text).lower():
        if c.isalpha():
            if lang == "en":
                c = unicodedata.normalize("NFD", c)[0]
            if lang == "ru" and c == "ё":
                c = "е"  # filed under Е, as in Russian dictionaries
            return c.upper() if c in ALPHABETS[lang] else "#"
        if c.isdigit():
            return "#"
    return "#"
