"""What people type instead of a term: other scripts, wrong layouts, inflections.

- skeleton(): one loose Latin key that the Cyrillic term (Kazakh or Russian) and every
  common way of typing it in Latin letters share: Kazakh 2021, 2018 (acute), 2017
  (apostrophe), Turkish-style, informal ASCII (sh zh ch gh ng q, plain vowels) and the
  usual Russian transliterations ("kreativnye industrii").
- from_layout(): text typed with the wrong keyboard layout active, as it was meant
  (English keys → ЙЦУКЕН or the Kazakh digit row; Russian keys → English).
Pure: no Flask. Inflections are in ``morphology``.
"""

from __future__ import annotations

import re
import unicodedata

# --- one Latin skeleton for Cyrillic terms and Latin queries -----------------------

_CYR_TO_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "ы": "i", "к": "k",
    "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p",
    "р": "r", "с": "s", "ш": "s", "щ": "s", "т": "t", "у": "u", "ү": "u", "ұ": "u",
    "ф": "f", "х": "h", "һ": "h", "ц": "c", "ч": "c", "ъ": "", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip
_CYR_TABLE = str.maketrans(_CYR_TO_LATIN)

# 2017 apostrophe letters (before apostrophes are dropped): y' is у, s' ш, c' ч.
_APOSTROPHE = re.compile(r"([a-z])['’ʼ`´]")
_APOSTROPHE_LETTERS = {"y": "u", "s": "s", "c": "c"}
# Letters with marks whose plain letter is not the skeleton letter.
_SPECIAL = str.maketrans(
    {"ý": "u", "ŋ": "n", "ı": "i", "ç": "c", "ş": "s", "x": "ks", "w": "v"}
)
# Digraphs and variants, longest first; applied to both sides, so "нг" and "ng" meet.
_DIGRAPHS = [
    ("shch", "s"), ("sch", "s"), ("tsh", "c"), ("ch", "c"), ("ts", "c"), ("sh", "s"),
    ("zh", "j"), ("kh", "h"), ("gh", "g"), ("ng", "n"),
    ("ya", "ia"), ("yu", "iu"), ("q", "k"), ("y", "i"),
    ("ii", "i"), ("ei", "e"),
]  # fmt: skip
_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


_DOUBLED = re.compile(r"([a-z])\1+")


def _fold_latin(text: str) -> str:
    # In order, longest first: the same steps on both sides make them meet;
    # repeated until nothing changes, so that the key is a fixed point.
    while True:
        before = text
        for a, b in _DIGRAPHS:
            if a in text:
                text = text.replace(a, b)
        # Doubled letters are often typed single (and the other way round).
        text = _DOUBLED.sub(r"\1", text)
        if text == before:
            break
    if not text.isascii() or not text.isalpha():
        text = _SPACES.sub(" ", _NOT_LETTER.sub(" ", text)).strip()
    return text


_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")


def skeleton_word(word: str) -> str:
    """Return the skeleton of one lower-case WORD (Cyrillic or Latin)."""
    if _CYRILLIC.search(word):
        return _fold_latin(word.translate(_CYR_TABLE))
    word = _APOSTROPHE.sub(
        lambda m: _APOSTROPHE_LETTERS.get(m.group(1), m.group(1)), word
    )
    word = word.translate(_SPECIAL)
    word = "".join(
        c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
    )
    return _fold_latin(word)


def skeleton(text: str) -> str:
    """Return the loose Latin key of TEXT (lower-cased, Turkic rules, NFC already)."""
    return " ".join(s for w in text.split() if (s := skeleton_word(w)))


def is_latin(text: str) -> bool:
    """Is every letter of TEXT a Latin letter (and is there one)?"""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(
        unicodedata.name(c, "").startswith("LATIN") for c in letters
    )


def is_cyrillic(text: str) -> bool:
    """Is every letter of TEXT a Cyrillic letter (and is there one)?"""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(
        unicodedata.name(c, "").startswith("CYRILLIC") for c in letters
    )


# --- wrong keyboard layout ---------------------------------------------------------

_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_EN_TO_RU = dict(zip(_QWERTY, _JCUKEN, strict=True))
# The Kazakh layout (xkb symbols/kz, RST KazSSR 903-90): Kazakh letters on digits.
_KK_DIGITS = {
    "2": "ә",
    "3": "і",
    "4": "ң",
    "5": "ғ",
    "8": "ү",
    "9": "ұ",
    "0": "қ",
    "-": "ө",
    "=": "һ",
}
_RU_TO_EN = {v: k for k, v in _EN_TO_RU.items()}


def from_layout(text: str) -> str | None:
    """Return TEXT as meant when typed with the wrong layout, or None if it was not.

    Latin keys become ЙЦУКЕН letters (with the Kazakh digit row when the text has
    letters as well as those digits); Russian letters become the English keys.
    """
    text = text.lower()
    if not text.strip():
        return None
    if all(c in _EN_TO_RU or c in _KK_DIGITS or c.isspace() for c in text):
        if not any(c.isalpha() for c in text):
            return None
        return "".join(_EN_TO_RU.get(c) or _KK_DIGITS.get(c) or c for c in text)
    if all(c in _RU_TO_EN or c.isspace() or c == "-" for c in text):
        out = "".join(_RU_TO_EN.get(c, c) for c in text)
        # Keys that are punctuation in English make no English word.
        return out if any(c.isalpha() for c in out) else None
    return None
