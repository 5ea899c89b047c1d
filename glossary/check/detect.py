"""Which of en, ru, kk a text is written in (pure, no model: letters and words)."""

from __future__ import annotations

import re

_SAMPLE = 20_000  # characters looked at: the beginning says enough
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_KAZAKH_CYRILLIC = frozenset("әғқңөұүһі")
# Letters of the Kazakh Latin alphabets (2021, 2018) that English does not use.
_KAZAKH_LATIN = frozenset("äğıñŋöşüūáǵńóúý")
# Common function words, each frequent in its language and rare in the others.
STOP_WORDS = {
    "en": frozenset(
        "the and of to in is for with on that by as are from this be it an or "
        "at was which their its has have will".split()
    ),
    "ru": frozenset(
        "и в не на что с по для это как из к от о но за при а также его "
        "она они был была были или во со уже только".split()
    ),
    "kk": frozenset(
        "және мен бен пен бұл үшін осы ол да де та те туралы бойынша сияқты "
        "арқылы болып болады еді екен жоқ бар әр біз олар оның"
        # the same in Latin letters (2021 and informal)
        " jäne jane zhane bul būl üşın ushin osy turaly boiynşa boiynsha "
        "arqyly bolyp bolady".split()
    ),
}


def detect_language(text: str) -> str:
    """Return "en", "ru" or "kk": the language TEXT is most likely written in."""
    return guess_languages(text)[0]


def guess_languages(text: str) -> list[str]:
    """Return the languages TEXT may be in, likeliest first (one when sure).

    Kazakh letters (Cyrillic ә ғ қ ң ө ұ ү һ і or Latin ä ğ ı ñ ö ş ü ū) and each
    language's common words decide. A Cyrillic text with neither may be Russian
    or Kazakh typed with Russian letters, a Latin one English or Kazakh in ASCII
    Latin: both are returned, and the terms found may tell them apart.
    """
    sample = text[:_SAMPLE].lower()
    words = _WORDS.findall(sample)
    cyrillic = latin = kk_cyr = kk_lat = 0
    for c in sample:
        if "а" <= c <= "я" or c == "ё":
            cyrillic += 1
        elif c in _KAZAKH_CYRILLIC:
            cyrillic += 1
            kk_cyr += 1
        elif "a" <= c <= "z":
            latin += 1
        elif c in _KAZAKH_LATIN:
            latin += 1
            kk_lat += 1
    votes = {lang: 0 for lang in STOP_WORDS}
    for w in words:
        for lang, stop in STOP_WORDS.items():
            if w in stop:
                votes[lang] += 1
    if not cyrillic and not latin:
        return ["en"]
    if cyrillic >= latin:
        other, kazakh = "ru", kk_cyr / cyrillic > 0.01
    else:
        other, kazakh = "en", kk_lat / latin > 0.01
    if kazakh or votes["kk"] > votes[other]:
        return ["kk"]
    if votes[other] > votes["kk"]:
        return [other]
    return [other, "kk"]
