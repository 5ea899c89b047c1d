"""Kazakh Cyrillic → the official 2021 Latin alphabet (pure).

The table is the revised 2021 alphabet (Ñ for ң, dotless ı for і, İ/i for и/й);
letters outside the 31 follow the government text (Ё→İo, Ю→İu, Я→İa, Ц→Ts,
Ч→Tş, Щ→Şş, Э→E; Ъ and Ь dropped). See shared/KAZAKH.md.
"""

from __future__ import annotations

import unicodedata

KAZAKH_LATIN_2021: dict[str, str] = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "tş",
    "ш": "ş",
    "щ": "şş",
    "ъ": "",
    "ы": "y",
    "і": "ı",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}


def turkic_upper(text: str) -> str:
    """Upper-case Latin TEXT by Turkic rules (i→İ, ı→I)."""
    return "".join("İ" if c == "i" else "I" if c == "ı" else c.upper() for c in text)


def turkic_lower(text: str) -> str:
    """Lower-case Latin TEXT by Turkic rules (I→ı, İ→i)."""
    text = unicodedata.normalize("NFC", text)
    return "".join("ı" if c == "I" else "i" if c == "İ" else c.lower() for c in text)


def to_kazakh_latin(text: str) -> str:
    """Return Kazakh Cyrillic TEXT in the official 2021 Latin alphabet."""
    text = unicodedata.normalize("NFC", text)
    out = []
    for i, c in enumerate(text):
        lower = c.lower()
        latin = KAZAKH_LATIN_2021.get(lower)
        if latin is None:
            out.append(c)
        elif c == lower:
            out.append(latin)
        else:
            # An upper-case letter: a digraph is all capitals only inside an
            # all-capitals word (ЮНЕСКО → İUNESKO), else only its first letter.
            neighbours = text[i - 1 : i] + text[i + 1 : i + 2]
            all_caps = any(n.isalpha() and n.isupper() for n in neighbours)
            if len(latin) > 1 and not all_caps:
                out.append(turkic_upper(latin[0]) + latin[1:])
            else:
                out.append(turkic_upper(latin))
    return "".join(out)
