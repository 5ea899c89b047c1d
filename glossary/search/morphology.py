"""Word forms: Kazakh suffix chains, Russian lexemes, English inflections (pure).

The index stores every word and one stem of it (``index_stem``); a query word is
expanded into every dictionary form it may come from (``query_forms``). A query
word matches a term's word when the two sets meet, so `кітапханалардағы`,
`креативных` and `libraries` find кітапхана, креативные and library.

Kazakh is agglutinative: a noun takes plural, possessive, case and the attributive
-ғы/-гі/-қы/-кі (after the locative: -дағы/-дегі/-тағы/-тегі), chained in that
order and chained again after -ғы (`театрдағылардың`). The suffixes have every
vowel-harmony and assimilation variant; a query word is stripped of every chain
that fits, so the forms of any noun are found without a dictionary. Stem-final
б/г/ғ before a vowel may be п/к/қ in the dictionary form (кітабы → кітап).
"""

from __future__ import annotations

from functools import lru_cache

from .normalise import fold_kazakh
from .variants import english_stem, russian_forms, skeleton_word

# --- Kazakh ---------------------------------------------------------------------------

# Each ending with its kind; a word is read from its end, and LEFT says which kinds
# may stand just before (to the left of) an ending of each kind. The stem may
# stand anywhere.
KAZAKH_ENDINGS: dict[str, str] = {
    **dict.fromkeys("лар лер дар дер тар тер".split(), "plural"),
    **dict.fromkeys("ы і сы сі".split(), "poss3"),  # his/her/its
    **dict.fromkeys("м ым ім ң ың ің".split(), "poss12"),  # my, your
    **dict.fromkeys(
        """ңыз ңіз ыңыз іңіз мыз міз ымыз іміз ңдар ңдер ыңдар іңдер ңыздар ңіздер
        ыңыздар іңіздер""".split(),
        "poss",
    ),
    **dict.fromkeys(
        """ның нің дың дің тың тің ны ні ды ді ты ті ға ге қа ке дан ден тан тен
        нан нен мен бен пен менен бенен пенен""".split(),
        "case",
    ),
    **dict.fromkeys("да де та те".split(), "loc"),
    **dict.fromkeys("н на не".split(), "case_p3"),  # after his/her/its: кітабын
    **dict.fromkeys("нда нде".split(), "loc_p3"),
    **dict.fromkeys("а е".split(), "case_p12"),  # dative after my/your: кітабыма
    # "which is in/of": after the locative (-дағы) or a time word (жазғы)
    **dict.fromkeys("ғы гі қы кі".split(), "attr"),
    **dict.fromkeys("нікі дікі тікі".split(), "niki"),  # "the one of"
}
_POSSESSIVES = {"poss3", "poss12", "poss"}
# Endings that follow a possessive, never the bare stem (кітабына, кітабыма).
_NOT_AFTER_STEM = {"case_p3", "loc_p3", "case_p12"}
LEFT: dict[str, set[str]] = {
    "start": set(KAZAKH_ENDINGS.values()),
    "case": _POSSESSIVES | {"plural", "attr"},
    "loc": _POSSESSIVES | {"plural", "attr"},
    "case_p3": {"poss3"},
    "loc_p3": {"poss3"},
    "case_p12": {"poss12"},
    "poss3": {"plural", "attr"},
    "poss12": {"plural", "attr"},
    "poss": {"plural", "attr"},
    "plural": {"attr"},
    "attr": {"loc", "loc_p3"},
    "niki": _POSSESSIVES | {"plural"},
}
KAZAKH_PLURAL = [e for e, kind in KAZAKH_ENDINGS.items() if kind == "plural"]
KAZAKH_POSSESSIVE = [e for e, kind in KAZAKH_ENDINGS.items() if kind in _POSSESSIVES]
KAZAKH_CASE = [
    e
    for e, kind in KAZAKH_ENDINGS.items()
    if kind in ("case", "loc", "case_p3", "loc_p3", "case_p12")
]
_KK_VOWELS = frozenset("аәеиоөуұүыіэюяё")
# Voiced stem ends that are voiceless in the dictionary form (кітап → кітабы).
_SOFTENED = {"б": "п", "г": "к", "ғ": "қ"}
MAX_SUFFIXES = 6  # театр-лар-ы-ндағы-лар-дың: longer chains are not real words


class SuffixSet:
    """Kazakh endings written in one script (Cyrillic, look-alike fold or Latin)."""

    def __init__(self, write, vowels: frozenset[str]) -> None:
        self.write = write  # a Cyrillic ending as written in this script
        # Endings that differ in Cyrillic may be written alike (ң and н folded):
        # each written ending keeps every kind it may be.
        self.kinds: dict[str, set[str]] = {}
        for ending, kind in KAZAKH_ENDINGS.items():
            if written := write(ending):
                self.kinds.setdefault(written, set()).add(kind)
        self.lengths = sorted({len(s) for s in self.kinds}, reverse=True)
        self.vowels = vowels
        self.softened = {write(b): write(p) for b, p in _SOFTENED.items()}

    def stems(
        self, word: str, min_stem: int = 2, last: frozenset[str] | None = None
    ) -> dict[str, int]:
        """Return every stem WORD may have, each with the letters stripped off it.

        Endings are stripped from the end in every grammatical order (LEFT);
        WORD itself comes first (nothing stripped). LAST: the kinds the word's
        last ending may be (any by default); the word itself is then not a stem.
        """
        found = {word: 0}
        todo = [(word, "start", 0)]
        seen = set()
        while todo:
            current, state, depth = todo.pop()
            if depth >= MAX_SUFFIXES or (current, state) in seen:
                continue
            seen.add((current, state))
            allowed = LEFT[state] if depth or last is None else last
            for n in self.lengths:
                ending, stem = current[-n:], current[:-n]
                kinds = self.kinds.get(ending)
                if not kinds or len(stem) < min_stem or self.vowels.isdisjoint(stem):
                    continue
                options = [stem]
                hard = self.softened.get(stem[-1])
                if hard and ending[0] in self.vowels:
                    options.append(stem[:-1] + hard)
                for kind in kinds & allowed:
                    for s in options:
                        if kind not in _NOT_AFTER_STEM:
                            found.setdefault(s, len(word) - len(stem))
                        todo.append((s, kind, depth + 1))
        if last is not None:
            del found[word]
        return found


CYRILLIC_SUFFIXES = SuffixSet(str, _KK_VOWELS)
FOLDED_SUFFIXES = SuffixSet(fold_kazakh, frozenset(fold_kazakh("".join(_KK_VOWELS))))
LATIN_SUFFIXES = SuffixSet(skeleton_word, frozenset("aeiou"))


def _ordered_stripper(suffixes: SuffixSet, groups: list[list[str]]):
    """Make a stemmer that strips one ending of each group, from the word's end."""
    patterns = [
        sorted({s for s in map(suffixes.write, g) if s}, key=len, reverse=True)
        for g in groups
    ]

    # one test per group first: most words end in none of its endings
    any_of = [tuple(group) for group in patterns]

    def stem(word: str) -> str:
        for group, ends in zip(patterns, any_of, strict=True):
            if not word.endswith(ends):
                continue
            for s in group:
                rest = word[: -len(s)]
                if (
                    word.endswith(s)
                    and len(rest) >= 3
                    and not suffixes.vowels.isdisjoint(rest)
                ):
                    hard = suffixes.softened.get(rest[-1])
                    word = hard and s[0] in suffixes.vowels and rest[:-1] + hard or rest
                    break
        return word

    return stem


# Terms are in the nominative: the stem stored in the index strips only what a
# term carries, the third person possessive (министрлігі, индустриясы) and the
# plural (индустриялар). A query word is stripped of every chain instead.
_INDEX_GROUPS = [
    [e for e, kind in KAZAKH_ENDINGS.items() if kind == "poss3"],
    KAZAKH_PLURAL,
]
kazakh_term_stem = _ordered_stripper(CYRILLIC_SUFFIXES, _INDEX_GROUPS)
folded_term_stem = _ordered_stripper(FOLDED_SUFFIXES, _INDEX_GROUPS)
latin_term_stem = _ordered_stripper(LATIN_SUFFIXES, _INDEX_GROUPS)


# --- English --------------------------------------------------------------------------

_EN_VOWELS = frozenset("aeiou")


def english_lemmas(word: str) -> set[str]:
    """Return the base forms an English WORD may come from (itself included).

    Plurals, possessives, third person -s, past -ed and -ing, each with the
    spelling changes of regular English (-ies/-ied → y, dropped e, doubled
    consonant).
    """
    out = {word, english_stem(word)}
    for w in list(out):
        if w.endswith(("s'", "s’")):
            out.add(w[:-1])
            out.add(english_stem(w[:-1]))
    for ending in ("ing", "ed"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            base = word[: -len(ending)]
            out.update({base, base + "e"})
            if len(base) > 2 and base[-1] == base[-2] and base[-1] not in _EN_VOWELS:
                out.add(base[:-1])
    if len(word) > 4 and word.endswith("ied"):
        out.add(word[:-3] + "y")
    if len(word) > 3 and word.endswith("es"):
        out.add(word[:-2])
    if len(word) > 3 and word.endswith(("is", "us")):
        # the plural of a word ending in a vowel (kuis, skis, gurus); the stem
        # above keeps analysis and campus whole, and only index words are kept
        out.add(word[:-1])
    return out


# --- one query word → its possible dictionary forms -----------------------------------


@lru_cache(maxsize=4096)
def query_forms(word: str) -> dict[str, int]:
    """Return the forms a query WORD may be an inflection of, each with a cost.

    The cost (0 for the word itself) is the number of letters stripped, so that
    the closer reading ranks first. Forms of every language are returned: the
    lookup keeps only those that are words of the index.
    """
    forms: dict[str, int] = {}

    def put(form: str, cost: int) -> None:
        if form and cost < forms.get(form, 99):
            forms[form] = cost

    put(word, 0)
    if len(word) >= 3:
        for stem, cost in CYRILLIC_SUFFIXES.stems(word).items():
            put(stem, cost)
        for form in english_lemmas(word):
            put(form, max(1, abs(len(word) - len(form))))
        for form in russian_forms(word):
            put(form, 1)
    return forms


def folded_query_forms(word: str) -> dict[str, int]:
    """Return the stems of a look-alike folded Kazakh WORD, each with a cost."""
    return FOLDED_SUFFIXES.stems(word) if len(word) >= 3 else {word: 0}


def latin_query_forms(word: str) -> dict[str, int]:
    """Return the stems of a Latin skeleton WORD (Kazakh endings), each with a cost."""
    return LATIN_SUFFIXES.stems(word) if len(word) >= 3 else {word: 0}
