"""The check index's tables of glossary forms answer as the analyser does.

A word of a text is read from tables built with the index where they can say
(every form of the Russian glossary words' lexemes; the Kazakh glossary stems by
the beginnings of the word and the chain of endings under each), and by the
analyser elsewhere. These tests hold the tables to the analyser: the same keys
for every word of the seed glossary, its inflected forms and words that only
begin as they do; the same matches in generated texts, plain and layered.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.check import CheckIndex, LayeredCheckIndex
from glossary.check import index as check_index
from glossary.check.forms import (
    FOLDED,
    LEMMA,
    _morph,
    fold_word,
    plain,
    stems_in,
)
from glossary.check.index import _closeness, _heads, _how, _normalised
from glossary.check.tokens import _match_words, scan_words, words_of
from glossary.search import fold_kazakh, normalise, to_kazakh_latin
from glossary.search.morphology import (
    CYRILLIC_SUFFIXES,
    FOLDED_SUFFIXES,
    KAZAKH_ENDINGS,
)
from glossary.search.variants import skeleton_word
from tests.paradigms import english_inflections, paradigm, russian_inflections


def _rows(seed_records) -> list[dict]:
    return [
        {
            "concept_id": r["id"],
            "lang": t["lang"],
            "text": t["text"],
            "status": t["status"],
        }
        for r in seed_records
        for t in r["terms"]
    ]


@pytest.fixture(scope="module")
def rows(seed_records) -> list[dict]:
    return _rows(seed_records)


@pytest.fixture(scope="module")
def tables(rows) -> CheckIndex:
    """The seed glossary's index, with its tables of forms."""
    return CheckIndex(rows)


@pytest.fixture(scope="module")
def analyser(rows) -> CheckIndex:
    """The same index without tables: every word of a text analysed."""
    return CheckIndex(rows, form_tables=False)


def _present(index, hashes) -> tuple[int, ...]:
    keep = index.present(np.array(hashes, dtype=np.uint64))
    return tuple(h for h, k in zip(hashes, keep.tolist(), strict=True) if k)


def _analysed(index, lang: str, word: str, lookalike: bool) -> tuple[int, ...]:
    """The hashed keys of WORD the walk keeps, from the analyser."""
    key = plain(word)
    inflect = lang == "en" or index.may_inflect(lang, word, key)
    return _present(index, check_index.text_hashes(word, lang, lookalike, inflect))


def _tabled(index, lang: str, word: str, lookalike: bool) -> tuple[int, ...] | None:
    """The same from the tables, or None where they leave it to the analyser."""
    hashes = index.known(lang, word, plain(word), lookalike)
    return None if hashes is None else _present(index, hashes)


def _russian_words(rows) -> list[str]:
    """Every word of the Russian terms and of their inflected forms, and words of
    pymorphy3's dictionary that begin as they do (forms of other lexemes)."""
    words: dict[str, None] = {}
    dictionary = _morph().dictionary
    for r in rows:
        if r["lang"] != "ru":
            continue
        for text in (r["text"], *russian_inflections(r["text"])):
            words.update(dict.fromkeys(words_of(text)))
    for w in list(words):
        key = plain(w)
        for i, (other, *_rest) in enumerate(dictionary.iter_known_words(key[:4])):
            if i >= 12:
                break
            words.setdefault(other)
    # words pymorphy3 does not know (their lemmas are guessed)
    words.update(
        dict.fromkeys(["креативщиков", "нетворкингом", "мурала", "коворкинги"])
    )
    return list(words)


def test_russian_words_read_from_the_table_as_from_pymorphy3(tables, analyser, rows):
    words = _russian_words(rows)
    answered = 0
    for word in words:
        tabled = _tabled(tables, "ru", word, False)
        if tabled is not None:
            answered += 1
            assert tabled == _analysed(analyser, "ru", word, False), word
    # the table answers nearly every word that may be a form of a glossary word
    assert answered > 0.8 * sum(tables.may_inflect("ru", w, plain(w)) for w in words)


def test_a_known_word_left_out_of_the_table_has_no_glossary_lemma(
    tables, analyser, rows
):
    out = [w for w in _russian_words(rows) if plain(w) not in tables.ru_forms]
    left = [w for w in out if tables.known("ru", w, plain(w), False) == ()]
    assert len(left) > 100
    for word in left:
        assert _analysed(analyser, "ru", word, False) == (), word


def _kazakh_nouns(rows) -> list[str]:
    return sorted(
        {
            r["text"].lower()
            for r in rows
            if r["lang"] == "kk" and r["text"].isalpha() and len(r["text"]) > 2
        }
    )


def _near_words(word: str, rng: random.Random) -> list[str]:
    """Words that begin as WORD does and go on otherwise (not its forms)."""
    endings = list(KAZAKH_ENDINGS)
    return [
        word + rng.choice(["хана", "шы", "лық", "ші", "герлік", "дар"]),
        word[:-1] + rng.choice("абвгдеқғкнң"),
        word + "".join(rng.choice(endings) for _ in range(rng.randint(1, 4))),
        word[: max(2, len(word) // 2)] + rng.choice(endings),
    ]


def _kazakh_words(rows, nouns: list[str]) -> list[str]:
    rng = random.Random(9)
    words: dict[str, None] = {}
    for r in rows:
        if r["lang"] == "kk":
            words.update(dict.fromkeys(words_of(r["text"])))
    for noun in nouns:
        words.update(dict.fromkeys(sorted(paradigm(noun))))
        words.update(dict.fromkeys(_near_words(noun, rng)))
    return list(words)


def _check_kazakh_words(tables, analyser, words: list[str]) -> None:
    for word in words:
        for written in (word, fold_kazakh(word)):
            for lookalike in (False, True):
                tabled = _tabled(tables, "kk", written, lookalike)
                assert tabled is not None, written
                assert tabled == _analysed(analyser, "kk", written, lookalike), (
                    written,
                    lookalike,
                )


@pytest.mark.slow  # an equivalence check over many cases (CI runs it)
def test_kazakh_words_read_by_their_stems_as_by_the_analyser(tables, analyser, rows):
    nouns = _kazakh_nouns(rows)
    _check_kazakh_words(tables, analyser, _kazakh_words(rows, nouns[::40]))


@pytest.mark.slow
def test_every_form_of_every_kazakh_glossary_noun(tables, analyser, rows):
    _check_kazakh_words(tables, analyser, _kazakh_words(rows, _kazakh_nouns(rows)))


def test_latin_kazakh_words_are_left_to_the_analyser(tables):
    assert tables.known("kk", "kitaptarymyzdy", "kitaptarymyzdy", False) is None


_CYRILLIC = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=_CYRILLIC, min_size=1, max_size=6),
    st.lists(st.sampled_from(sorted(KAZAKH_ENDINGS)), max_size=5),
    st.sampled_from([LEMMA, FOLDED]),
    st.sampled_from([0, 5]),
)
def test_stems_in_keeps_the_analysers_stems_and_their_order(
    tables, stem, endings, mode, shortest
):
    keys = tables.kk_keys.keys[mode]
    # a glossary stem, or any beginning, with a chain of endings (or none)
    glossary = sorted(keys)
    word = random.Random(stem).choice(glossary) if stem[0] in "аб" else stem
    word += "".join(endings)
    suffixes = CYRILLIC_SUFFIXES if mode == LEMMA else FOLDED_SUFFIXES
    if mode == FOLDED:
        word = fold_word(word)
    heads = _heads(word, tables.kk_keys.prefixes[mode])
    expected = [
        s
        for s in (suffixes.stems(word) if len(word) >= 3 else [word])
        if s in keys and len(s) >= shortest
    ]
    assert stems_in(mode, word, heads, keys, shortest) == expected


def _sentences(rows, lang: str, rng: random.Random) -> str:
    """A text of the glossary's terms of LANG, inflected, among near words."""
    pieces = []
    terms = [r["text"] for r in rows if r["lang"] == lang]
    for term in terms:
        if lang == "ru":
            forms = sorted(russian_inflections(term))
        elif lang == "kk":
            *head, last = term.split(" ")
            forms = [
                " ".join([*head, form])
                for form in rng.sample(sorted(paradigm(last.lower())), 3)
            ]
        else:
            forms = [term, *sorted(english_inflections(term, "noun"))]
        pieces += rng.sample(forms, min(3, len(forms)))
        if lang == "kk":
            pieces += _near_words(term.split(" ")[-1].lower(), rng)
    rng.shuffle(pieces)
    out = []
    for i, piece in enumerate(pieces):
        out.append(piece + rng.choice([" ", " ", ", ", ". ", "\n", " и ", " - "]))
        if i % 7 == 0:
            out.append(rng.choice(["2024 ", "туралы ", "жылы ", "the "]))
    return "".join(out)


def _texts(rows, lang: str) -> list[str]:
    rng = random.Random(lang)
    text = _sentences(rows, lang, rng)
    if lang != "kk":
        return [text]
    # typed with look-alike letters, and in Latin letters
    return [text, fold_kazakh(text), to_kazakh_latin(text)]


@pytest.mark.slow  # an equivalence check over many cases (CI runs it)
@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_texts_checked_with_the_tables_as_without(tables, analyser, rows, lang):
    for text in _texts(rows, lang):
        found = tables.check(text, lang)
        assert found == analyser.check(text, lang)
        assert len(found) > 100


@pytest.mark.slow  # an equivalence check over many cases (CI runs it)
def test_layered_index_with_the_tables_as_without(tables, analyser, rows):
    changed = {1, 23, 108, 268}
    patch = [r for r in rows if r["concept_id"] in changed] + [
        {"concept_id": 1, "lang": "kk", "text": "шығармашылық", "status": "admitted"},
        {"concept_id": 23, "lang": "ru", "text": "мастерская", "status": "admitted"},
        {
            "concept_id": 9999,
            "lang": "kk",
            "text": "кітапханашы",
            "status": "preferred",
        },
    ]
    fast = LayeredCheckIndex(tables, patch, changed)
    slow = LayeredCheckIndex(analyser, patch, changed)
    assert fast.kk_keys is not None and slow.kk_keys is None
    for lang in ("ru", "kk"):
        for text in _texts(rows, lang):
            text += " шығармашылықтың мастерских кітапханашылардың"
            assert fast.check(text, lang) == slow.check(text, lang)


def test_an_index_without_russian_terms_answers_for_every_russian_word():
    index = CheckIndex(
        [{"concept_id": 1, "lang": "kk", "text": "театр", "status": "preferred"}]
    )
    assert index.ru_forms == {}
    assert index.russian_known("театры") == ()
    assert index.check("театры", "ru") == []


_TEXT = st.lists(
    st.sampled_from(
        list("abzаяқә1²'’`-– \n.,«»\"()_/\u0301\u00ad\u00e9") + ["e\u0301", "\r\n"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXT, st.booleans())
def test_one_split_finds_the_words_that_matching_finds(text, keep_tail_apostrophe):
    fast = scan_words(text, keep_tail_apostrophe=keep_tail_apostrophe)
    assert [list(x) for x in fast] == [
        list(x) for x in _match_words(text, keep_tail_apostrophe)
    ]


@pytest.mark.slow  # an equivalence check over many cases (CI runs it)
@settings(max_examples=500, deadline=None)
@given(_TEXT, _TEXT, st.sampled_from([LEMMA, FOLDED]))
def test_how_a_match_reads_is_unchanged_by_the_plain_shortcut(surface, term, mode):
    if surface.casefold() == term.casefold():
        expected = "exact"
    elif normalise(surface) == _normalised(term):
        expected = "normalised"
    else:
        expected = ("lemma", "folded", "latin")[mode]
    assert _how.__wrapped__(surface, term, mode) == expected


def _closeness_as_before(written, term, mode):
    term_words = [plain(w) for w in words_of(term)]
    if mode != LEMMA:
        term_words = [skeleton_word(w) for w in term_words]
    if len(term_words) != len(written):
        return (0, 0)
    shared = diff = 0
    for a, b in zip(written, term_words, strict=True):
        if mode != LEMMA:
            a = skeleton_word(a)
        n = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            n += 1
        shared += n
        diff += abs(len(a) - len(b))
    return (-shared, diff)


_WORD = st.text(alphabet="абвқәіkaz", min_size=1, max_size=6)


@pytest.mark.slow  # an equivalence check over many cases (CI runs it)
@settings(max_examples=500, deadline=None)
@given(
    st.lists(_WORD, min_size=1, max_size=3),
    st.lists(_WORD, min_size=1, max_size=3),
    st.sampled_from([LEMMA, FOLDED]),
)
def test_closeness_of_a_phrase_to_a_term_is_unchanged(written, term, mode):
    term_text = " ".join(term)
    assert _closeness(tuple(written), term_text, mode) == _closeness_as_before(
        written, term_text, mode
    )
