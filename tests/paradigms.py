"""Word form generators for tests and the evaluation (written apart from the engine).

Kazakh (``paradigm``), from the grammar:

Every form of a noun: number (singular, plural), possessive (none, my, your,
your polite, his/her/its, our, your plural), the seven cases (nominative,
genitive, accusative, dative, locative, ablative, instrumental) and the
attributive -ғы/-гі/-қы/-кі after the locative (-дағы "which is in"), itself
followed by plural and case again (театрдағылардың). Suffixes follow vowel
harmony (back а о ұ ы у, front ә е ө ү і и) and assimilate to the last sound
of the stem (vowel; voiced л м н ң р й у ж з; voiceless consonants). A stem's
final п/к/қ turns into б/г/ғ before a vowel in native words (кітап → кітабы).
"""

from __future__ import annotations

import csv
from pathlib import Path

from glossary.search.normalise import normalise

TERMS_CSV = Path(__file__).resolve().parent.parent / "terms.csv"

BACK = set("аоұыуя")
FRONT = set("әеөүіиэю")
VOWELS = BACK | FRONT | {"ё"}
SONORANT = set("лрйуи")  # -дар/-дың/-ды/-да side, but -лар after vowels, р, й, у
NASAL = set("мнң")
VOICED = set("жз")
VOICELESS = set("пфкқтсшщхцчһбвгд")
LOAN_LETTERS = set("вфцчщёэюяъь")
SOFTEN = {"п": "б", "к": "г", "қ": "ғ"}


def is_front(word: str) -> bool:
    """Does the word take front (ә е і) suffixes? By its last harmonic vowel."""
    for c in reversed(word):
        if c in FRONT:
            return True
        if c in BACK:
            return False
    return False


def pick(word: str, back: str, front: str) -> str:
    return front if is_front(word) else back


def last_sound(word: str) -> str:
    """'v' vowel, 's' sonorant л р й у, 'n' nasal, 'z' voiced ж з, 't' voiceless."""
    c = word[-1]
    # и and у end a word like й and у (ій, ұу): би → бидің, ту → туды
    if c in VOWELS and c not in "иу":
        return "v"
    if c in SONORANT:
        return "s"
    if c in NASAL:
        return "n"
    if c in VOICED:
        return "z"
    return "t"


def join_vowel(stem: str, suffix: str) -> str:
    """Add a vowel-initial SUFFIX, softening a native stem's final п/к/қ."""
    last = stem[-1]
    if last in SOFTEN and LOAN_LETTERS.isdisjoint(stem) and len(stem) > 2:
        stem = stem[:-1] + SOFTEN[last]
    return stem + suffix


def plural(word: str) -> str:
    sound = last_sound(word)
    if sound in "vs" and word[-1] != "л":
        cons = "л"
    elif sound in "nz" or word[-1] == "л":
        cons = "д"
    else:
        cons = "т"
    return word + cons + pick(word, "ар", "ер")


POSSESSIVES = ("1sg", "2sg", "2pol", "3", "1pl", "2pl")


def possessive(word: str, person: str) -> str:
    vowel_end = last_sound(word) == "v"
    f = is_front(word)
    if person == "3":
        return (
            word + ("сі" if f else "сы")
            if vowel_end
            else join_vowel(word, "і" if f else "ы")
        )
    link = "" if vowel_end else ("і" if f else "ы")
    ending = {
        "1sg": "м",
        "2sg": "ң",
        "2pol": "ңіз" if f else "ңыз",
        "1pl": "міз" if f else "мыз",
        "2pl": "ңдер" if f else "ңдар",
    }[person]
    return join_vowel(word, link + ending) if link else word + ending


CASES = ("nom", "gen", "acc", "dat", "loc", "abl", "ins")


def case(word: str, name: str, after: str | None = None) -> str:
    """Add case NAME to WORD; AFTER is the possessive person it follows, if any."""
    if name == "nom":
        return word
    f = is_front(word)
    sound = last_sound(word)
    if after == "3":  # the "pronominal n" after the third person possessive
        return (
            word
            + {
                "gen": "нің" if f else "ның",
                "acc": "н",
                "dat": "не" if f else "на",
                "loc": "нде" if f else "нда",
                "abl": "нен" if f else "нан",
                "ins": "мен",
            }[name]
        )
    if name == "dat" and after in ("1sg", "2sg"):
        return word + ("е" if f else "а")
    if name == "gen":
        cons = {"v": "н", "n": "н", "s": "д", "z": "д", "t": "т"}[sound]
        return word + cons + ("ің" if f else "ың")
    if name == "acc":
        cons = {"v": "н", "n": "д", "s": "д", "z": "д", "t": "т"}[sound]
        return word + cons + ("і" if f else "ы")
    if name == "dat":
        return (
            word
            + ({"t": "к" if f else "қ"}.get(sound) or ("г" if f else "ғ"))
            + ("е" if f else "а")
        )
    if name == "loc":
        return word + ("т" if sound == "t" else "д") + ("е" if f else "а")
    if name == "abl":
        cons = {"v": "д", "n": "н", "s": "д", "z": "д", "t": "т"}[sound]
        return word + cons + ("ен" if f else "ан")
    # instrumental
    cons = {"v": "м", "n": "м", "s": "м", "z": "б", "t": "п"}[sound]
    return word + cons + "ен"


def attributive(locative: str) -> str:
    """-ғы/-гі after a locative form (театрда → театрдағы)."""
    return locative + pick(locative, "ғы", "гі")


def paradigm(noun: str) -> set[str]:
    """Return every form of NOUN (itself included)."""
    forms = set()
    for base in (noun, plural(noun)):
        bases = [(base, None)] + [(possessive(base, p), p) for p in POSSESSIVES]
        for stem, person in bases:
            for name in CASES:
                forms.add(case(stem, name, person))
            attr = attributive(case(stem, "loc", person))
            forms.add(attr)
            for name in ("gen", "acc", "dat", "loc", "abl"):
                forms.add(case(attr, name))
                forms.add(case(plural(attr), name))
            forms.add(plural(attr))
    return forms


# --- English and Russian -------------------------------------------------------------


def english_inflections(word: str, pos: str) -> set[str]:
    """Regular English forms: plural and possessive of nouns; -s, -ed, -ing of verbs."""
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        s_form = word[:-1] + "ies"
    elif word.endswith(("s", "x", "z", "ch", "sh")):
        s_form = word + "es"
    else:
        s_form = word + "s"
    if pos == "noun":
        return {s_form, word + "'s", s_form + "'"}
    if pos == "verb":
        base = word[:-1] if word.endswith("e") else word
        past = word[:-1] + "ied" if s_form.endswith("ies") else base + "ed"
        return {s_form, past, base + "ing"}
    return set()


_MORPH = None


def _morph_ru():
    global _MORPH
    if _MORPH is None:
        import pymorphy3

        _MORPH = pymorphy3.MorphAnalyzer(lang="ru")
    return _MORPH


def russian_inflections(text: str) -> set[str]:
    """Every case and number of a Russian term, all its words agreeing (pymorphy3)."""
    morph = _morph_ru()
    words = normalise(text).split()
    parses = [morph.parse(w)[0] for w in words]
    out = set()
    for number in ("sing", "plur"):
        for case in ("nomn", "gent", "datv", "accs", "ablt", "loct"):
            inflected = []
            for w, p in zip(words, parses, strict=True):
                form = (
                    p.inflect({number, case}) if p.tag.POS in ("NOUN", "ADJF") else None
                )
                inflected.append(form.word.replace("ё", "е") if form else w)
            out.add(" ".join(inflected))
    return out


# --- the term base -------------------------------------------------------------------


def term_base() -> list[dict]:
    """The seed glossary's terms as index rows, with their part of speech."""
    rows = []
    with open(TERMS_CSV, encoding="utf-8", newline="") as f:
        for record in csv.DictReader(f):
            for column, text in record.items():
                if not column.startswith("term_") or not text:
                    continue
                lang, _, slot = column[5:].partition("_")
                suffix = f"_{slot}" if slot else ""
                rows.append(
                    {
                        "concept_id": int(record["id"]),
                        "domain": record["domain"],
                        "lang": lang,
                        "text": text,
                        "status": record[f"status_{lang}{suffix}"] or "preferred",
                        "pos": record[f"pos_{lang}{suffix}"],
                    }
                )
    return rows
