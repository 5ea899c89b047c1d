"""What people type instead of a term: other scripts, wrong layouts, inflections.

- skeleton(): one loose Latin key that the Cyrillic term (Kazakh or Russian) and every
  common way of typing it in Latin letters share: Kazakh 2021, 2018 (acute), 2017
  (apostrophe), Turkish-style, informal ASCII (sh zh ch gh ng q, plain vowels) and the
  usual Russian transliterations ("kreativnye industrii").
- from_layout(): text typed with the wrong keyboard layout active, as it was meant
  (English keys → ЙЦУКЕН or the Kazakh digit row; Russian keys → English).
- kazakh_stem(), english_stem(), russian_forms(): one-ending-per-kind stems (the text
  check); lookup's word forms are in ``morphology``.
Pure: no Flask.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


def _fold_steps(text: str) -> str:
    """Apply the digraph and doubled-letter steps to TEXT until nothing changes."""
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
            return text


def _letters_only(text: str) -> str:
    if not text.isascii() or not text.isalpha():
        text = _SPACES.sub(" ", _NOT_LETTER.sub(" ", text)).strip()
    return text


def _fold_latin(text: str) -> str:
    return _letters_only(_fold_steps(text))


_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")


def skeleton_of_word(word: str) -> str:
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


# Cached, for queries and the text check; indexing a million terms calls
# ``skeletons`` with its own per-build memo instead.
skeleton_word = lru_cache(maxsize=200_000)(skeleton_of_word)


def skeletons(words: list[str]) -> list[str]:
    """Return ``skeleton_of_word`` of each of WORDS (whitespace-free), all at once.

    The Cyrillic words are joined and folded as one text: no rule reaches across
    the line breaks between them, and the rules are repeated until the whole text
    stops changing, which leaves each word at its own fixed point.
    """
    out = [""] * len(words)
    cyrillic = [i for i, w in enumerate(words) if _CYRILLIC.search(w)]
    text = _fold_steps("\n".join([words[i] for i in cyrillic]).translate(_CYR_TABLE))
    for i, folded in zip(cyrillic, text.split("\n") if cyrillic else [], strict=True):
        out[i] = _letters_only(folded)
    cyrillic_set = set(cyrillic)
    for i, w in enumerate(words):
        if i not in cyrillic_set:
            out[i] = skeleton_of_word(w)
    return out


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


# --- greedy stems (the text check, glossary/check) ------------------------------
# Lookup uses ``morphology`` (every suffix chain, per query word); the text check
# stems both sides of a match with these one-ending-per-kind stemmers.

# Kazakh inflection: case after possessive after plural, so stripped in that order,
# each with every vowel-harmony and assimilation variant (longest first).
_KK_CASE = sorted(
    """ның нің дың дің тың тің ны ні ды ді ты ті на не да де та те нда нде
    ға ге қа ке на не дан ден тан тен нан нен мен бен пен""".split(),
    key=len,
    reverse=True,
)
_KK_POSSESSIVE = sorted("ымыз іміз ыңыз іңіз сы сі ы і".split(), key=len, reverse=True)
_KK_PLURAL = "лар лер дар дер тар тер".split()
_KK_VOWELS = set("аәеиоөуұүыіэюяё")


# One pattern per group: the stem (3+ letters, with a vowel) and the ending.
_KK_GROUPS = [
    re.compile("^(.{3,}?)(" + "|".join(sorted(set(g), key=len, reverse=True)) + ")$")
    for g in (_KK_CASE, _KK_POSSESSIVE, _KK_PLURAL)
]


@lru_cache(maxsize=200_000)
def kazakh_stem(word: str) -> str:
    """Return WORD without its Kazakh case, possessive and plural endings."""
    if len(word) < 4:
        return word
    for pattern in _KK_GROUPS:
        m = pattern.match(word)
        if m and not _KK_VOWELS.isdisjoint(m.group(1)):
            word = m.group(1)
    return word


@lru_cache(maxsize=200_000)
def english_stem(word: str) -> str:
    """Return an English WORD without its plural ending."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_MORPH = None


def _morph():
    global _MORPH
    if _MORPH is None:
        import pymorphy3

        _MORPH = pymorphy3.MorphAnalyzer(lang="ru")
    return _MORPH


@lru_cache(maxsize=20_000)
def russian_forms(word: str) -> frozenset[str]:
    """Return every form of the lexemes a Russian WORD may belong to (ё as е)."""
    if len(word) < 3 or not is_cyrillic(word):
        return frozenset()
    morph = _morph()
    if not morph.word_is_known(word):
        return frozenset()  # a typo or an unknown word: guessing costs time, finds junk
    forms: set[str] = set()
    parses = morph.parse(word)
    best = parses[0].score if parses else 0
    for p in parses[:4]:
        if p.score < best / 4 or not p.is_known:
            continue
        forms.update(f.word.replace("ё", "е") for f in p.lexeme)
    forms.discard(word)
    return frozenset(forms)


_SKEL_SUFFIXES = [
    sorted({skeleton_word(s) for s in group}, key=len, reverse=True)
    for group in (_KK_CASE, _KK_POSSESSIVE, _KK_PLURAL)
]


@lru_cache(maxsize=200_000)
def skeleton_stem(word: str) -> str:
    """Return a skeleton WORD without Kazakh endings (as kazakh_stem, in Latin)."""
    for group in _SKEL_SUFFIXES:
        for s in group:
            if word.endswith(s) and len(word) - len(s) >= 3:
                word = word[: -len(s)]
                break
    return word
