"""The keys one word is matched under: the search package's forms, per language.

This is the only place where the text check reads word forms; every rule comes
from glossary.search (normalisation, Kazakh suffix stripping, look-alike folding,
Latin readings, pymorphy3, English plurals), so the check improves with lookup.

A glossary word is indexed under a few keys (``term_keys``); a word of the text
gives the keys it may stand for (``text_keys``). They match when the two meet in
the same mode:

- LEMMA: the dictionary form (Russian lemmas by pymorphy3, Kazakh without its
  plural, possessive and case endings, English without the plural);
- FOLDED: Kazakh typed with Russian look-alike letters (к for қ, у for ү, и for і);
- LATIN: Kazakh in a Latin alphabet (2021, 2018, 2017, Turkish-style, ASCII).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..search.latin import turkic_lower
from ..search.normalise import normalise
from ..search.variants import (
    english_stem,
    is_latin,
    kazakh_stem,
    skeleton_stem,
    skeleton_word,
)

LEMMA, FOLDED, LATIN = 0, 1, 2
MODES = ("lemma", "folded", "latin")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_APOSTROPHES = "'’ʼ`´"
_RU_PARSES = 4  # readings of one Russian word that are kept (as lookup keeps)


def plain(word: str) -> str:
    """Return WORD as one search key: lower case, ё as е, no marks or apostrophes."""
    key = normalise(word).replace(" ", "").replace("\u00ad", "")
    if "\u0301" in key or "\u0300" in key:
        # stress marks over Russian vowels (мо́ст; no precomposed letter) go
        key = key.replace("\u0301", "").replace("\u0300", "")
    return key


def _english(word: str) -> str:
    lower = word.lower()
    for tail in ("'s", "’s", "'", "’"):
        if lower.endswith(tail) and len(lower) > len(tail) + 1:
            word = word[: -len(tail)]
            break
    return english_stem(plain(word))


_MORPH = None


def _morph():
    global _MORPH
    if _MORPH is None:
        # The analyser lookup uses (pymorphy3, Russian dictionaries).
        from ..search import variants

        _MORPH = variants._morph()
    return _MORPH


@lru_cache(maxsize=100_000)
def russian_lemmas(word: str) -> tuple[str, ...]:
    """Return the dictionary forms a plain Russian WORD may be a form of."""
    if len(word) < 2 or not word.isalpha():
        return (word,)
    parses = _morph().parse(word)
    if not parses:
        return (word,)
    best = parses[0].score
    out = []
    for p in parses[:_RU_PARSES]:
        if p.score < best / 4:
            continue
        lemma = p.normal_form.replace("ё", "е")
        if lemma not in out:
            out.append(lemma)
    return tuple(out) or (word,)


def _latin_word(word: str) -> str:
    # skeleton_word reads apostrophes (2017) and accents (2018) itself
    lower = turkic_lower(unicodedata.normalize("NFC", word)).replace("\u00ad", "")
    return skeleton_word(lower)


@lru_cache(maxsize=200_000)
def term_keys(word: str, lang: str) -> tuple[tuple[int, str], ...]:
    """Return the (mode, key) pairs a glossary WORD of LANG is indexed under."""
    key = plain(word)
    if not key:
        return ()
    if lang == "en":
        return ((LEMMA, _english(word)),)
    if lang == "ru":
        return tuple((LEMMA, lemma) for lemma in russian_lemmas(key))
    if is_latin(word):  # a Latin word inside a Kazakh term (a name, "IT")
        return ((LEMMA, key),)
    return _kazakh_keys(key, _loose_words(key), (LEMMA, FOLDED, LATIN))


def _loose_words(key: str) -> str:
    return skeleton_word(key)


# The attributive -ғы/-гі after a locative (театрдағы "which is in the theatre"),
# which kazakh_stem does not strip yet: taken off before it.
_ATTRIBUTIVE = ("дағы", "дегі", "тағы", "тегі")
_LATIN_ATTRIBUTIVE = ("dagi", "degi", "tagi", "tegi")


def _without_attributive(word: str, endings: tuple[str, ...]) -> str:
    if word.endswith(endings) and len(word) > 6:
        return word[:-2]
    return word


def _kazakh_keys(key: str, loose: str, modes) -> tuple[tuple[int, str], ...]:
    # A word and its stem both: stripping is not idempotent (кітапхана →
    # кітапха, кітапханалар → кітапхана), so the two sides meet on either.
    out: list[tuple[int, str]] = []
    for mode in modes:
        if mode == LEMMA:
            bare = _without_attributive(key, _ATTRIBUTIVE)
            pairs = [
                (LEMMA, key),
                (LEMMA, kazakh_stem(key)),
                (LEMMA, kazakh_stem(bare)),
            ]
        else:
            bare = _without_attributive(loose, _LATIN_ATTRIBUTIVE)
            pairs = [
                (mode, loose),
                (mode, skeleton_stem(loose)),
                (mode, skeleton_stem(bare)),
            ]
        for pair in pairs:
            if pair[1] and pair not in out:
                out.append(pair)
    return tuple(out)


@lru_cache(maxsize=200_000)
def text_keys(word: str, lang: str, lookalike: bool) -> tuple[tuple[int, str], ...]:
    """Return the (mode, key) pairs a WORD of a text in LANG may match.

    LOOKALIKE says that the Kazakh text is typed without Kazakh letters, so its
    Cyrillic words are also read as look-alikes.
    """
    key = plain(word)
    if not key:
        return ()
    if lang == "en":
        return ((LEMMA, _english(word)),)
    if lang == "ru":
        return tuple((LEMMA, lemma) for lemma in russian_lemmas(key))
    if is_latin(word):
        return ((LEMMA, key),) + _kazakh_keys(key, _latin_word(word), (LATIN,))
    modes = (LEMMA, FOLDED) if lookalike else (LEMMA,)
    return _kazakh_keys(key, _loose_words(key), modes)


def is_lookalike_kazakh(words: list[str]) -> bool:
    """Is a Kazakh text of WORDS typed without Kazakh letters (look-alikes instead)?

    Real Kazakh has і, қ, ң, ә … in most sentences; a text that has (almost) none
    was typed on a Russian keyboard. Only then are its words read as look-alikes:
    in a correctly written text сан (number) must not be taken for сән (fashion).
    """
    cyrillic = kazakh = 0
    for w in words:
        lower = w.lower()
        if any("а" <= c <= "я" or c in "ёәғқңөұүһі" for c in lower):
            cyrillic += 1
            if not KAZAKH_LETTERS.isdisjoint(lower):
                kazakh += 1
    return cyrillic > 0 and kazakh <= cyrillic * 0.02
