"""The keys one word is matched under: the search package's forms, per language.

This is the only place where the text check reads word forms; every rule comes
from glossary.search (normalisation, Kazakh suffix stripping, look-alike folding,
Latin readings, pymorphy3, English plurals), so the check improves with lookup.

A glossary word is indexed under a few keys (``term_keys``); a word of the text
gives the keys it may stand for (``text_keys``). They match when the two meet in
the same mode:

- LEMMA: the dictionary form (Russian lemmas by pymorphy3, Kazakh stems with
  every chain of plural, possessive, case and -дағы endings taken off, English
  without the plural or possessive);
- FOLDED: Kazakh typed with Russian look-alike letters (к for қ, у for ү, и for і),
  read through the look-alike fold, endings taken off the same way;
- LATIN: Kazakh in a Latin alphabet (2021, 2018, 2017, Turkish-style, ASCII),
  read through the Latin skeleton, endings likewise.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..search.latin import turkic_lower
from ..search.morphology import (
    CYRILLIC_SUFFIXES,
    FOLDED_SUFFIXES,
    LATIN_SUFFIXES,
    folded_term_stem,
    kazakh_term_stem,
    latin_term_stem,
)
from ..search.normalise import KAZAKH_TO_RUSSIAN_LOOKALIKE, normalise
from ..search.variants import english_stem, kazakh_stem, skeleton_stem, skeleton_word

LEMMA, FOLDED, LATIN = 0, 1, 2
MODES = ("lemma", "folded", "latin")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_APOSTROPHES = "'’ʼ`´"
_RU_PARSES = 4  # readings of one Russian word that are kept (as lookup keeps)


_PLAIN_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=200_000)
def plain(word: str) -> str:
    """Return WORD as one search key: lower case, ё as е, no marks or apostrophes."""
    if (
        _PLAIN_WORD.fullmatch(word)
        and "I" not in word
        and "İ" not in word
        and unicodedata.is_normalized("NFC", word)
    ):
        # only letters and digits (most words): normalise() comes down to this
        key = word.lower().replace("ё", "е").replace("ı", "i")
        if unicodedata.is_normalized("NFC", key):
            return key
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


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def is_latin(word: str) -> bool:
    """Is WORD written in Latin letters (and none Cyrillic)?"""
    return _CYRILLIC.search(word) is None and _LATIN.search(word) is not None


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
    morph = _morph()
    only = _single_lemma(morph, word)
    if only is not None:
        return (only,)
    parses = morph.parse(word)
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


def _single_lemma(morph, word: str) -> str | None:
    """Return the one dictionary form of a known WORD, or None (several, unknown).

    A look-up in pymorphy3's dictionary alone, without the probability scores
    that a full parse adds: those only matter when the readings disagree.
    """
    try:
        items = morph.dictionary.words.similar_items(word, morph.char_substitutes)
        lemmas = {
            morph.dictionary.build_normal_form(para_id, idx, fixed)
            for fixed, parses in items
            for para_id, idx in parses
        }
    except AttributeError:  # another pymorphy3 inside: the full parse will do
        return None
    return lemmas.pop().replace("ё", "е") if len(lemmas) == 1 else None


_CYRILLIC_LOWER = re.compile("[а-яәғқңөұүһі]")
_CYRILLIC_LOWER_YO = re.compile("[а-яёәғқңөұүһі]")
_TO_LOOKALIKE = KAZAKH_TO_RUSSIAN_LOOKALIKE


def fold_word(key: str) -> str:
    """Return fold_kazakh(KEY) for one plain word KEY (no spaces), faster."""
    if "i" in key and _CYRILLIC_LOWER.search(key):
        key = key.replace("i", "и")  # a Latin i typed for і in a Cyrillic word
    return key.translate(_TO_LOOKALIKE)


def latin_word(word: str) -> str:
    """Return the Latin skeleton of a Latin-letter WORD of a text."""
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
    # The word, its dictionary stem (a term is nominative: only a possessive or
    # plural ending is taken off) and, for a word inflected inside a phrase
    # (креативті индустрияны дамыту), the stem without its case ending too;
    # in each script a text may use.
    folded, latin = fold_word(key), skeleton_word(key)
    return _unique(
        [
            (LEMMA, key),
            (LEMMA, kazakh_term_stem(key)),
            (LEMMA, kazakh_stem(key)),
            (FOLDED, folded),
            (FOLDED, folded_term_stem(folded)),
            (FOLDED, kazakh_stem(folded)),
            (LATIN, latin),
            (LATIN, latin_term_stem(latin)),
            (LATIN, skeleton_stem(latin)),
        ]
    )


def _unique(pairs: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    return tuple(dict.fromkeys(p for p in pairs if p[1]))


@lru_cache(maxsize=200_000)
def text_keys(
    word: str, lang: str, lookalike: bool, inflect: bool = True
) -> tuple[tuple[int, str], ...]:
    """Return the (mode, key) pairs a WORD of a text in LANG may match.

    LOOKALIKE says that the Kazakh text is typed without Kazakh letters, so its
    Cyrillic words are also read as look-alikes. INFLECT false: a word that
    cannot be a form of any glossary word is not analysed (pymorphy3, endings).
    """
    key = plain(word)
    if not key:
        return ()
    if lang == "en":
        return ((LEMMA, _english(word)),)
    if lang == "ru":
        if not inflect:
            return ((LEMMA, key),)
        return tuple((LEMMA, lemma) for lemma in russian_lemmas(key))
    # Kazakh: every stem the word may have, all its endings taken off in every
    # grammatical order (plural, possessive, case, -дағы …), per script (only
    # the word itself when no glossary word begins as it does)
    if is_latin(word):
        latin = latin_word(word)
        return _unique(
            [(LEMMA, key)]
            + [(LATIN, s) for s in _stems(LATIN_SUFFIXES, latin, inflect)]
        )
    pairs = [(LEMMA, s) for s in _stems(CYRILLIC_SUFFIXES, key, inflect)]
    if lookalike:
        folded = fold_word(key)
        pairs += [(FOLDED, s) for s in _stems(FOLDED_SUFFIXES, folded, inflect)]
    return _unique(pairs)


def _stems(suffixes, word: str, inflect: bool) -> list[str]:
    return list(suffixes.stems(word)) if inflect and len(word) >= 3 else [word]


@lru_cache(maxsize=200_000)
def kazakh_word_readings(word: str) -> tuple[tuple[int, str], ...]:
    """Return the (mode, key) a Kazakh WORD of a text is stemmed in, per script."""
    if is_latin(word):
        return ((LATIN, latin_word(word)),)
    key = plain(word)
    return ((LEMMA, key), (FOLDED, fold_word(key)))


_SUFFIX_SETS = {
    LEMMA: CYRILLIC_SUFFIXES,
    FOLDED: FOLDED_SUFFIXES,
    LATIN: LATIN_SUFFIXES,
}


def stem_heads(mode: int, key: str) -> tuple[str, ...]:
    """Return KEY (a glossary word's key of MODE) as the beginning of a longer word.

    A stem whose last letter is п/к/қ may be written б/г/ғ before an ending
    (кітап → кітабы): both spellings begin its forms.
    """
    softened = _SUFFIX_SETS[mode].softened
    voiced = [soft for soft, hard in softened.items() if key.endswith(hard)]
    return (key, *(key[:-1] + v for v in voiced))


def has_stem_in(key: str, heads: set[str]) -> bool:
    """Is some proper beginning of KEY (2 letters or more) in HEADS (stem_heads)?

    Every stem the Kazakh endings leave of a word is such a beginning (кітабы →
    кітап): a word none of whose beginnings is a glossary word's key has no
    ending worth taking off.
    """
    return any(key[:n] in heads for n in range(2, len(key)))


def is_lookalike_kazakh(words: list[str]) -> bool:
    """Is a Kazakh text of WORDS typed without Kazakh letters (look-alikes instead)?

    Real Kazakh has і, қ, ң, ә … in most sentences; a text that has (almost) none
    was typed on a Russian keyboard. Only then are its words read as look-alikes:
    in a correctly written text сан (number) must not be taken for сән (fashion).
    """
    cyrillic = kazakh = 0
    for w in words:
        lower = w.lower()
        if _CYRILLIC_LOWER_YO.search(lower):
            cyrillic += 1
            if not KAZAKH_LETTERS.isdisjoint(lower):
                kazakh += 1
    return cyrillic > 0 and kazakh <= cyrillic * 0.02


def release_word_caches() -> None:
    """Empty the word caches a big index build filled (this module's and lookup's).

    Each cached word is a small tracked object: a million of them make every full
    garbage collection of the process walk them all, seconds of pauses later on.
    """
    from ..search import variants

    for cached in (
        plain,
        russian_lemmas,
        term_keys,
        variants.skeleton_word,
        variants.kazakh_stem,
        variants.skeleton_stem,
        variants.english_stem,
    ):
        cached.cache_clear()
