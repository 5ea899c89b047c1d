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
from collections.abc import Iterable
from functools import lru_cache

from ..search.latin import turkic_lower
from ..search.morphology import (
    CYRILLIC_SUFFIXES,
    FOLDED_SUFFIXES,
    LATIN_SUFFIXES,
    SuffixSet,
    kazakh_term_stem,
)
from ..search.normalise import KAZAKH_TO_RUSSIAN_LOOKALIKE, normalise
from ..search.variants import english_stem, skeleton_word

LEMMA, FOLDED, LATIN = 0, 1, 2
MODES = ("lemma", "folded", "latin")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_APOSTROPHES = "'’ʼ`´"
_RU_PARSES = 4  # readings of one Russian word that are kept (as lookup keeps)
# letters: a word of a correctly written Kazakh text is read as look-alikes only
# by stems this long (short ones are often another real word: сан, сән)
MIN_LOOKALIKE_ALONE = 5


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


MIN_STEM_FOR_SHORT_FORMS = 3  # letters: a shorter stem lets forms begin otherwise


@lru_cache(maxsize=20_000)
def russian_irregular_forms(word: str) -> tuple[str, ...]:
    """Return the forms of a plain Russian WORD's irregular lexemes, or ().

    A lexeme whose forms share fewer than three letters (человек: люди, людей;
    ребёнок: дети; идти: шёл) is listed whole: its forms do not begin as its
    dictionary form does, and the text check must know them by their beginnings.
    """
    if len(word) < 2 or not word.isalpha():
        return ()
    morph = _morph()
    try:
        dictionary = morph.dictionary
        items = dictionary.words.similar_items(word, morph.char_substitutes)
    except AttributeError:  # another pymorphy3 inside: no irregular forms known
        return ()
    out: dict[str, None] = {}
    for fixed, parses in items:
        for para_id, idx in parses:
            paradigm = dictionary.paradigms[para_id]
            stem = dictionary.build_stem(paradigm, idx, fixed)
            if len(stem) >= MIN_STEM_FOR_SHORT_FORMS:
                continue
            n = len(paradigm) // 3
            for i in range(n):
                prefix = dictionary.paradigm_prefixes[paradigm[2 * n + i]]
                form = prefix + stem + dictionary.suffixes[paradigm[i]]
                out.setdefault(form.replace("ё", "е"))
    return tuple(out)


def russian_form_table(lemmas: Iterable[str]) -> dict[str, tuple[str, ...]] | None:
    """Return every form of the lexemes of LEMMAS (plain) with its russian_lemmas.

    A lexeme is taken where its dictionary form is one of LEMMAS (ё read as е),
    so that every word pymorphy3 knows and reads as a form of one of them is a
    key here. The values are what russian_lemmas says of each form, so a table
    look-up answers as the analyser does. None: this pymorphy3 cannot list
    lexemes (then no table can be complete).
    """
    morph = _morph()
    try:
        dictionary = morph.dictionary
        words, substitutes = dictionary.words, morph.char_substitutes
        paradigms, prefixes = dictionary.paradigms, dictionary.paradigm_prefixes
        suffixes = dictionary.suffixes
        found: dict[str, None] = {}
        for lemma in lemmas:
            for fixed, parses in words.similar_items(lemma, substitutes):
                for para_id, idx in parses:
                    normal = dictionary.build_normal_form(para_id, idx, fixed)
                    if normal.replace("ё", "е") != lemma:
                        continue  # a form of another lexeme
                    paradigm = paradigms[para_id]
                    stem = dictionary.build_stem(paradigm, idx, fixed)
                    n = len(paradigm) // 3
                    for i in range(n):
                        form = prefixes[paradigm[2 * n + i]] + stem
                        found.setdefault(
                            (form + suffixes[paradigm[i]]).replace("ё", "е")
                        )
    except AttributeError:  # another pymorphy3 inside
        return None
    return {form: russian_lemmas(form) for form in found}


def russian_is_known(key: str) -> bool:
    """Does pymorphy3's dictionary hold the plain word KEY (ё read as е too)?

    A known word is read from the dictionary alone (its other analysers never
    run), so its lemmas are the dictionary forms of its lexemes.
    """
    morph = _morph()
    return bool(morph.dictionary.words.similar_keys(key, morph.char_substitutes))


def latin_word(word: str) -> str:
    """Return the Latin skeleton of a Latin-letter WORD of a text."""
    # skeleton_word reads apostrophes (2017) and accents (2018) itself
    lower = turkic_lower(unicodedata.normalize("NFC", word)).replace("\u00ad", "")
    return skeleton_word(lower)


# Not cached: a build asks once per distinct word (its own memo), and a cache of a
# million words' keys would only hold memory after the build.
def term_keys(word: str, lang: str, inner: bool = False) -> tuple[tuple[int, str], ...]:
    """Return the (mode, key) pairs a glossary WORD of LANG is indexed under.

    INNER: the word stands before the last word of a term, where a Kazakh word
    may be inflected (креативті индустрияларды дамыту); the last word (and a
    one-word term) is a dictionary form.
    """
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
    # (креативті индустрияны дамыту), its stems under the case ending too;
    # in each script a text may use.
    # The stems are found in Cyrillic, where the endings are told apart, and
    # then written as look-alikes and Latin (the Latin skeleton reads ш as с:
    # мүсінші would lose a "possessive" -сі there).
    stems = [kazakh_term_stem(key)]
    if inner:
        stems += inflected_stems(CYRILLIC_SUFFIXES, key)
    pairs = [(LEMMA, key), *((LEMMA, s) for s in stems)]
    pairs += [(FOLDED, fold_word(key)), *((FOLDED, fold_word(s)) for s in stems)]
    pairs += [(LATIN, skeleton_word(key)), *((LATIN, skeleton_word(s)) for s in stems)]
    return _unique(pairs)


# Endings that make a word inflected rather than a dictionary form: the cases
# (after the possessive's "n" too), the attributive -ғы (-дағы) and -нікі.
_INFLECTED = frozenset({"case", "loc", "case_p3", "loc_p3", "case_p12", "attr", "niki"})
MIN_INNER_STEM = 3  # letters: shorter stems of a term's word would be guesses


def inflected_stems(suffixes: SuffixSet, word: str) -> list[str]:
    """Return the stems of a Kazakh WORD whose last ending is a case (or -ғы).

    A term's word inflected inside the term (креативті индустрияларды дамыту,
    мұражайдағы көрме) is matched by the stems under its case ending: the same
    analysis as lookup's (glossary.search.morphology: every chain of plural,
    possessive, case and -дағы endings, read from the end in grammatical order,
    softened stems), begun only where the word ends in a case ending. A word in
    its dictionary form gives none, so no ending is guessed off a plain word.
    """
    return list(suffixes.stems(word, MIN_INNER_STEM, last=_INFLECTED))


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
        stems = _latin_stems(latin, inflect, _doubled(word))
        return _unique([(LEMMA, key)] + [(LATIN, s) for s in stems])
    pairs = [(LEMMA, s) for s in _stems(CYRILLIC_SUFFIXES, key, inflect)]
    if lookalike:
        folded = fold_word(key)
        pairs += [(FOLDED, s) for s in _stems(FOLDED_SUFFIXES, folded, inflect)]
    elif KAZAKH_LETTERS.isdisjoint(key) and len(key) >= MIN_LOOKALIKE_ALONE:
        # One word typed with look-alikes in a correctly written text
        # (китапханалардын): read as look-alikes too, by stems long enough not
        # to be another word written plainly (сан "number" is no сән "fashion").
        folded = fold_word(key)
        pairs += [
            (FOLDED, s)
            for s in _stems(FOLDED_SUFFIXES, folded, inflect)
            if len(s) >= MIN_LOOKALIKE_ALONE
        ]
    return _unique(pairs)


def _doubled(word: str) -> frozenset[str]:
    """Return the skeleton letters a Latin WORD of a text writes doubled."""
    lower = turkic_lower(unicodedata.normalize("NFC", word))
    return frozenset(
        skeleton_word(a) for a, b in zip(lower, lower[1:], strict=False) if a == b
    )


def _latin_stems(latin: str, inflect: bool, doubled: frozenset[str]) -> list[str]:
    """Return the stems of a Latin skeleton, doubled letters given back.

    The skeleton writes a doubled letter once (мәдениеттер → madenieter), so a
    stem that ended in the letter its ending begins with lost it: it is tried
    with that letter too, where the word as written doubles it (seriialar, the
    plural of seriia, is no serial + lar: it writes no ll).
    """
    stems = _stems(LATIN_SUFFIXES, latin, inflect)
    if len(stems) == 1:
        return stems
    out = list(stems)
    for s in stems:
        if len(s) < len(latin) and latin[len(s)] in doubled - set("aeiou"):
            out.append(s + latin[len(s)])
    return out


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


# A stem every chain of endings is tried under (a vowel, then a letter that
# softens before a vowel: кітап → кітабы), per script.
_STAND_IN = {LEMMA: "ааб", FOLDED: "ааб", LATIN: "aab"}


@lru_cache(maxsize=50_000)
def ending_chain(mode: int, rest: str) -> tuple[bool, bool]:
    """Does the analyser take REST off a stem, in MODE's script? (as is, softened)

    SuffixSet.stems reads a word from its end: whether it stops at a stem under
    REST (the stem as written, or with its last letter softened back, кітаб →
    кітап) depends on REST alone, given a stem of two letters or more with a
    vowel; so it is asked once about a stand-in stem.
    """
    suffixes = _SUFFIX_SETS[mode]
    if not any(rest[:n] in suffixes.kinds for n in suffixes.lengths):
        return False, False  # the ending next to a stem would begin REST
    stand_in = _STAND_IN[mode]
    found = suffixes.stems(stand_in + rest)
    softened = stand_in[:-1] + suffixes.softened[stand_in[-1]]
    return stand_in in found, softened in found


# beginnings of one word tried apart: past them one reading of the whole word
# (a big glossary has a stem at nearly every length) costs less
MAX_HEADS_APART = 2


def stems_in(
    mode: int,
    word: str,
    heads: list[int],
    keys: set[str] | dict[str, None],
    min_len: int = 0,
) -> list[str]:
    """Return the stems of a Kazakh WORD in MODE's script that are in KEYS.

    The same list, in the same order, as SuffixSet.stems(WORD) with the stems
    not in KEYS (or shorter than MIN_LEN) left out. HEADS: the lengths of the
    beginnings of WORD that are stem_heads of KEYS (every stem of a word is one).
    Each is tried with ending_chain on the rest of the word; where more than one
    stem is found under the word (or there are many heads), the analyser reads
    the whole word and gives their order.
    """
    out = [word] if word in keys and len(word) >= min_len else []
    if len(word) < 3 or not heads:
        return out
    suffixes = _SUFFIX_SETS[mode]
    if len(heads) > MAX_HEADS_APART:
        return [s for s in suffixes.stems(word) if s in keys and len(s) >= min_len]
    vowels, softened = suffixes.vowels, suffixes.softened
    under: list[str] = []
    for n in heads:
        if n < min_len:
            continue
        stem = word[:n]
        hard = softened.get(stem[-1])
        other = stem[:-1] + hard if hard else None
        if (stem in keys or other in keys) and not vowels.isdisjoint(stem):
            as_is, soft = ending_chain(mode, word[n:])
            if as_is and stem in keys:
                under.append(stem)
            if soft and other is not None and other in keys:
                under.append(other)
    if len(under) > 1:
        return [s for s in suffixes.stems(word) if s in keys and len(s) >= min_len]
    return out + under


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
        ending_chain,
        russian_lemmas,
        russian_irregular_forms,
        kazakh_word_readings,
        variants.skeleton_word,
        variants.english_stem,
    ):
        cached.cache_clear()
