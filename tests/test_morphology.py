"""Word forms (glossary.search.morphology) and every generated form of the term base.

The forms come from generators written apart from the engine (tests/paradigms.py):
a Kazakh paradigm generator written from the grammar, pymorphy3's inflection of
every word of a Russian term, a small regular English inflector. Each form must
find its word's entry first.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.search.engine import SearchIndex
from glossary.search.morphology import (
    english_lemmas,
    kazakh_term_stem,
    latin_term_stem,
    query_forms,
)
from glossary.search.normalise import normalise
from glossary.search.variants import english_stem, russian_forms, skeleton
from tests.paradigms import (
    english_inflections,
    paradigm,
    russian_inflections,
    term_base,
)

KAZAKH_LETTERS = "аәбвгғдежзийкқлмнңоөпрстуұүфхһшыі"
kazakh_words = st.text(alphabet=KAZAKH_LETTERS, min_size=1, max_size=15)


ROWS = term_base()


@pytest.fixture(scope="module")
def index():
    return SearchIndex(ROWS)


def single_words(lang: str, pos: str = "noun") -> list[dict]:
    return [
        r
        for r in ROWS
        if r["lang"] == lang
        and r["pos"] == pos
        and len(normalise(r["text"]).split()) == 1
    ]


def concepts_of(text: str, lang: str) -> set[int]:
    """Every concept with the term TEXT in LANG (some terms belong to two)."""
    key = normalise(text)
    return {
        r["concept_id"]
        for r in ROWS
        if r["lang"] == lang and normalise(r["text"]) == key
    }


def check_forms(index, generated: dict[str, set[int]]) -> list[tuple]:
    """Return the forms whose entry does not come first (empty: all do).

    GENERATED maps a form to the concepts it is a form of. A form that is
    itself a term of the glossary must find that term's entry first instead.
    """
    exact = defaultdict(set)
    for r in ROWS:
        exact[normalise(r["text"])].add(r["concept_id"])
    misses = []
    for form, concepts in sorted(generated.items()):
        expected = exact.get(form) or concepts
        hits = index.search(form, limit=3)
        if not hits or hits[0].concept_id not in expected:
            misses.append((form, sorted(expected), [(h.text, h.how) for h in hits]))
    return misses


# --- Kazakh ---------------------------------------------------------------------------


# 160 of the term base's one-word Kazakh nouns, spread over the whole list (each
# has about 130 forms: every one is looked up).
ALL_KAZAKH_NOUNS = single_words("kk")
ISSUE_NOUNS = {"театр", "мұражай", "кітапхана", "би"}
KAZAKH_NOUNS = ALL_KAZAKH_NOUNS[:: max(1, len(ALL_KAZAKH_NOUNS) // 160)][:160] + [
    r for r in ALL_KAZAKH_NOUNS if r["text"] in ISSUE_NOUNS
]


def test_there_are_150_kazakh_nouns_to_decline():
    assert len({r["text"] for r in KAZAKH_NOUNS}) >= 150


@pytest.mark.parametrize(
    ("noun", "forms"),
    [
        ("театр", {"театрдағы", "театрлардағы", "театрдағылардың", "театрға"}),
        ("мұражай", {"мұражайлардағы", "мұражайым", "мұражайымызда"}),
        ("кітап", {"кітабы", "кітабымдағы", "кітаптан", "кітаппен", "кітапқа"}),
        ("би", {"биде", "бидің", "биге", "бимен", "билер"}),
        ("өнер", {"өнердегі", "өнерлеріңізден", "өнерге"}),
        ("кітапхана", {"кітапханадағы", "кітапханасында", "кітапханаға"}),
        ("сурет", {"суретке", "суреттегі", "суреттер"}),
        ("ел", {"елдер", "елде", "елдегі", "елдің"}),
        ("қалам", {"қаламның", "қаламдар", "қаламнан"}),
        ("саз", {"сазбен", "саздың", "сазға"}),
    ],
)
def test_paradigm_generator_follows_the_grammar(noun, forms):
    assert forms <= paradigm(noun)


@pytest.mark.slow  # about 21,000 lookups
def test_every_form_of_150_kazakh_nouns_finds_its_noun_first(index):
    generated: dict[str, set[int]] = defaultdict(set)
    for r in KAZAKH_NOUNS:
        for form in paradigm(normalise(r["text"])):
            generated[form] |= concepts_of(r["text"], "kk")
    assert len(generated) > 150 * 100
    assert {"театрдағы", "мұражайлардағы", "кітапханадағы", "биде"} <= set(generated)
    misses = check_forms(index, generated)
    assert not misses, f"{len(misses)} of {len(generated)}: {misses[:20]}"


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("театрдағы", "театр"),
        ("мұражайлардағы", "мұражай"),
        ("кітапханадағы", "кітапхана"),
        ("биде", "би"),
        ("кітапханашы", "кітапханашы"),  # an entry of its own: exact first
        ("индустрияларды", "креативті индустриялар"),
        ("креативті индустриялардағы", "креативті индустриялар"),
    ],
)
def test_kazakh_forms_of_the_issue(index, query, text):
    hit = index.search(query)[0]
    assert hit.text == text
    assert hit.how == ("exact" if query == text else "lemma")


def test_a_kazakh_form_in_latin_or_with_look_alikes_finds_the_noun(index):
    assert index.search("teatrdağy")[0].text == "театр"
    assert index.search("murajailardagy")[0].text == "мұражай"
    assert index.search("муражайлардагы")[0].text == "мұражай"


# --- Russian --------------------------------------------------------------------------


@pytest.mark.slow
def test_every_form_of_the_russian_terms_finds_its_entry_first(index):
    generated: dict[str, set[int]] = defaultdict(set)
    for r in ROWS:
        if r["lang"] == "ru" and r["pos"] == "noun":
            for form in russian_inflections(r["text"]):
                generated[form] |= concepts_of(r["text"], "ru")
    assert len(generated) > 1000
    misses = check_forms(index, generated)
    assert len(misses) <= len(generated) // 100, misses[:20]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("креативных индустрий", "креативные индустрии"),
        ("музеями", "музей"),
        ("в музее", "музей"),
    ],
)
def test_russian_forms_of_the_issue(index, query, text):
    assert index.search(query)[0].text == text


# --- English --------------------------------------------------------------------------


@pytest.mark.slow
def test_every_form_of_the_english_words_finds_its_entry_first(index):
    generated: dict[str, set[int]] = defaultdict(set)
    for pos in ("noun", "verb"):
        for r in single_words("en", pos):
            for form in english_inflections(normalise(r["text"]), pos):
                generated[normalise(form)] |= concepts_of(r["text"], "en")
    assert len(generated) > 300
    misses = check_forms(index, generated)
    assert not misses, misses[:20]


# --- the stemmers themselves ----------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("libraries", "library"),
        ("designers", "designer"),
        ("designed", "design"),
        ("designing", "design"),
        ("created", "create"),
        ("planning", "plan"),
        ("studied", "study"),
        ("boxes", "box"),
    ],
)
def test_english_lemmas(word, lemma):
    assert lemma in english_lemmas(normalise(word))


def test_query_forms_cost_the_letters_stripped():
    forms = query_forms("кітапханалардағы")
    assert forms["кітапханалардағы"] == 0
    assert forms["кітапхана"] == len("лардағы")
    assert forms["кітапхана"] > forms["кітапханалар"]


def test_consonants_soften_before_a_vowel():
    assert "кітап" in query_forms("кітабымдағы")
    assert "жүрек" in query_forms("жүрегі")
    assert kazakh_term_stem("министрлігі") == "министрлік"


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("индустрияларды", "индустрия"),
        ("мұражайға", "мұражай"),
        ("мұражайлар", "мұражай"),
        ("кітапхананың", "кітапхана"),
        ("кітапханадан", "кітапхана"),
        ("театрлардың", "театр"),
        ("өнердің", "өнер"),
        ("өнерді", "өнер"),
        ("тарихы", "тарих"),
        ("жобасы", "жоба"),
        ("суретшілер", "суретші"),
        ("әуесқойлармен", "әуесқой"),
        ("көрмеге", "көрме"),
        ("мектепке", "мектеп"),
        ("кітаптар", "кітап"),
        ("өнер", "өнер"),  # no ending: unchanged
        ("ою", "ою"),  # too short to strip
    ],
)
def test_a_kazakh_word_form_is_traced_to_its_stem(word, stem):
    assert stem in query_forms(word)
    # the index stores only the plural and the third person possessive stripped
    if word.endswith(("лар", "лер", "сы", "сі")):
        assert kazakh_term_stem(word) == stem


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("libraries", "library"),
        ("museums", "museum"),
        ("boxes", "box"),
        ("churches", "church"),
        ("glass", "glass"),
        ("status", "status"),
        ("analysis", "analysis"),
    ],
)
def test_english_stem(word, stem):
    assert english_stem(word) == stem


def test_russian_forms_cover_the_lexeme():
    forms = russian_forms("индустрий")
    assert {"индустрия", "индустрии", "индустриями"} <= forms
    assert "музей" in russian_forms("музеями")
    assert russian_forms("zz") == frozenset()


@settings(max_examples=200, deadline=None)
@given(kazakh_words)
def test_stems_are_prefixes_of_three_letters_or_more(word):
    # a prefix but for a softened last letter (кітабы → кітап)
    stem = kazakh_term_stem(word)
    assert word.startswith(stem[:-1]) and len(stem) >= min(len(word), 3)
    key = skeleton(word)
    stem = latin_term_stem(key)
    assert key.startswith(stem[:-1]) and len(stem) >= min(len(key), 3)


@settings(max_examples=200, deadline=None)
@given(
    kazakh_words.filter(lambda w: len(w) >= 3 and w[-1] in "аеоұүыі"),
    st.sampled_from(["лар", "лер"]),
)
def test_plural_and_case_endings_come_off_together(word, plural):
    # a noun ending in a vowel: plural, then genitive by vowel harmony
    genitive = "дың" if plural == "лар" else "дің"
    assert word in query_forms(word + plural + genitive)
    assert kazakh_term_stem(word + plural) == word
