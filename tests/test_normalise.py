"""Search keys: normalise() and the Kazakh→Russian look-alike fold."""

import csv
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from glossary.search.normalise import (
    _PUNCT,
    _PUNCT_CODES,
    PUNCT_LIMIT,
    fold_kazakh,
    normalise,
    normalise_all,
)

TERMS = Path(__file__).resolve().parent.parent / "terms.csv"

LETTERS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "äğıñöşūüÄĞİÑÖŞŪÜéÉ"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙЯ"
    "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
)
PUNCTUATION = " \t\n-‐‑‒–—―_/'’‘`´«»\"“”„.,;:!?()[]0123456789"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # case
        ("Креативные Индустрии", "креативные индустрии"),
        ("CREATIVE INDUSTRIES", "creative industries"),
        ("Creative industries", "creative industries"),
        ("ҚАЗАҚСТАН", "қазақстан"),
        # ё and е meet
        ("ёлка", "елка"),
        ("Ёлка", "елка"),
        ("ЁЛКА", "елка"),
        ("новогодняя ёлка", "новогодняя елка"),
        # Turkic I/İ: dotless and dotted i are folded together on purpose
        ("I", "i"),
        ("İ", "i"),
        ("ı", "i"),
        ("i", "i"),
        ("KREATİVTI İNDUSTRİİALAR", "kreativti industriialar"),
        ("kreativtı industriialar", "kreativti industriialar"),
        ("Mädeniet jäne aqparat ministrlıgı", "mädeniet jäne aqparat ministrligi"),
        # hyphens and dashes
        ("бизнес-инкубатор", "бизнес инкубатор"),
        ("бизнес‐инкубатор", "бизнес инкубатор"),
        ("бизнес‑инкубатор", "бизнес инкубатор"),
        ("бизнес–инкубатор", "бизнес инкубатор"),
        ("бизнес—инкубатор", "бизнес инкубатор"),
        ("бизнес – инкубатор", "бизнес инкубатор"),
        ("бизнес_инкубатор", "бизнес инкубатор"),
        ("бизнес/инкубатор", "бизнес инкубатор"),
        # quotes and apostrophes
        ("«креативті индустриялар»", "креативті индустриялар"),
        ("“creative industries”", "creative industries"),
        ("„креативные индустрии“", "креативные индустрии"),
        ('"design"', "design"),
        ("rock ’n’ roll", "rock n roll"),
        ("Bu'ryn'g'y", "bu ryn g y"),
        # other punctuation and white space
        ("design, art; craft.", "design art craft"),
        ("(арт-объект)", "арт объект"),
        ("что? где! когда:", "что где когда"),
        ("  креативные \t индустрии \n", "креативные индустрии"),
        ("", ""),
        ("«»—", ""),
        # digits are kept
        ("3D-печать", "3d печать"),
    ],
)
def test_normalise(text, key):
    assert normalise(text) == key


def test_normalise_composes_nfd_input():
    for word in ("ёлка", "Йошкар-Ола", "café", "İstanbul"):
        nfd = unicodedata.normalize("NFD", word)
        assert normalise(nfd) == normalise(word)
    assert normalise(unicodedata.normalize("NFD", "ЁЛКА")) == "елка"


def test_dotted_capital_i_leaves_no_combining_dot():
    assert normalise("İNDUSTRİİA") == "industriia"
    assert "\u0307" not in normalise("İ İ İ")


@pytest.mark.parametrize(
    ("variant", "other"),
    [
        ("креативные-индустрии", "Креативные индустрии"),
        ("«Бизнес–инкубатор»", "бизнес инкубатор"),
        ("Ёлка", "ЕЛКА"),
        ("kreativtı industriialar", "KREATİVTI İNDUSTRİİALAR"),
    ],
)
def test_variants_meet_on_one_key(variant, other):
    assert normalise(variant) == normalise(other)


@pytest.mark.parametrize(
    ("kazakh", "russian"),
    [
        ("қ", "к"),
        ("ғ", "г"),
        ("ң", "н"),
        ("ә", "а"),
        ("ө", "о"),
        ("ү", "у"),
        ("ұ", "у"),
        ("і", "и"),
        ("һ", "х"),
    ],
)
def test_fold_kazakh_maps_each_kazakh_letter(kazakh, russian):
    assert fold_kazakh(kazakh) == russian


@pytest.mark.parametrize(
    ("key", "folded"),
    [
        ("креативті индустриялар", "креативти индустриялар"),
        ("қазақстан", "казакстан"),
        ("мәдениет және ақпарат министрлігі", "мадениет жане акпарат министрлиги"),
        ("ұлттық мұражай", "улттык муражай"),
        ("жеңе", "жене"),
        ("һәм", "хам"),
        ("өнер", "онер"),
        ("сәулет үйі", "саулет уйи"),
    ],
)
def test_fold_kazakh_on_real_keys(key, folded):
    assert fold_kazakh(key) == folded


def test_fold_kazakh_leaves_everything_else_alone():
    other = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя abc 123 -«»"
    assert fold_kazakh(other) == other


def test_folded_kazakh_meets_what_russian_keyboard_users_type():
    assert fold_kazakh(normalise("Қазақстан")) == normalise("Казакстан")
    assert fold_kazakh(normalise("креативті индустриялар")) == fold_kazakh(
        normalise("креативти индустриялар")
    )


# --- properties -------------------------------------------------------------

realistic_text = st.text(alphabet=LETTERS + PUNCTUATION, max_size=60)


@settings(max_examples=200, deadline=None)
@given(realistic_text)
def test_normalise_is_idempotent_on_realistic_text(text):
    key = normalise(text)
    assert normalise(key) == key


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
# Latin ı followed by a combining accent: normalise() turns ı into i after
# composing, so the key is not NFC and a second pass composes i + accent.
@example("ı\u0301")
@example("ı\u0308")
def test_normalise_is_idempotent(text):
    key = normalise(text)
    assert normalise(key) == key


@settings(max_examples=200, deadline=None)
@given(realistic_text)
def test_normalised_key_has_no_folded_characters(text):
    key = normalise(text)
    assert key == key.strip()
    assert "  " not in key
    assert not set(key) & set("ёЁıİ-–—«»\"'.,;:!?()")
    assert key == unicodedata.normalize("NFC", key)


@settings(max_examples=200, deadline=None)
@given(realistic_text)
def test_fold_kazakh_is_idempotent_and_keeps_length(text):
    key = normalise(text)
    folded = fold_kazakh(key)
    assert fold_kazakh(folded) == folded
    assert len(folded) == len(key)
    assert not set(folded) & set("қғңәөүұіһ")


# --- normalise_all: the index build's normalisation of many texts at once -----------

# Whatever may sit at the edge of a text next to the NUL that joins it to the
# next: combining marks, final sigma, Turkic capitals, every kind of space.
TRICKY = (
    LETTERS
    + PUNCTUATION
    + "IİıiΣσςΑ\u0301\u0307\u0308\u0300\x00\x1c\x1f\x85\xa0\u1680\u2000\u2028"
    + "\u3000\u3001\ufeff\u200b\u0627\U0001f3ad가각\u1100\u1161"
)


def test_punctuation_folded_by_code_point_is_all_of_it():
    everything = "".join(map(chr, range(0x110000)))
    matched = {c for m in _PUNCT.finditer(everything) for c in m.group()}
    assert max(map(ord, matched)) < PUNCT_LIMIT
    assert sorted(map(ord, matched)) == _PUNCT_CODES.tolist()


@settings(max_examples=400)
@given(st.lists(st.text(alphabet=TRICKY, max_size=12), max_size=8))
@example(["Σ", "α"])
@example(["aΣ", "\u0301b"])
@example([""])
@example(["", "", ""])
@example(["ΑΣ Σ", " IT-Park ", "қа\x00зақ"])
@example(["e", "\u0301", "İ\u0307"])
def test_normalise_all_equals_one_by_one(texts):
    assert normalise_all(texts) == [normalise(t) for t in texts]


@given(st.lists(st.text(max_size=20), max_size=6))
def test_normalise_all_equals_one_by_one_on_any_text(texts):
    assert normalise_all(texts) == [normalise(t) for t in texts]


def test_normalise_all_on_the_seeded_glossary():
    with open(TERMS, encoding="utf-8", newline="") as f:
        texts = [v for row in csv.DictReader(f) for v in row.values() if v]
    assert normalise_all(texts) == [normalise(t) for t in texts]
