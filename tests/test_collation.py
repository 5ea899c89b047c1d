"""Alphabetical order per language, and initials for the A–Z browse pages."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.search.collation import initial, sort_key

KAZAKH_ALPHABET = (
    "А Ә Б В Г Ғ Д Е Ё Ж З И Й К Қ Л М Н Ң О Ө П Р С Т "
    "У Ұ Ү Ф Х Һ Ц Ч Ш Щ Ъ Ы І Ь Э Ю Я"
).split()
RUSSIAN_ALPHABET = (
    "А Б В Г Д Е Ё Ж З И Й К Л М Н О П Р С Т У Ф Х Ц Ч Ш Щ Ъ Ы Ь Э Ю Я"
).split()
ENGLISH_ALPHABET = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Real words in Kazakh dictionary order; neighbours differ in one of the
# letters that Russian order or code-point order would put elsewhere.
KAZAKH_WORDS = [
    "ақпарат",
    "ана",
    "аң",
    "әдебиет",
    "бейнелеу",
    "гүл",
    "ғылым",
    "дизайн",
    "ел",
    "ёлка",
    "жоба",
    "зат",
    "индустрия",
    "йод",
    "кино",
    "кітап",
    "қала",
    "лақап",
    "мұражай",
    "нысан",
    "орын",
    "өнер",
    "пішін",
    "реңк",
    "сән",
    "театр",
    "тыс",
    "тіс",
    "уақыт",
    "ұлт",
    "үй",
    "фильм",
    "хат",
    "һәм",
    "цирк",
    "чемпион",
    "шеберхана",
    "щетка",
    "ырғақ",
    "іс",
    "эскиз",
    "юрист",
    "ядро",
]

RUSSIAN_WORDS = [
    "архитектура",
    "Бизнес",
    "дизайн",
    "ёж",
    "ежевика",
    "ёлка",
    "ель",
    "жанр",
    "издательство",
    "йога",
    "кино",
    "Мода",
    "музыка",
    "театр",
    "цифровые медиа",
    "щит",
    "эскиз",
    "юбилей",
    "ярмарка",
]


def shuffled(items, seed):
    out = list(items)
    random.Random(seed).shuffle(out)
    return out


def kk(text):
    return sort_key(text, "kk")


def ru(text):
    return sort_key(text, "ru")


def en(text):
    return sort_key(text, "en")


@pytest.mark.parametrize("seed", range(5))
def test_kazakh_letters_sort_in_kazakh_order(seed):
    assert len(KAZAKH_ALPHABET) == 42
    assert sorted(shuffled(KAZAKH_ALPHABET, seed), key=kk) == KAZAKH_ALPHABET
    lower = [c.lower() for c in KAZAKH_ALPHABET]
    assert sorted(shuffled(lower, seed), key=kk) == lower


@pytest.mark.parametrize("seed", range(5))
def test_kazakh_words_sort_in_kazakh_order(seed):
    assert sorted(shuffled(KAZAKH_WORDS, seed), key=kk) == KAZAKH_WORDS
    capitalised = [w.capitalize() for w in KAZAKH_WORDS]
    assert sorted(shuffled(capitalised, seed), key=kk) == capitalised


def test_kazakh_order_is_not_russian_or_code_point_order():
    # Ә after А, Ғ after Г, Қ after К, Ң after Н, Ұ Ү after У, Һ after Х, І after Ы
    assert sorted(["бала", "әке", "ана"], key=kk) == ["ана", "әке", "бала"]
    assert sorted(["ғылым", "дала", "гүл"], key=kk) == ["гүл", "ғылым", "дала"]
    assert sorted(["лақ", "қала", "кино"], key=kk) == ["кино", "қала", "лақ"]
    assert sorted(["үй", "ұлт", "уақыт", "фильм"], key=kk) == [
        "уақыт",
        "ұлт",
        "үй",
        "фильм",
    ]
    assert sorted(["цирк", "һәм", "хат"], key=kk) == ["хат", "һәм", "цирк"]
    assert sorted(["эскиз", "іс", "ырғақ"], key=kk) == ["ырғақ", "іс", "эскиз"]


def test_kazakh_sort_is_case_insensitive():
    assert sorted(["әке", "Ана", "Бала", "ақ"], key=kk) == ["ақ", "Ана", "әке", "Бала"]


@settings(max_examples=100, deadline=None)
@given(st.permutations(KAZAKH_ALPHABET))
def test_any_permutation_of_the_kazakh_alphabet_sorts_back(letters):
    assert sorted(letters, key=kk) == KAZAKH_ALPHABET


def test_russian_letters_sort_in_russian_order():
    # The browse page sorts its letter bar with sort_key: Е must come before Ё.
    assert len(RUSSIAN_ALPHABET) == 33
    for seed in range(5):
        assert sorted(shuffled(RUSSIAN_ALPHABET, seed), key=ru) == RUSSIAN_ALPHABET
    lower = [c.lower() for c in RUSSIAN_ALPHABET]
    for seed in range(5):
        assert sorted(shuffled(lower, seed), key=ru) == lower


@pytest.mark.parametrize("seed", range(5))
def test_russian_words_sort_in_russian_order(seed):
    assert sorted(shuffled(RUSSIAN_WORDS, seed), key=ru) == RUSSIAN_WORDS


def test_russian_files_yo_under_ye():
    # ё is not a separate letter after е: ёлка sorts between ёж and ель
    assert sorted(["ель", "ёлка", "ежевика", "ёж"], key=ru) == [
        "ёж",
        "ежевика",
        "ёлка",
        "ель",
    ]
    assert ru("ёлка")[0] == ru("елка")[0]
    # ё only breaks a tie
    assert sorted(["ёлка", "елка"], key=ru) == ["елка", "ёлка"]
    assert sorted(["Ёлка", "ель", "Ежевика"], key=ru) == ["Ежевика", "Ёлка", "ель"]


def test_russian_yo_breaks_ties_after_ye_in_capitals_too():
    # Capital Ё (U+0401) precedes Е (U+0415) in code points, unlike ё/е.
    assert sorted(["Ёлка", "Елка"], key=ru) == ["Елка", "Ёлка"]
    assert sorted(["Ё", "Е"], key=ru) == ["Е", "Ё"]


def test_kazakh_keeps_yo_as_its_own_letter():
    assert sorted(["ёлка", "ель", "жоба"], key=kk) == ["ель", "ёлка", "жоба"]


def test_english_is_case_and_accent_insensitive():
    words = ["Zebra", "cafes", "éclair", "zeal", "café", "banana", "Apple", "cafe"]
    assert sorted(words, key=en) == [
        "Apple",
        "banana",
        "cafe",
        "café",
        "cafes",
        "éclair",
        "zeal",
        "Zebra",
    ]
    assert en("Café")[0] == en("cafe")[0] == en("CAFE")[0]
    assert en("Ångström")[0] == en("angstrom")[0]
    assert sorted(["naïve", "Naive", "nab"], key=en)[0] == "nab"


@pytest.mark.parametrize("seed", range(3))
def test_english_letters_sort_in_order(seed):
    assert sorted(shuffled(ENGLISH_ALPHABET, seed), key=en) == ENGLISH_ALPHABET


def test_letters_before_other_characters():
    assert sorted(["#hash", "zebra", "apple"], key=en) == ["apple", "zebra", "#hash"]
    assert sorted(["дизайн", "design", "архив"], key=ru) == [
        "архив",
        "дизайн",
        "design",
    ]


def test_shorter_prefix_sorts_first():
    assert sorted(["арт-объект", "арт"], key=ru) == ["арт", "арт-объект"]
    assert sorted(["design thinking", "design"], key=en) == [
        "design",
        "design thinking",
    ]


@pytest.mark.parametrize(
    ("text", "lang", "letter"),
    [
        # Kazakh
        ("ақпарат", "kk", "А"),
        ("Әдебиет", "kk", "Ә"),
        ("ғылым", "kk", "Ғ"),
        ("қала", "kk", "Қ"),
        ("өнер", "kk", "Ө"),
        ("ұлттық мұражай", "kk", "Ұ"),
        ("үй", "kk", "Ү"),
        ("һәм", "kk", "Һ"),
        ("іс", "kk", "І"),
        ("ёлка", "kk", "Ё"),
        ("«Ұлттық мұражай»", "kk", "Ұ"),
        ("«Қазақстан» журналы", "kk", "Қ"),
        ("3D-басып шығару", "kk", "#"),
        ("2024 жыл", "kk", "#"),
        ("IT-парк", "kk", "#"),
        # Russian
        ("архитектура", "ru", "А"),
        ("Театр", "ru", "Т"),
        ("«Театр»", "ru", "Т"),
        ("„Мода“", "ru", "М"),
        ("юбилей", "ru", "Ю"),
        ("щит", "ru", "Щ"),
        ("эскиз", "ru", "Э"),
        ("3D-печать", "ru", "#"),
        ("IT-парк", "ru", "#"),
        # English
        ("design", "en", "D"),
        ("Apple", "en", "A"),
        ("éclair", "en", "E"),
        ("Ångström", "en", "A"),
        ("İstanbul", "en", "I"),
        ("«Creative» industries", "en", "C"),
        ("“smart” city", "en", "S"),
        ("'quoted' term", "en", "Q"),
        ("3D printing", "en", "#"),
        ("100% design", "en", "#"),
        ("дизайн", "en", "#"),
        # nothing to go by
        ("", "en", "#"),
        ("— «» —", "ru", "#"),
    ],
)
def test_initial(text, lang, letter):
    assert initial(text, lang) == letter


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.sampled_from(["en", "ru", "kk"]))
def test_initial_is_a_letter_of_the_alphabet_or_hash(text, lang):
    alphabets = {"en": ENGLISH_ALPHABET, "ru": RUSSIAN_ALPHABET, "kk": KAZAKH_ALPHABET}
    assert initial(text, lang) in [*alphabets[lang], "#"]
