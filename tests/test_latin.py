"""Kazakh Cyrillic → official 2021 Latin alphabet, and the Turkic case map."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.search.latin import (
    KAZAKH_LATIN_2021,
    to_kazakh_latin,
    turkic_lower,
    turkic_upper,
)

# (lower Cyrillic, 2021 Latin, upper Cyrillic, 2021 Latin of the upper-case letter
# standing alone), in Kazakh alphabetical order. Loan letters follow the
# government text quoted in shared/KAZAKH.md.
LETTERS = [
    ("а", "a", "А", "A"),
    ("ә", "ä", "Ә", "Ä"),
    ("б", "b", "Б", "B"),
    ("в", "v", "В", "V"),
    ("г", "g", "Г", "G"),
    ("ғ", "ğ", "Ғ", "Ğ"),
    ("д", "d", "Д", "D"),
    ("е", "e", "Е", "E"),
    ("ё", "io", "Ё", "İo"),
    ("ж", "j", "Ж", "J"),
    ("з", "z", "З", "Z"),
    ("и", "i", "И", "İ"),
    ("й", "i", "Й", "İ"),
    ("к", "k", "К", "K"),
    ("қ", "q", "Қ", "Q"),
    ("л", "l", "Л", "L"),
    ("м", "m", "М", "M"),
    ("н", "n", "Н", "N"),
    ("ң", "ñ", "Ң", "Ñ"),
    ("о", "o", "О", "O"),
    ("ө", "ö", "Ө", "Ö"),
    ("п", "p", "П", "P"),
    ("р", "r", "Р", "R"),
    ("с", "s", "С", "S"),
    ("т", "t", "Т", "T"),
    ("у", "u", "У", "U"),
    ("ұ", "ū", "Ұ", "Ū"),
    ("ү", "ü", "Ү", "Ü"),
    ("ф", "f", "Ф", "F"),
    ("х", "h", "Х", "H"),
    ("һ", "h", "Һ", "H"),
    ("ц", "ts", "Ц", "Ts"),
    ("ч", "tş", "Ч", "Tş"),
    ("ш", "ş", "Ш", "Ş"),
    ("щ", "şş", "Щ", "Şş"),
    ("ъ", "", "Ъ", ""),
    ("ы", "y", "Ы", "Y"),
    ("і", "ı", "І", "I"),
    ("ь", "", "Ь", ""),
    ("э", "e", "Э", "E"),
    ("ю", "iu", "Ю", "İu"),
    ("я", "ia", "Я", "İa"),
]
KAZAKH_LOWER = "".join(row[0] for row in LETTERS)
KAZAKH_UPPER = "".join(row[2] for row in LETTERS)
LATIN_2021_LOWER = "aäbdefgğhiıjklmnñoöpqrsştuūüvyz"
CYRILLIC_BLOCK = range(0x0400, 0x0530)


def test_the_table_has_the_42_kazakh_cyrillic_letters():
    assert len(LETTERS) == 42
    assert len(set(KAZAKH_LOWER)) == 42
    assert set(KAZAKH_LATIN_2021) == set(KAZAKH_LOWER)
    assert KAZAKH_UPPER == KAZAKH_LOWER.upper()


@pytest.mark.parametrize(("cyrillic", "latin"), [(r[0], r[1]) for r in LETTERS])
def test_every_lower_case_letter(cyrillic, latin):
    assert to_kazakh_latin(cyrillic) == latin


@pytest.mark.parametrize(("cyrillic", "latin"), [(r[2], r[3]) for r in LETTERS])
def test_every_upper_case_letter(cyrillic, latin):
    assert to_kazakh_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # the i-letters: і is dotless ı, и and й are dotted i
        ("і", "\u0131"),
        ("І", "I"),
        ("и", "i"),
        ("й", "i"),
        ("И", "\u0130"),
        ("Й", "\u0130"),
        ("ң", "\u00f1"),
        ("Ң", "\u00d1"),
        ("ұ", "\u016b"),
        ("ү", "\u00fc"),
    ],
)
def test_code_points_of_the_special_letters(cyrillic, latin):
    assert to_kazakh_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # the examples of shared/KAZAKH.md
        ("креативті индустриялар", "kreativtı industriialar"),
        ("шығармашылық индустриялар", "şyğarmaşylyq industriialar"),
        ("Мәдениет және ақпарат министрлігі", "Mädeniet jäne aqparat ministrlıgı"),
        # Wikipedia's sample text in the revised 2021 alphabet
        (
            "Бұрыңғы өткен заманда, бір данышпан кісі",
            "Būryñğy ötken zamanda, bır danyşpan kısı",
        ),
        ("Қазақстан", "Qazaqstan"),
        ("Қазақстан Республикасы", "Qazaqstan Respublikasy"),
        ("ұлттық мұражай", "ūlttyq mūrajai"),
        ("үй", "üi"),
        ("сәулет", "säulet"),
        ("қолөнер", "qolöner"),
        ("жеңе", "jeñe"),
        ("һәм", "häm"),
        ("зияткерлік меншік", "ziiatkerlık menşık"),
        ("цифрлық медиа және ойындар", "tsifrlyq media jäne oiyndar"),
        ("объект", "obekt"),
        ("фильм", "film"),
        ("съезд", "sezd"),
        ("щетка", "şşetka"),
        ("чемпион", "tşempion"),
        ("ёлка", "iolka"),
        ("поэзия", "poeziia"),
    ],
)
def test_real_words(cyrillic, latin):
    assert to_kazakh_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # capitalised words: only the first letter of a digraph is a capital
        ("Юрий", "İurii"),
        ("Ясауи", "İasaui"),
        ("Ёлка", "İolka"),
        ("Цирк", "Tsirk"),
        ("Чехов", "Tşehov"),
        ("Щука", "Şşuka"),
        ("Шымкент", "Şymkent"),
        ("Ілияс", "Iliias"),
        ("Индустрия", "İndustriia"),
        ("Креативті Индустриялар", "Kreativtı İndustriialar"),
        ("Ұлттық Мұражай", "Ūlttyq Mūrajai"),
        # all-capital words: every letter of a digraph is a capital
        ("ЮНЕСКО", "İUNESKO"),
        ("ЦИРК", "TSİRK"),
        ("ЦЕНТР", "TSENTR"),
        ("ЧЕХОВ", "TŞEHOV"),
        ("ЩУКА", "ŞŞUKA"),
        ("ЁЛКА", "İOLKA"),
        ("ПЛАЩ", "PLAŞŞ"),
        ("ИНДУСТРИЯ", "İNDUSTRİİA"),
        ("ҚАЗАҚСТАН", "QAZAQSTAN"),
        (
            "МӘДЕНИЕТ ЖӘНЕ АҚПАРАТ МИНИСТРЛІГІ",
            "MÄDENİET JÄNE AQPARAT MİNİSTRLIGI",
        ),
        # an all-capital word whose last letter is a digraph, followed by
        # more text: the digraph is still all capitals
        ("КРЕАТИВТІ ИНДУСТРИЯ САЛАСЫ", "KREATİVTI İNDUSTRİİA SALASY"),
        ("ЖАҢА ИНДУСТРИЯ.", "JAÑA İNDUSTRİİA."),
        ("ПЛАЩ-ПАЛАТКА", "PLAŞŞ-PALATKA"),
        ("ЮНЕСКО ЖӘНЕ ИНДУСТРИЯ", "İUNESKO JÄNE İNDUSTRİİA"),
    ],
)
def test_capitals_and_digraphs(cyrillic, latin):
    assert to_kazakh_latin(cyrillic) == latin


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2021",
        "3.14, 2/3; 100% — «» “” ' \" ! ? ( ) [ ] # @ = + - _",
        "UNESCO",
        "creative industries",
        "İı Iı",
        "café 😀 \t\n",
        "中文 العربية",
    ],
)
def test_non_kazakh_characters_pass_through(text):
    assert to_kazakh_latin(text) == text


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("IT-парк", "IT-park"),
        ("3D-басып шығару", "3D-basyp şyğaru"),
        ("«Алматы» 2024!", "«Almaty» 2024!"),
        ("ВИЧ/ЖИТС", "VİTŞ/JİTS"),
    ],
)
def test_mixed_text_converts_only_the_cyrillic(cyrillic, latin):
    assert to_kazakh_latin(cyrillic) == latin


def test_nfd_input_is_composed_first():
    # й and ё decompose under NFD (и + breve, е + diaeresis)
    decomposed = unicodedata.normalize("NFD", "Йошкар-Ола ёлка")
    assert decomposed != "Йошкар-Ола ёлка"
    assert to_kazakh_latin(decomposed) == "İoşkar-Ola iolka"


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        ("kreativtı industriialar", "KREATİVTI İNDUSTRİİALAR"),
        ("mädeniet jäne aqparat ministrlıgı", "MÄDENİET JÄNE AQPARAT MİNİSTRLIGI"),
        ("şyğarmaşylyq", "ŞYĞARMAŞYLYQ"),
        ("būryñğy ötken", "BŪRYÑĞY ÖTKEN"),
        ("ı", "I"),
        ("i", "İ"),
    ],
)
def test_turkic_case_map(lower, upper):
    assert turkic_upper(lower) == upper
    assert turkic_lower(upper) == lower


def test_turkic_lower_gives_no_combining_dot():
    # str.lower() turns İ into i + U+0307; the Turkic map gives a plain i
    assert "İ".lower() == "i\u0307"
    assert turkic_lower("İ") == "i"
    assert turkic_lower("I\u0307") == "i"  # NFD İ
    assert turkic_lower("I") == "ı"


# --- properties -------------------------------------------------------------

kazakh_text = st.text(alphabet=KAZAKH_LOWER + KAZAKH_UPPER + " -,.«»0123456789")
any_text = st.text()


@settings(max_examples=200, deadline=None)
@given(kazakh_text)
def test_no_cyrillic_letter_survives(text):
    out = to_kazakh_latin(text)
    assert not [c for c in out if ord(c) in CYRILLIC_BLOCK], out


@settings(max_examples=200, deadline=None)
@given(kazakh_text)
def test_output_of_kazakh_text_is_nfc(text):
    out = to_kazakh_latin(text)
    assert unicodedata.normalize("NFC", out) == out


@settings(max_examples=200, deadline=None)
@given(st.one_of(kazakh_text, any_text))
def test_length_shrinks_only_by_the_hard_and_soft_signs(text):
    text = unicodedata.normalize("NFC", text)
    signs = sum(text.count(c) for c in "ъьЪЬ")
    out = to_kazakh_latin(text)
    assert len(out) >= len(text) - signs
    if not signs:
        assert len(out) >= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=LATIN_2021_LOWER + " -"))
def test_turkic_lower_undoes_turkic_upper(text):
    assert turkic_lower(turkic_upper(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=LATIN_2021_LOWER.upper().replace("I", "") + "Iİ -"))
def test_turkic_upper_undoes_turkic_lower(text):
    text = unicodedata.normalize("NFC", text)
    assert turkic_upper(turkic_lower(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.one_of(kazakh_text, any_text))
def test_deterministic_and_nfc_stable(text):
    out = to_kazakh_latin(text)
    assert to_kazakh_latin(text) == out
    assert to_kazakh_latin(unicodedata.normalize("NFD", text)) == out
    assert to_kazakh_latin(unicodedata.normalize("NFC", text)) == out
