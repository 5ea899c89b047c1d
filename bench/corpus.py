"""Benchmark corpus and queries made of real English, Russian and Kazakh words.

Not a test and not glossary content: a stress corpus. Words come from Debian's word
lists (apt-get install wamerican-large hunspell-ru hunspell-kk; only the benchmark
needs them) and the Apertium/LibreOffice triples in shared/data. Terms are the
single words, the real multi-word triples, and then random two- and three-word
phrases of one language until the corpus has the size asked for.
"""

from __future__ import annotations

import csv
import random
import re
from functools import cache
from pathlib import Path

from glossary.search import fold_kazakh, normalise, to_kazakh_latin

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
WORD_LISTS = {
    "en": Path("/usr/share/dict/american-english-large"),
    "ru": Path("/usr/share/hunspell/ru_RU.dic"),
    "kk": Path("/usr/share/hunspell/kk_KZ.dic"),
}
LETTERS = {
    "en": re.compile(r"^[a-z]{3,}$"),
    "ru": re.compile(r"^[а-яё]{3,}$"),
    "kk": re.compile(r"^[а-яёәғқңөұүһі]{3,}$"),
}
DOMAINS = [
    "general", "architecture", "urban-planning", "design", "fashion", "crafts",
    "theatre", "music", "film", "publishing", "museums-heritage", "digital-games",
    "business",
]  # fmt: skip
STATUSES = ["preferred"] * 8 + ["admitted", "deprecated"]


@cache
def words(lang: str) -> list[str]:
    """Return the distinct lower-case words of LANG's Debian word list."""
    path = WORD_LISTS[lang]
    if not path.exists():
        raise SystemExit(
            f"{path} is missing: "
            "apt-get install wamerican-large hunspell-ru hunspell-kk"
        )
    out = set()
    with open(path, encoding="utf-8", errors="ignore") as f:
        for line in f:
            w = line.strip().lstrip("\ufeff").split("/")[0].lower()
            if LETTERS[lang].match(w):
                out.add(w)
    return sorted(out)


def phrases() -> list[tuple[str, str]]:
    """Return the real (lang, term) strings of the Apertium and LibreOffice triples."""
    out = []
    for name in ("apertium_triples.csv", "libreoffice_triples.csv"):
        with open(DATA / name, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for lang in ("en", "ru", "kk"):
                    if row.get(lang):
                        out.append((lang, row[lang].strip()))
    return out


@cache
def corpus(size: int, seed: int = 1) -> list[dict]:
    """Return SIZE term rows: dicts with concept_id, domain, lang, text, status."""
    rng = random.Random(seed)
    seen: set[str] = set()
    terms: list[tuple[str, str]] = []

    def take(lang: str, text: str) -> None:
        if text not in seen:
            seen.add(text)
            terms.append((lang, text))

    for lang in ("en", "ru", "kk"):
        for w in words(lang):
            take(lang, w)
    for lang, text in phrases():
        take(lang, text)
    langs = ["en", "ru", "kk"]
    while len(terms) < 1_000_000:
        lang = rng.choice(langs)
        n = rng.choice([2, 2, 3])
        take(lang, " ".join(rng.choice(words(lang)) for _ in range(n)))
    rng.shuffle(terms)
    return [
        {
            "concept_id": i + 1,
            "domain": DOMAINS[i % len(DOMAINS)],
            "lang": lang,
            "text": text,
            "status": STATUSES[i % len(STATUSES)],
        }
        for i, (lang, text) in enumerate(terms[:size])
    ]


# --- queries -------------------------------------------------------------------

_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_RU_LAT = [
    "a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
    "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
    "yu", "ya",
]  # fmt: skip
RU_LATIN = dict(zip(_RU, _RU_LAT, strict=True))
KK_ASCII = {
    **RU_LATIN, "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u",
    "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
TO_KEYS = dict(zip(_JCUKEN, _QWERTY, strict=True))
TO_KEYS.update({"ә": "2", "і": "3", "ң": "4", "ғ": "5", "ү": "8", "ұ": "9", "қ": "0",
                "ө": "-", "һ": "="})  # fmt: skip
KK_BACK = set("аоұы")
KK_FRONT = set("әеөүіи")


def typo(text: str, edits: int, rng: random.Random) -> str:
    """Return TEXT with EDITS random edits (delete, insert, substitute, swap)."""
    letters = sorted(set(text.replace(" ", ""))) or ["a"]
    for _ in range(edits):
        if len(text) < 4:
            break
        i = rng.randrange(1, len(text) - 1)
        op = rng.choice("dist")
        if op == "d":
            text = text[:i] + text[i + 1 :]
        elif op == "i":
            text = text[:i] + rng.choice(letters) + text[i:]
        elif op == "s":
            text = text[:i] + rng.choice(letters) + text[i + 1 :]
        else:
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def kazakh_genitive(word: str) -> str:
    """Return WORD with the genitive ending chosen by vowel harmony and assimilation."""
    vowels = [c for c in word if c in KK_BACK | KK_FRONT]
    front = bool(vowels) and vowels[-1] in KK_FRONT
    last = word[-1]
    if last in "аәеиоөұүыіуюя":
        cons = "н"
    elif last in "лмнңжзр" or last == "й":
        cons = "д"
    else:
        cons = "т"
    return word + cons + ("ің" if front else "ың")


_MORPH = None


def russian_inflected(text: str) -> str | None:
    """Return TEXT with its last word in the genitive plural (pymorphy3), or None."""
    global _MORPH
    if _MORPH is None:
        import pymorphy3

        _MORPH = pymorphy3.MorphAnalyzer()
    ws = text.split()
    p = _MORPH.parse(ws[-1])[0]
    form = p.inflect({"gent", "plur"}) if p.is_known else None
    if not form or form.word == ws[-1]:
        return None
    return " ".join(ws[:-1] + [form.word])


KINDS = [
    "exact", "typo1", "typo1", "typo2", "prefix", "latin", "folded", "translit",
    "layout", "inflected",
]  # fmt: skip


def queries(rows: list[dict], n: int, seed: int = 7) -> list[tuple[str, str, int]]:
    """Return N (kind, query, intended concept id) triples drawn from ROWS."""
    rng = random.Random(seed)
    out: list[tuple[str, str, int]] = []
    while len(out) < n:
        r = rng.choice(rows)
        text, lang = normalise(r["text"]), r["lang"]
        kind = KINDS[len(out) % len(KINDS)]
        q = None
        if kind == "exact":
            q = r["text"]
        elif kind == "typo1" and len(text) >= 5:
            q = typo(text, 1, rng)
        elif kind == "typo2" and len(text) >= 8:
            q = typo(text, 2, rng)
        elif kind == "prefix" and len(text) >= 6:
            q = text[: max(4, len(text) * 2 // 3)]
        elif kind == "latin" and lang == "kk":
            q = (
                to_kazakh_latin(text)
                if rng.random() < 0.5
                else "".join(KK_ASCII.get(c, c) for c in text)
            )
        elif kind == "folded" and lang == "kk" and fold_kazakh(text) != text:
            q = fold_kazakh(text)
        elif kind == "translit" and lang == "ru":
            q = "".join(RU_LATIN.get(c, c) for c in text)
        elif kind == "layout" and lang in ("ru", "kk"):
            q = "".join(TO_KEYS.get(c, c) for c in text)
        elif kind == "inflected":
            if lang == "kk":
                ws = text.split()
                q = " ".join(ws[:-1] + [kazakh_genitive(ws[-1])])
            elif lang == "ru":
                q = russian_inflected(text)
            elif lang == "en" and text[-1] not in "sxyh":
                q = text + "s"
        if q and q != "":
            out.append((kind, q, r["concept_id"]))
    return out
