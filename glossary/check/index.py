"""The check index: every glossary term as hashed sequences of word keys (pure).

Each term is split into words as a text is (tokens.py); each word gives its keys
(forms.py), and every sequence of keys is hashed to one 64-bit number, kept in a
sorted numpy array with the entry it belongs to. The proper beginnings of
multi-word keys are kept in a second sorted array. A text is walked once: all its
words' keys are looked up together, and the sequences that are the beginning of
some term are extended by the next word, for all positions at once, until none
is left. Where found terms overlap, the longest wins.

The state is plain arrays (numpy and array.array) that can be rebuilt from the
rows; LayeredCheckIndex lays an index of recently changed concepts over a big
one, as the search cache does.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice, product
from typing import NamedTuple, cast

import numpy as np

from ..model import STATUS_RANK, STATUSES
from ..search.normalise import normalise
from ..search.variants import skeleton_word
from .forms import (
    FOLDED,
    KAZAKH_LETTERS,
    LATIN,
    LEMMA,
    MIN_LOOKALIKE_ALONE,
    fold_word,
    has_stem_in,
    is_latin,
    is_lookalike_kazakh,
    kazakh_word_readings,
    plain,
    release_word_caches,
    russian_form_table,
    russian_irregular_forms,
    russian_is_known,
    russian_lemmas,
    stem_heads,
    stems_in,
    term_keys,
    text_keys,
)
from .tokens import scan_words, words_of

LANGS = ("en", "ru", "kk")
_NOT_YET = object()  # a word not yet in a memo
_MULT = 0x9E3779B97F4A7C15  # odd: multiplying by it mixes the earlier words in
_MASK = (1 << 64) - 1
_U_MULT = np.uint64(_MULT)
BIG_BUILD = 20_000  # terms: past this, the build's word caches are let go
MAX_READINGS = 32  # key sequences indexed for one term (ambiguous words multiply)
# Russian dictionary forms of a glossary up to which every form of their lexemes
# is analysed at build time (about ten forms each, 5 ms per thousand forms):
# past it the table would cost more to build and hold than the texts save.
FORM_TABLE_LEMMAS = 20_000
# Kazakh stems up to which all their beginnings are kept (the stem test of a
# text word then stops at its first beginning that no stem has).
PREFIX_MAP_HEADS = 200_000


def word_hash(lang: str, mode: int, key: str) -> int:
    """Return the 64-bit number of one word KEY of LANG in MODE.

    Python's own string hash: fast, and the same for the index and the texts as
    long as both are hashed in one process (or processes forked from one), which
    is how the index lives: it is rebuilt from the rows, never stored.
    """
    return hash((lang, mode, key)) & _MASK


def _extend(h: int, w: int) -> int:
    return (h * _MULT + w) & _MASK


class Match(NamedTuple):
    """One glossary term found in a text, at TEXT[start:end]."""

    start: int
    end: int
    text: str
    concept_id: int
    term: str
    status: str
    how: str
    lang: str

    def to_dict(self) -> dict:
        """Return the match in the API's shape."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "concept_id": self.concept_id,
            "term": self.term,
            "status": self.status,
            "how": self.how,
        }


class _Found(NamedTuple):
    """A candidate: tokens FIRST..LAST of the text are term TEXT of a concept."""

    first: int
    last: int
    concept_id: int
    status: int
    text: str
    mode: int


@lru_cache(maxsize=200_000)
def text_hashes(
    word: str, lang: str, lookalike: bool, inflect: bool
) -> tuple[int, ...]:
    """Return the hashed keys a WORD of a text may match (text_keys, hashed once)."""
    keys = text_keys(word, lang, lookalike, inflect)
    return tuple(dict.fromkeys(word_hash(lang, m, k) for m, k in keys))


class PreparedText:
    """A text's words and every key each may stand for, hashed, as numpy arrays.

    Each distinct word of the text is analysed once. MAY_INFLECT(lang, word,
    plain word) says whether a word may be a form of some glossary word
    (pymorphy3 and the Kazakh endings are tried only then: they are the slow
    part); PRESENT(hashes) says which word keys some term has at all (the others
    are dropped before the walk: they can match nothing); KNOWN(lang, word,
    plain word, lookalike) gives a word's hashed keys that the index has, from
    its tables of the glossary words' forms, or None where the analyser must say.
    """

    def __init__(
        self, text: str, lang: str, may_inflect=None, present=None, known=None
    ) -> None:
        self.text, self.lang = text, lang
        self.starts, self.ends, joins, words = scan_words(
            text, keep_tail_apostrophe=lang == "kk"
        )
        distinct: dict[str, int] = {}
        self.word_ids = [distinct.setdefault(w, len(distinct)) for w in words]
        self.lookalike = lang == "kk" and is_lookalike_kazakh(list(distinct))
        self.plains: list[str] = []
        flat = array("Q")
        counts = array("q")
        for w in distinct:
            p = plain(w)
            hashes = None if known is None else known(lang, w, p, self.lookalike)
            if hashes is None:
                inflect = lang == "en" or may_inflect is None or may_inflect(lang, w, p)
                hashes = text_hashes(w, lang, self.lookalike, inflect)
            flat.extend(hashes)
            counts.append(len(hashes))
            self.plains.append(p)
        all_hashes = np.frombuffer(flat, dtype=np.uint64)
        count_of = np.frombuffer(counts, dtype=np.int64)
        if present is not None and len(all_hashes):
            keep = present(all_hashes)
            owner = np.repeat(np.arange(len(count_of)), count_of)
            all_hashes = all_hashes[keep]
            count_of = np.bincount(owner[keep], minlength=len(count_of))
        ids = np.array(self.word_ids, dtype=np.int64)
        first_of = np.cumsum(count_of) - count_of
        self.alt_count = count_of[ids] if len(ids) else np.zeros(0, np.int64)
        self.alt_offset = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(self.alt_count, out=self.alt_offset[1:])
        self.alt_token, at = _ranges(
            first_of[ids] if len(ids) else np.zeros(0, np.int64),
            (first_of + count_of)[ids] if len(ids) else np.zeros(0, np.int64),
        )
        self.alt_hash = all_hashes[at]
        self.joins = np.array(joins, dtype=bool)

    def plain_words(self, first: int, last: int) -> list[str]:
        """Return the plain keys of words FIRST..LAST."""
        return [self.plains[i] for i in self.word_ids[first : last + 1]]


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (which range, position) for every position in the ranges LO..HI."""
    counts = hi - lo
    which = np.repeat(np.arange(len(lo)), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    return which, np.repeat(lo, counts) + within


class CheckIndex:
    """Hashed word-key sequences of (concept, lang, text, status) rows."""

    def __init__(self, rows: Iterable[dict], form_tables: bool = True) -> None:
        """Index ROWS (read once): dicts with concept_id, lang, text and status.

        FORM_TABLES false: no table of the glossary words' forms; every word of
        a text is analysed (the reference the tables are tested against).
        """
        self.form_tables = form_tables
        concept, status = array("q"), array("b")
        texts: list[str] = []
        keys, key_entry, key_mode = array("Q"), array("i"), array("b")
        prefixes = array("Q")
        # Each distinct word of the glossary is analysed once (its keys hashed
        # per mode, its beginnings noted): a million terms share a few hundred
        # thousand words.
        words_seen: dict[tuple[str, str, bool], tuple] = {}
        word_hashes = array("Q")
        self.max_words = 1
        # Beginnings of the Russian glossary words and their lemmas (all but the
        # last two letters: a noun's or adjective's stem): a word of a text that
        # begins otherwise is no form of them, and pymorphy3 is not asked about
        # it. Short words may lose a vowel inside (день → дня): one letter counts.
        self.ru_starts: set[str] = set()
        self.ru_short_starts: set[str] = set()
        # The keys of the Kazakh glossary words, per script: Kazakh endings
        # follow the stem, so a word of a text is stemmed only when it begins
        # with one of them.
        self.kk_heads: tuple[set[str], ...] = (set(), set(), set())
        # The dictionary forms of the Russian glossary words, and the words.
        # (not gathered past the sizes the tables are built up to)
        self._ru_lemmas: dict[str, None] = {}
        self._ru_words: dict[str, None] = {}
        self._ru_many = self._kk_many = not form_tables
        # and the Kazakh keys per script (LEMMA, FOLDED)
        self._kk_keys: tuple[dict[str, None], ...] = ({}, {})
        for entry, r in enumerate(rows):
            lang, text = r["lang"], r["text"]
            concept.append(int(r["concept_id"]))
            status.append(STATUS_RANK.get(r["status"], 3))
            texts.append(text)
            words = words_of(text)
            if not words:
                continue
            self.max_words = max(self.max_words, len(words))
            per_word = []
            last = len(words) - 1
            for i, w in enumerate(words):
                inner = lang == "kk" and i < last
                seen = words_seen.get((lang, w, inner))
                if seen is None:
                    seen = self._word(lang, w, inner, word_hashes)
                    words_seen[(lang, w, inner)] = seen
                per_word.append(seen)
            for mode in (LEMMA, FOLDED, LATIN):
                if mode != LEMMA and not any(seen[mode][1] for seen in per_word):
                    continue
                options = [seen[mode][0] for seen in per_word]
                if len(options) == 1:
                    for h in islice(options[0], MAX_READINGS):
                        keys.append(h)
                        key_entry.append(entry)
                        key_mode.append(mode)
                    continue
                for combo in islice(product(*options), MAX_READINGS):
                    h = combo[0]
                    for w in combo[1:]:
                        prefixes.append(h)
                        h = (h * _MULT + w) & _MASK
                    keys.append(h)
                    key_entry.append(entry)
                    key_mode.append(mode)
        self.concept = np.frombuffer(concept, dtype=np.int64)
        self.status = np.frombuffer(status, dtype=np.int8)
        self.texts = texts
        all_keys = np.frombuffer(keys, dtype=np.uint64)
        order = np.argsort(all_keys, kind="stable")
        self.keys = all_keys[order]
        self.key_entry = np.frombuffer(key_entry, dtype=np.int32)[order]
        self.key_mode = np.frombuffer(key_mode, dtype=np.int8)[order]
        self.prefixes = np.unique(np.frombuffer(prefixes, dtype=np.uint64))
        # every word key of every term: a word of a text with none of them
        # takes no part in the walk
        self.word_hashes = np.unique(np.frombuffer(word_hashes, dtype=np.uint64))
        self._inflect: dict[tuple[str, str], bool] = {}
        self._known: dict[tuple[str, str, bool], tuple[int, ...] | None] = {}
        del words_seen
        self.ru_forms = self._russian_forms()
        self.ru_prefixes = (
            _prefix_map(self.ru_starts, 3) if self.ru_forms is not None else None
        )
        self._ru_lemmas, self._ru_words = {}, {}
        self.kk_keys = (
            KazakhKeys(self._kk_keys, self.kk_heads[:2])
            if not self._kk_many and sum(map(len, self.kk_heads)) <= PREFIX_MAP_HEADS
            else None
        )
        self._kk_keys = ({}, {})
        if len(texts) >= BIG_BUILD:
            release_word_caches()

    def _word(self, lang: str, word: str, inner: bool, word_hashes: array) -> tuple:
        """Return, per mode, the hashed keys of one glossary WORD (and whether own).

        A word with no key of a mode (a Latin name inside a Kazakh term) is
        matched in that mode as itself: its LEMMA keys hashed in that mode.
        """
        pairs = term_keys(word, lang, inner)
        self._note_starts(lang, word, pairs)
        out = []
        for mode in (LEMMA, FOLDED, LATIN):
            own = [k for m, k in pairs if m == mode]
            ks = own or [k for m, k in pairs if m == LEMMA]
            hashes = tuple(word_hash(lang, mode, k) for k in ks)
            if lang == "kk":
                for k in ks:
                    self.kk_heads[mode].update(stem_heads(mode, k))
                if mode != LATIN and not self._kk_many:
                    self._kk_keys[mode].update(dict.fromkeys(ks))
                    if sum(map(len, self.kk_heads)) > PREFIX_MAP_HEADS:
                        self._kk_many = True
                        self._kk_keys = ({}, {})
            word_hashes.extend(hashes)
            out.append((hashes, bool(own)))
        return tuple(out)

    def __len__(self) -> int:
        return len(self.texts)

    def _russian_forms(self) -> dict[str, tuple[int, ...]] | None:
        """Return the hashed keys of every form of the Russian glossary words.

        Every form of every lexeme whose dictionary form a glossary word has
        (and each glossary word as written), with the keys the analyser gives
        it; None when the glossary has too many such lexemes.
        """
        lemmas = self._ru_lemmas
        if self._ru_many:
            return None
        if not lemmas:
            return {}  # complete: no word of a text is a form of a glossary word
        table = russian_form_table(lemmas)
        if table is None:
            return None
        for key in self._ru_words:
            if key not in table:
                table[key] = russian_lemmas(key)
        hashed: dict[tuple[str, ...], tuple[int, ...]] = {}
        out = {}
        for form, found in table.items():
            hashes = hashed.get(found)
            if hashes is None:
                hashes = hashed[found] = tuple(
                    dict.fromkeys(word_hash("ru", LEMMA, k) for k in found)
                )
            out[form] = hashes
        return out

    def _note_starts(self, lang: str, word: str, pairs: tuple) -> None:
        """Remember how one glossary word (and its forms) begins."""
        if lang == "ru":
            if not self._ru_many:
                self._ru_words.setdefault(plain(word))
                self._ru_lemmas.update(dict.fromkeys(k for _, k in pairs))
                if len(self._ru_lemmas) > FORM_TABLE_LEMMAS:
                    self._ru_many = True
                    self._ru_lemmas, self._ru_words = {}, {}
            forms = russian_irregular_forms(plain(word))
            for k in (plain(word), *(k for _, k in pairs), *forms):
                self.ru_starts.add(k[: max(3, len(k) - 2)])
                if len(k) <= 4:
                    self.ru_short_starts.add(k[:1])

    def may_inflect(self, lang: str, word: str, key: str) -> bool:
        """May WORD (plain KEY) of a text in LANG be a form of a word of this index?"""
        known = self._inflect.get((lang, word))
        if known is None:
            known = self._may_inflect(lang, word, key)
            if len(self._inflect) >= 200_000:
                self._inflect.clear()
            self._inflect[(lang, word)] = known
        return known

    def _may_inflect(self, lang: str, word: str, key: str) -> bool:
        if lang == "kk":
            return any(
                has_stem_in(k, self.kk_heads[mode])
                for mode, k in kazakh_word_readings(word)
            )
        if len(key) <= 5 and key[:1] in self.ru_short_starts:
            return True
        if self.ru_prefixes is not None:
            # its beginnings until one that begins no glossary word's stem
            prefixes = self.ru_prefixes
            for n in range(3, len(key) + 1):
                start = prefixes.get(key[:n])
                if start is None:
                    return False
                if start:
                    return True
            return False
        starts = self.ru_starts
        return any(key[:n] in starts for n in range(3, len(key) + 1))

    def has_tables(self, lang: str) -> bool:
        """Has this index tables of its glossary's forms in LANG (see known)?"""
        if lang == "ru":
            return self.ru_forms is not None
        return lang == "kk" and self.kk_keys is not None

    def known(
        self, lang: str, word: str, key: str, lookalike: bool
    ) -> tuple[int, ...] | None:
        """Return the hashed keys of a text WORD (plain KEY) from the form tables.

        None where the tables cannot say and the analyser is asked (as without
        them). The keys are those text_hashes gives, or (Kazakh) those of them
        that this index has (the others would be dropped before the walk).
        """
        at = (lang, word, lookalike)
        # one look-up (another thread may empty the memo between two)
        found = self._known.get(at, _NOT_YET)
        if found is _NOT_YET:
            if len(self._known) >= 200_000:
                self._known.clear()
            found = self._known[at] = self._known_word(lang, word, key, lookalike)
        return cast("tuple[int, ...] | None", found)

    def _known_word(
        self, lang: str, word: str, key: str, lookalike: bool
    ) -> tuple[int, ...] | None:
        if lang == "ru":
            if self.ru_forms is None:
                return None
            if not self.may_inflect(lang, word, key):
                # text_keys of a word that is no form: the word itself
                return (word_hash(lang, LEMMA, key),) if key else ()
            return self.russian_known(key)
        if lang == "kk" and self.kk_keys is not None:
            return self.kk_keys.hashes(word, key, lookalike)
        return None

    def russian_known(self, key: str) -> tuple[int, ...] | None:
        """Return the hashed lemmas of a Russian word that may inflect (plain KEY).

        From the table of the glossary words' forms; None where it cannot say (a
        word pymorphy3 does not know: its guessed lemma may be any). A known word
        that is no form of a glossary word gives (): none of its keys is here.
        """
        forms = self.ru_forms
        if forms is None:
            return None
        if not forms:
            return ()
        hashes = forms.get(key)
        if hashes is not None:
            return hashes
        if len(key) >= 2 and key.isalpha() and russian_is_known(key):
            return ()
        return None

    def forget_words(self) -> None:
        """Empty this index's memory of the words of texts (for a cold benchmark)."""
        self._inflect.clear()
        self._known.clear()

    def present(self, hashes: np.ndarray) -> np.ndarray:
        """Which of HASHES (word keys) are keys of some word of some term?"""
        return _member(self.word_hashes, hashes)

    def hits(self, prep: PreparedText, skip: frozenset[int] = frozenset()):
        """Return (first word, last word, key row) of every term found in PREP.

        Concepts in SKIP are left out. The walk: all words' keys are looked up
        at once; the sequences that begin some term go on with the next word.
        """
        firsts, lasts, rows = [], [], []
        if len(self.keys) and len(prep.alt_hash):
            token = prep.alt_token
            h = prep.alt_hash
            first = token
            length = 1
            keys, prefixes = self.keys, self.prefixes
            while len(h):
                lo = np.searchsorted(keys, h, "left")
                hit = np.flatnonzero(keys[np.minimum(lo, len(keys) - 1)] == h)
                if len(hit):
                    hi = np.searchsorted(keys, h[hit], "right")
                    which, at = _ranges(lo[hit], hi)
                    firsts.append(first[hit][which])
                    lasts.append(token[hit][which])
                    rows.append(at)
                if length >= self.max_words or not len(prefixes):
                    break
                go = _member(prefixes, h) & prep.joins[token]
                if not go.any():
                    break
                token, h, first = token[go] + 1, h[go], first[go]
                which, at = _ranges(prep.alt_offset[token], prep.alt_offset[token + 1])
                h = h[which] * _U_MULT + prep.alt_hash[at]
                token, first = token[which], first[which]
                length += 1
        if not rows:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        f, la, k = np.concatenate(firsts), np.concatenate(lasts), np.concatenate(rows)
        if skip:
            skipped = np.fromiter(skip, np.int64)
            keep = ~np.isin(self.concept[self.key_entry[k]], skipped)
            f, la, k = f[keep], la[keep], k[keep]
        return f, la, k

    def found(self, prep: PreparedText, skip: frozenset[int] = frozenset()):
        """Return the terms found in PREP: [(index, firsts, lasts, key rows)]."""
        return [(self, *self.hits(prep, skip))]

    def check(self, text: str, lang: str) -> list[Match]:
        """Return the glossary terms of LANG found in TEXT, in order."""
        known = self.known if self.has_tables(lang) else None
        prep = PreparedText(text, lang, self.may_inflect, self.present, known)
        return resolve(prep, self.found(prep))


class KazakhKeys:
    """The Kazakh keys of an index, for reading the words of a text against them.

    Per script (LEMMA for Cyrillic, FOLDED for look-alike letters): the keys of
    the glossary words, and every beginning of their stem_heads (True for a
    head). A word of a text gives text_keys's keys that are here (the others
    would be dropped before the walk) at the cost of a few dict look-ups: its
    beginnings are read until one that no head has, and only the heads found
    are tried as stems (stems_in).
    """

    def __init__(
        self,
        keys: tuple[dict[str, None], ...],
        heads: tuple[set[str], ...],
        prefixes: tuple[dict[str, bool], ...] | None = None,
    ) -> None:
        self.keys = keys
        self.prefixes = prefixes or tuple(_prefix_map(h) for h in heads)

    def merged(self, other: KazakhKeys) -> KazakhKeys:
        """Return the keys of this index and OTHER together."""
        keys = tuple({**a, **b} for a, b in zip(self.keys, other.keys, strict=True))
        prefixes = []
        for a, b in zip(self.prefixes, other.prefixes, strict=True):
            both = dict(a)
            for k, head in b.items():
                both[k] = head or both.get(k, False)
            prefixes.append(both)
        return KazakhKeys(keys, (), tuple(prefixes))

    def hashes(self, word: str, key: str, lookalike: bool) -> tuple[int, ...] | None:
        """Return the hashed keys of text_keys(WORD, "kk", …) that are here.

        None for a word in Latin letters (the analyser reads it). Whether the
        word may inflect (CheckIndex.may_inflect) need not be asked: a word
        none of whose beginnings is a head here has no stem here but itself.
        """
        if not key:
            return ()
        if not "\u0400" <= key[0] <= "\u04ff" and is_latin(word):
            return None
        (keys, folded_keys), (prefixes, folded_prefixes) = self.keys, self.prefixes
        heads = _heads(key, prefixes)
        if heads:
            out = [
                word_hash("kk", LEMMA, stem)
                for stem in stems_in(LEMMA, key, heads, keys)
            ]
        else:  # no stem here but the word itself
            out = [word_hash("kk", LEMMA, key)] if key in keys else []
        # the look-alike reading (text_keys): of every word of a text typed
        # without Kazakh letters, else of a long word that has none of them
        if lookalike:
            folded = fold_word(key)
            shortest = 0
        elif len(key) >= MIN_LOOKALIKE_ALONE and KAZAKH_LETTERS.isdisjoint(key):
            # no Kazakh letter to fold: only a Latin i typed for і
            folded = fold_word(key) if "i" in key else key
            shortest = MIN_LOOKALIKE_ALONE
        else:
            return tuple(out)
        heads = _heads(folded, folded_prefixes)
        if heads:
            out += [
                word_hash("kk", FOLDED, stem)
                for stem in stems_in(FOLDED, folded, heads, folded_keys, shortest)
            ]
        elif folded in folded_keys and len(folded) >= shortest:
            out.append(word_hash("kk", FOLDED, folded))
        return tuple(dict.fromkeys(out)) if len(out) > 1 else tuple(out)


def _heads(key: str, prefixes: dict[str, bool]) -> list[int]:
    """Return the lengths of KEY's proper beginnings that are heads in PREFIXES."""
    out = []
    for n in range(2, len(key)):
        head = prefixes.get(key[:n])
        if head is None:
            break
        if head:
            out.append(n)
    return out


def _prefix_map(heads: set[str], shortest: int = 2) -> dict[str, bool]:
    """Return every beginning of HEADS (SHORTEST letters or more), True for a head."""
    out: dict[str, bool] = {}
    for head in heads:
        for n in range(shortest, len(head)):
            out.setdefault(head[:n], False)
    out.update(dict.fromkeys((h for h in heads if len(h) >= shortest), True))
    return out


def _member(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which of VALUES are in SORTED_KEYS (a sorted unique array)?"""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_keys, values)
    return sorted_keys[np.minimum(at, len(sorted_keys) - 1)] == values


class LayeredCheckIndex:
    """A big check index with a small one over recently changed concepts on top."""

    def __init__(self, base: CheckIndex, rows: list[dict], changed: set[int]):
        self.base = base
        self.patch = CheckIndex(rows, form_tables=base.form_tables)
        self.changed = frozenset(changed)
        self.kk_keys = (
            base.kk_keys.merged(self.patch.kk_keys)
            if base.kk_keys is not None and self.patch.kk_keys is not None
            else None
        )
        self._known: dict[tuple[str, str, bool], tuple[int, ...] | None] = {}

    def __len__(self) -> int:
        return len(self.base) + len(self.patch)

    def found(self, prep: PreparedText, skip: frozenset[int] = frozenset()):
        """Return the terms found in PREP: changed concepts from the patch only."""
        return self.base.found(prep, skip | self.changed) + self.patch.found(prep, skip)

    def may_inflect(self, lang: str, word: str, key: str) -> bool:
        """May WORD (plain KEY) be a form of a word of either index?"""
        return self.patch.may_inflect(lang, word, key) or self.base.may_inflect(
            lang, word, key
        )

    def present(self, hashes: np.ndarray) -> np.ndarray:
        """Which of HASHES are word keys of either index?"""
        return self.base.present(hashes) | self.patch.present(hashes)

    def has_tables(self, lang: str) -> bool:
        """Have both indexes tables of their glossaries' forms in LANG?"""
        if lang == "ru":
            return self.base.ru_forms is not None
        return lang == "kk" and self.kk_keys is not None

    def known(
        self, lang: str, word: str, key: str, lookalike: bool
    ) -> tuple[int, ...] | None:
        """Return the hashed keys of a text word from both indexes' form tables."""
        at = (lang, word, lookalike)
        # one look-up (another thread may empty the memo between two)
        found = self._known.get(at, _NOT_YET)
        if found is _NOT_YET:
            if len(self._known) >= 200_000:
                self._known.clear()
            found = self._known[at] = self._known_word(lang, word, key, lookalike)
        return cast("tuple[int, ...] | None", found)

    def _known_word(
        self, lang: str, word: str, key: str, lookalike: bool
    ) -> tuple[int, ...] | None:
        if lang == "ru":
            if self.base.ru_forms is None:
                return None
            if not self.may_inflect(lang, word, key):
                return (word_hash(lang, LEMMA, key),) if key else ()
            base = self.base.russian_known(key)
            if base is None:
                return None
            patch = self.patch.russian_known(key)
            if patch is None:
                return None
            # () from one index says only that none of the word's keys is there
            return base or patch
        if lang == "kk" and self.kk_keys is not None:
            return self.kk_keys.hashes(word, key, lookalike)
        return None

    def forget_words(self) -> None:
        """Empty both indexes' memory of the words of texts."""
        self._known.clear()
        self.base.forget_words()
        self.patch.forget_words()

    def check(self, text: str, lang: str) -> list[Match]:
        """Return the glossary terms of LANG found in TEXT, in order."""
        known = self.known if self.has_tables(lang) else None
        prep = PreparedText(text, lang, self.may_inflect, self.present, known)
        return resolve(prep, self.found(prep))


@lru_cache(maxsize=100_000)
def _normalised(text: str) -> str:
    return normalise(text)


@lru_cache(maxsize=100_000)
def _term_words(term: str, loose: bool) -> tuple[str, ...]:
    words = [plain(w) for w in words_of(term)]
    return tuple(skeleton_word(w) for w in words) if loose else tuple(words)


@lru_cache(maxsize=100_000)
def _how(surface: str, term: str, mode: int) -> str:
    if surface.casefold() == term.casefold():
        return "exact"
    # plain() is a function of normalise(): one word that differs there (the
    # text's words are plain already) is not the term normalised
    if surface.isalpha() and plain(surface) != plain(term):
        return ("lemma", "folded", "latin")[mode]
    if normalise(surface) == _normalised(term):
        return "normalised"
    return ("lemma", "folded", "latin")[mode]


@lru_cache(maxsize=100_000)
def _closeness(written: tuple[str, ...], term: str, mode: int) -> tuple[int, int]:
    """How close the written words are to the term's: shared first letters, length.

    Words in Latin or look-alike letters are compared by their Latin skeletons.
    (Kept per words and term: a phrase of a text is compared with the same terms
    wherever it stands.)
    """
    term_words = _term_words(term, mode != LEMMA)
    if len(term_words) != len(written):
        return (0, 0)
    shared = diff = 0
    for a, b in zip(written, term_words, strict=True):
        if mode != LEMMA:
            a = skeleton_word(a)
        if a == b:
            shared += len(a)
            continue
        n = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            n += 1
        shared += n
        diff += abs(len(a) - len(b))
    return (-shared, diff)


def _rank(f: _Found, surface: str, written: tuple[str, ...]) -> tuple:
    how = _how(surface, f.text, f.mode)
    closeness = _closeness(written, f.text, f.mode)
    return (_HOW_RANK[how], closeness, f.status, len(f.text), f.text), how


def resolve(prep: PreparedText, found: list[tuple]) -> list[Match]:
    """Choose among found terms: the longest wins where they overlap; in order.

    FOUND holds (index, firsts, lasts, key rows) batches. A stretch of text that
    is a term of several concepts gives one match per concept (the best term of
    each: as written, then by status); where one concept's term is closer to the
    words as written (креативті индустриялардың: индустриялар rather than
    индустрия), only the closest concepts are kept.
    """
    batches = [b for b in found if len(b[1])]
    if not batches:
        return []
    text, starts, ends = prep.text, prep.starts, prep.ends
    n = len(starts)
    first = np.concatenate([b[1] for b in batches])
    last = np.concatenate([b[2] for b in batches])
    entries = [b[0].key_entry[b[3]] for b in batches]
    entry = np.concatenate(entries)
    pairs = list(zip(batches, entries, strict=True))
    concept = np.concatenate([b[0].concept[e] for b, e in pairs])
    status = np.concatenate([b[0].status[e] for b, e in pairs])
    mode = np.concatenate([b[0].key_mode[b[3]] for b in batches])
    source = np.repeat(np.arange(len(batches)), [len(b[1]) for b in batches])
    # group the candidates by stretch (first, last word), keeping their order
    code = first * n + last
    order = np.argsort(code, kind="stable")
    code = code[order]
    new_span = np.empty(len(code), dtype=bool)
    new_span[0] = True
    np.not_equal(code[1:], code[:-1], out=new_span[1:])
    span_of = np.cumsum(new_span) - 1
    span_code = code[new_span]
    span_first, span_last = span_code // n, span_code % n
    # Longest first (in characters, then words), then leftmost. A stretch of one
    # word loses only to a longer stretch over it, so only the stretches of
    # several words need the walk in that order.
    taken = bytearray(n)
    multi = np.flatnonzero(span_first != span_last)
    if len(multi):
        starts_np = np.asarray(starts)
        ends_np = np.asarray(ends)
        mf, ml = span_first[multi], span_last[multi]
        by_length = np.lexsort((mf, mf - ml, starts_np[mf] - ends_np[ml]))
        kept_multi = np.zeros(len(span_code), dtype=bool)
        for i, f, la in zip(
            multi[by_length].tolist(),
            mf[by_length].tolist(),
            ml[by_length].tolist(),
            strict=True,
        ):
            if any(taken[f : la + 1]):
                continue
            taken[f : la + 1] = b"\x01" * (la - f + 1)
            kept_multi[i] = True
        covered = np.frombuffer(bytes(taken), dtype=np.uint8).astype(bool)
        kept_span = kept_multi | ((span_first == span_last) & ~covered[span_first])
    else:
        kept_span = np.ones(len(span_code), dtype=bool)
    keep = kept_span[span_of]
    chosen = order[keep]
    # where each kept stretch's candidates begin and end in CHOSEN
    bounds = np.flatnonzero(new_span[keep]).tolist() + [len(chosen)]
    firsts, lasts = first[chosen].tolist(), last[chosen].tolist()
    sources, entries_l = source[chosen].tolist(), entry[chosen].tolist()
    concepts, statuses = concept[chosen].tolist(), status[chosen].tolist()
    modes = mode[chosen].tolist()
    matches: list[Match] = []
    lang = prep.lang
    texts_of = [b[0].texts for b in batches]
    chosen_concepts = concept[chosen]
    one_concept = (
        np.minimum.reduceat(chosen_concepts, bounds[:-1])
        == np.maximum.reduceat(chosen_concepts, bounds[:-1])
    ).tolist()
    for span, (lo, hi) in enumerate(zip(bounds, bounds[1:])):  # noqa: B905
        start, end = starts[firsts[lo]], ends[lasts[lo]]
        surface = text[start:end]
        if one_concept[span]:
            # one concept (found through one key or several): its best term,
            # as written, then by status, then the shortest (the first of equals)
            best = lo
            term = texts_of[sources[lo]][entries_l[lo]]
            how = _how(surface, term, modes[lo])
            if hi - lo > 1:
                rank = (_HOW_RANK[how], statuses[lo], len(term))
                for i in range(lo + 1, hi):
                    other = texts_of[sources[i]][entries_l[i]]
                    other_how = _how(surface, other, modes[i])
                    other_rank = (_HOW_RANK[other_how], statuses[i], len(other))
                    if other_rank < rank:
                        best, term, how, rank = i, other, other_how, other_rank
            matches.append(
                Match(
                    start,
                    end,
                    surface,
                    concepts[best],
                    term,
                    STATUSES[statuses[best]],
                    how,
                    lang,
                )  # fmt: skip
            )
            continue
        group = [
            _Found(
                firsts[i],
                lasts[i],
                concepts[i],
                statuses[i],
                batches[sources[i]][0].texts[entries_l[i]],
                modes[i],
            )  # fmt: skip
            for i in range(lo, hi)
        ]
        _choose(prep, group, matches, surface, start, end)
    return matches


def _choose(prep, group, matches, surface, start, end) -> None:
    """Add to MATCHES the best terms of one stretch's GROUP of candidates."""
    lang = prep.lang
    concepts = {f.concept_id for f in group}
    if len(concepts) == 1:
        # one concept (found through several keys): its best term
        f, how = min(
            ((f, _how(surface, f.text, f.mode)) for f in group),
            key=lambda fh: (_HOW_RANK[fh[1]], fh[0].status, len(fh[0].text)),
        )
        matches.append(
            Match(
                start,
                end,
                surface,
                f.concept_id,
                f.text,
                STATUSES[f.status],
                how,
                lang,
            )  # fmt: skip
        )
        return
    written = tuple(prep.plain_words(group[0].first, group[0].last))
    best: dict[int, tuple] = {}
    for f in group:
        rank, how = _rank(f, surface, written)
        current = best.get(f.concept_id)
        if current is None or rank < current[0]:
            best[f.concept_id] = (rank, f, how)
    options = sorted(best.items(), key=lambda kv: (kv[1][0], kv[0]))
    top = options[0][1][0][:2]
    for cid, (rank, f, how) in options:
        if rank[:2] != top:
            break
        matches.append(
            Match(start, end, surface, cid, f.text, STATUSES[f.status], how, lang)
        )


_HOW_RANK = {"exact": 0, "normalised": 1, "lemma": 2, "folded": 3, "latin": 3}


def concept_counts(matches: list[Match]) -> list[dict]:
    """Return [{"id", "count"}] for the concepts of MATCHES, by first appearance."""
    counts: dict[int, int] = {}
    for m in matches:
        counts[m.concept_id] = counts.get(m.concept_id, 0) + 1
    return [{"id": cid, "count": n} for cid, n in counts.items()]
