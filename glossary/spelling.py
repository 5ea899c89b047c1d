"""Spelling dictionaries for the quality board: Hunspell through pyenchant.

Debian's `hunspell-en-us` (with `hunspell-en-gb`, for the British spellings the
glossary uses), `hunspell-ru` and `hunspell-kk` provide the dictionaries. Where
pyenchant, libenchant or a dictionary is missing, that language is reported as
missing and its words are not judged.
"""

from __future__ import annotations

from functools import lru_cache

# Term language → Hunspell dictionaries; a word known to any of them is right.
DICTIONARIES = {"en": ("en_US", "en_GB"), "ru": ("ru_RU",), "kk": ("kk_KZ",)}


@lru_cache(maxsize=1)
def _dicts() -> tuple[dict[str, list], tuple[str, ...]]:
    """Open the dictionaries once per process; return them and the missing tags."""
    try:
        import enchant
    except (ImportError, OSError):  # no pyenchant, or no libenchant to load
        return {}, tuple(tags[0] for tags in DICTIONARIES.values())
    broker = enchant.Broker()
    broker.set_ordering("*", "hunspell")
    found: dict[str, list] = {}
    missing = []
    for lang, tags in DICTIONARIES.items():
        opened = [broker.request_dict(t) for t in tags if broker.dict_exists(t)]
        if opened:
            found[lang] = opened
        else:
            missing.append(tags[0])
    return found, tuple(missing)


def missing_dictionaries() -> tuple[str, ...]:
    """Return the tags of the languages whose dictionary could not be opened."""
    return _dicts()[1]


@lru_cache(maxsize=100_000)
def check_word(lang: str, word: str) -> bool | None:
    """Say whether WORD is spelled right in LANG (None: no dictionary for LANG)."""
    found = _dicts()[0].get(lang)
    if not found:
        return None
    # Hunspell knows a capitalised form from its lower-case entry, not the reverse.
    return any(d.check(word) or d.check(word.lower()) for d in found)
