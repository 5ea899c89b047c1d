"""Typing variants (glossary.search.variants): cases, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.search.latin import to_kazakh_latin
from glossary.search.normalise import normalise
from glossary.search.variants import (
    from_layout,
    is_cyrillic,
    is_latin,
    skeleton,
)

KAZAKH_LETTERS = "аәбвгғдежзийкқлмнңоөпрстуұүфхһшыі"
RUSSIAN_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
kazakh_words = st.text(alphabet=KAZAKH_LETTERS, min_size=1, max_size=15)
russian_words = st.text(alphabet=RUSSIAN_LETTERS, min_size=1, max_size=15)

# Cyrillic → QWERTY keys of the same position (Russian ЙЦУКЕН, Kazakh digit row).
TO_KEYS = dict(zip("йцукенгшщзхъфывапролджэячсмитьбюё",
                   "qwertyuiop[]asdfghjkl;'zxcvbnm,.`", strict=True))  # fmt: skip
TO_KEYS.update(zip("әіңғүұқөһ", "2345890-=", strict=True))


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        # 2021, 2018 (acute), 2017 (apostrophe), Turkish-style, informal ASCII
        ("şyğarmaşylyq", "шығармашылық"),
        ("shyǵarmashylyq", "шығармашылық"),
        ("s'yg'armas'ylyq", "шығармашылық"),
        ("şığarmaşılık", "шығармашылық"),
        ("shygharmashylyq", "шығармашылық"),
        ("shygarmashylyk", "шығармашылық"),
        ("sáýlet", "сәулет"),
        ("sa'y'let", "сәулет"),
        ("jıhaz", "жиһаз"),
        ("zhihaz", "жиһаз"),
        ("Qazaqstan", "Қазақстан"),
        ("Kazakhstan", "Казахстан"),
        # Russian transliterations
        ("kreativnye industrii", "креативные индустрии"),
        ("khudozhnik", "художник"),
        ("hudozhnik", "художник"),
        ("shchetka", "щетка"),
        ("yubka", "юбка"),
    ],
)
def test_latin_typing_meets_the_cyrillic_term(typed, term):
    assert skeleton(normalise_raw(typed)) == skeleton(normalise(term))


def normalise_raw(text):
    """Lower-case as the engine does before the skeleton (apostrophes kept)."""
    from glossary.search.latin import turkic_lower

    return turkic_lower(text).replace("ё", "е")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("0fpf0", "қазақ"),
        ("c2ektn", "сәулет"),
        ("-yth", "өнер"),
        ("rhtfnbdyst bylecnhbb", "креативные индустрии"),
        ("ghbdtn", "привет"),
        (",b,kbjntrf", "библиотека"),
        ("ьгыугь", "museum"),
        ("вуышпт", "design"),
    ],
)
def test_wrong_layout(typed, meant):
    assert from_layout(typed) == meant


@pytest.mark.parametrize("text", ["2021", "", "   ", "...", "музей-2", "mūrajai"])
def test_not_a_layout_mistake(text):
    # digits or punctuation alone are no letters; mixed scripts are no layout slip
    assert from_layout(text) is None


def test_script_detection():
    assert is_latin("mūrajai") and not is_latin("мұражай")
    assert is_cyrillic("мұражай") and not is_cyrillic("museum")
    assert not is_latin("123") and not is_cyrillic("")


@settings(max_examples=200, deadline=None)
@given(kazakh_words)
def test_kazakh_2021_latin_round_trip_meets_the_cyrillic(word):
    # Kazakh written in the 2021 alphabet, whatever its case, reaches the word
    latin = to_kazakh_latin(word)
    assert skeleton(normalise_raw(latin)) == skeleton(word)
    assert skeleton(normalise_raw(latin.upper())) == skeleton(word) or "ı" in latin


@settings(max_examples=200, deadline=None)
@given(st.lists(kazakh_words | russian_words, min_size=1, max_size=3))
def test_wrong_layout_round_trip(words):
    # typed with the English layout active, read back as meant
    text = " ".join(words)
    typed = "".join(TO_KEYS.get(c, c) for c in text)
    meant = from_layout(typed)
    if any(c.isalpha() for c in typed):
        assert meant == text


@settings(max_examples=200, deadline=None)
@given(kazakh_words | russian_words | st.text(alphabet="abcdefghijklmnopqrstuvwxyz"))
def test_skeleton_is_idempotent_and_ascii(word):
    key = skeleton(word)
    assert key.isascii()
    assert skeleton(key) == key
