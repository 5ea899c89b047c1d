"""An in-memory term index with ranked lookup over the three languages (pure).

How to read this module (top to bottom):

1. ``Tier`` and ``Rank``: what decides the order of results. A result's rank is a
   named tuple compared field by field: its tier first (the whole term before a
   term that begins with the query, before typos, …), then how far it is from the
   query, its status, its length.
2. ``Packed``, ``SortedKeys``, ``Postings``: the storage. Every piece of index
   state is a numpy array (strings as UTF-8 bytes plus offsets), built from the
   rows, so that it can be written to and mapped from files.
3. ``KeySpace``: one way of writing terms (as typed; Kazakh folded to Russian
   look-alike letters; Kazakh in Latin; Russian in Latin): the whole keys of the
   terms, the posting lists of their words (with stems) and a word trigram index.
4. ``SearchIndex``: built by ``IndexBuilder`` from (concept, lang, text, status)
   rows; ``ranked()`` runs the lookups in order: as typed, other scripts and
   layouts, typos, then the entries for the parts of a phrase.

Every result carries ``how`` (the README's table) and, for typos, ``distance``:
the number of edits (Damerau–Levenshtein: a swap of two letters is one edit).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import IntEnum
from itertools import chain, islice, repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from ..gcpause import paused_gc
from ..model import STATUS_RANK
from .latin import turkic_lower
from .morphology import (
    folded_query_forms,
    folded_term_stem,
    kazakh_term_stem,
    latin_query_forms,
    latin_term_stem,
    query_forms,
)
from .normalise import fold_kazakh, normalise, normalise_all
from .variants import (
    english_stem,
    from_layout,
    is_latin,
    skeleton,
    skeletons,
)

# --- ranking --------------------------------------------------------------------------


class Tier(IntEnum):
    """How much of the query met the term; a lower tier ranks first."""

    EXACT = 0  # the term as stored, ignoring case
    NORMALISED = 1  # the term after normalisation (ё/е, hyphens, spaces)
    FORM = 2  # another form of the whole term (inflection)
    SCRIPT = 3  # the whole term in another script, fold or keyboard layout
    PREFIX = 4  # the beginning of a longer term
    WORD = 5  # the query's words inside a longer term
    FUZZY = 6  # a similar spelling: typos, missing or extra spaces
    PART = 7  # an entry for one part of a phrase that has no entry as a whole


class Rank(NamedTuple):
    """The sort key of a result: compared field by field, smaller first."""

    group: int  # -1: a main entry completing the query (autocomplete only); else 0
    place: int  # four times the tier; a prefix ending inside a word: after WORD
    tier: Tier
    distance: int  # edits (typos) or letters of inflection; 0 for the term itself
    status: int  # preferred 0, admitted 1, deprecated 2, superseded 3
    length: int  # letters of the term: shorter first
    concept_id: int  # last, so that equal ranks keep one stable order


# Score shown in the API: the tier's base less a little for status and distance.
TIER_SCORES = {
    Tier.EXACT: 100.0,
    Tier.NORMALISED: 98.0,
    Tier.FORM: 95.0,
    Tier.SCRIPT: 92.0,
    Tier.PREFIX: 90.0,
    Tier.WORD: 86.0,
    Tier.FUZZY: 80.0,
    Tier.PART: 70.0,
}
# What each `how` means (README and the OpenAPI document say the same).
HOW_DESCRIPTIONS: dict[str, str] = {
    "exact": "the term as stored, ignoring case only",
    "normalised": "the term ignoring case, ё/е, hyphens, dashes, quotes and spaces",
    "lemma": "an inflected form: Russian cases and numbers; Kazakh plural, "
    "possessive, case and -дағы/-ғы endings; English plurals and verb forms",
    "prefix": "the beginning of the term (autocomplete, 3+ letters)",
    "word": "one or more words of a longer term",
    "folded": "Kazakh typed with Russian look-alike letters (к for қ, у for ү …)",
    "latin": "Kazakh in Latin letters: 2021, 2018 or 2017 alphabet, "
    "Turkish-style or informal ASCII",
    "translit": "Russian typed in Latin transliteration",
    "layout": "typed with the wrong keyboard layout (en↔ru, the Kazakh digit row)",
    "fuzzy": "a similar spelling: one or two typos in a word, a missing or extra "
    "space (match.distance: the number of edits)",
    "part": "no entry for the whole phrase: an entry for one of its parts",
}
HOWS = tuple(HOW_DESCRIPTIONS)

# Where a result sorts (Rank.place): four times its tier, except three kinds of
# match that sort after the WORD tier, in this order, because the query's last
# word is not a whole word of the term as typed: a term beginning with the
# query, the query ending inside one of its words (касса → кассалық түсім); a
# longer term with a word that the last query word, perhaps still being typed,
# may be an inflection of (webs → web browser: the user may be typing website);
# a longer term with a word that begins with the last query word.
INSIDE_PREFIX = 4 * Tier.WORD + 1
OPEN_FORM = 4 * Tier.WORD + 2
INSIDE_WORD = 4 * Tier.WORD + 3
# Stop words that may end a query: the English possessive ("designer's"). Any
# other stop word at the end of a query still being typed is read as the
# beginning of a word (креативный с → креативный сектор): no phrase ends in a
# preposition.
FINAL_STOP_WORDS = frozenset(["s"])
PREFIX_MIN = 3  # letters before a prefix finds anything
# A concept with this many terms (synonyms in several languages) is one of the
# glossary's main entries: autocomplete offers it first among the completions.
MAIN_ENTRY_TERMS = 5
CAP = 400  # entries taken from one prefix range or posting list
PHRASE_CAP = 8000  # entries per word when intersecting the words of a phrase
FUZZY_POSTINGS = 60  # entries per similar word of a one-word query (best first)
FUZZY_RERANK = 600  # entries re-ranked by edit distance (the shortest)
SIMILAR_WORDS = 40  # similar words kept per query word
SIMILAR_CANDIDATES = 150  # words checked by edit distance for one query word
GRAM_BUDGET = 20_000  # trigram postings read for one query word
STOP_WORDS = frozenset(
    "в во на о об обо с со к ко по из у за до от для при".split()
    + "the a an of in on to for and".split()
    + ["s"]  # the English possessive ("designer's" is normalised to "designer s")
    + "және мен пен бен".split()
)
LANG_CODES = {"en": 0, "ru": 1, "kk": 2}
LANG_NAMES = ["en", "ru", "kk"]


def max_edits(word: str) -> int:
    """Return how many typos a word of this length may hold and still be found."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 4 else 2


@dataclass(frozen=True)
class Hit:
    """The best match of a query within one concept."""

    concept_id: int
    score: float
    lang: str
    text: str
    how: str
    distance: int | None = None  # edits, for `fuzzy` (and a typo in a `part`)


# --- storage: strings and posting lists in numpy arrays -------------------------------


class Packed:
    """A read-only list of strings: UTF-8 bytes and offsets in two numpy arrays.

    Lookups compare bytes (UTF-8 sorts as code points do), so sorted strings
    can be searched without decoding them.
    """

    __slots__ = ("_buf", "_at", "data", "offsets")
    _buf: bytes | memoryview
    _at: memoryview
    data: np.ndarray
    offsets: np.ndarray

    def __init__(self, strings: Iterable[str]) -> None:
        strings = strings if isinstance(strings, list) else list(strings)
        joined = "\x00".join(strings)
        if joined.count("\x00") != max(len(strings) - 1, 0):
            # a string holds NUL itself: encoded one by one
            encoded = [s.encode() for s in strings]
            self._buf = b"".join(encoded)
            self.data = np.frombuffer(self._buf, dtype=np.uint8)
            self.offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
            np.cumsum([len(b) for b in encoded], out=self.offsets[1:])
        else:
            # one encode of the whole list; the NULs between strings give the bounds
            raw = np.frombuffer(joined.encode(), dtype=np.uint8)
            seps = np.flatnonzero(raw == 0)
            self.data = raw[raw != 0] if len(seps) else raw.copy()
            self.offsets = np.zeros(len(strings) + 1, dtype=np.int64)
            if strings:
                bounds = np.concatenate(([-1], seps, [len(raw)]))
                np.cumsum(np.diff(bounds) - 1, out=self.offsets[1:])
            self._buf = self.data.data
        self._at = self.offsets.data  # a memoryview: fast int indexing

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.raw(i).decode()

    def take(self, numbers: np.ndarray) -> list[str]:
        """Return the strings of NUMBERS (``[self[n] for n in numbers]``, faster)."""
        numbers = np.asarray(numbers, dtype=np.int64)
        if len(numbers) <= _DECODED_ONE_BY_ONE:
            return [self[n] for n in numbers.tolist()]
        starts = self.offsets[numbers]
        lengths = self.offsets[numbers + 1] - starts
        # the strings' bytes gathered with a NUL after each: one decode and split
        ends = np.cumsum(lengths + 1)
        where = np.arange(int(ends[-1])) - np.repeat(
            ends - lengths - 1 - starts, lengths + 1
        )
        gathered = (
            self.data[np.minimum(where, len(self.data) - 1)]
            if len(self.data)
            else np.zeros(len(where), dtype=np.uint8)
        )
        gathered[ends - 1] = 0
        joined = gathered[:-1].tobytes()
        if joined.count(0) != len(numbers) - 1:  # a string holds NUL itself
            return [self[n] for n in numbers.tolist()]
        return joined.decode().split("\x00")

    def raw(self, i: int) -> bytes:
        """Return string I as UTF-8 bytes."""
        return bytes(self._buf[self._at[i] : self._at[i + 1]])

    # Persisted (glossary.search.persist) as its two arrays only: mapped back from
    # a file, the bytes are a view of the page cache, shared between processes.
    def __getstate__(self) -> tuple[None, dict]:
        return None, {"data": self.data, "offsets": self.offsets}

    def __setstate__(self, state: tuple[None, dict]) -> None:
        self.data, self.offsets = state[1]["data"], state[1]["offsets"]
        self._buf = self.data.data
        self._at = self.offsets.data

    def bisect(self, key: str, lo: int = 0, hi: int | None = None) -> int:
        """Return where KEY would go among these (sorted) strings."""
        hi = len(self) if hi is None else hi
        return bisect_left(_RawView(self), key.encode(), lo, hi)


class _RawView:
    """Packed strings seen as bytes, for bisect."""

    __slots__ = ("raw", "n")

    def __init__(self, packed: Packed) -> None:
        self.raw, self.n = packed.raw, len(packed)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> bytes:
        return self.raw(i)


class SortedKeys:
    """Strings sorted for exact and prefix lookup; each maps to an entry number."""

    def __init__(self, keys: list[str], entries: np.ndarray) -> None:
        order = _sort_strings(keys)
        self.keys = Packed([keys[j] for j in order.tolist()])
        self.entries = np.asarray(entries, dtype=np.int32)[order]

    def exact(self, key: str) -> np.ndarray:
        """Return the entries whose key is KEY (in the order they were added)."""
        raw, keys = key.encode(), self.keys
        lo = hi = bisect_left(_RawView(keys), raw)
        while hi < len(keys) and keys.raw(hi) == raw:
            hi += 1
        return self.entries[lo:hi]

    def prefix(self, key: str, cap: int = CAP) -> np.ndarray:
        """Return up to CAP entries whose key begins with KEY (in key order)."""
        lo = self.keys.bisect(key)
        hi = self.keys.bisect(key + "\U0010ffff", lo, min(len(self.keys), lo + cap))
        return self.entries[lo:hi]

    def prefix_split(self, key: str, cap: int = CAP) -> tuple[np.ndarray, np.ndarray]:
        """Return the entries beginning with KEY: ending a word there, and not."""
        lo = self.keys.bisect(key)
        hi = self.keys.bisect(key + "\U0010ffff", lo, min(len(self.keys), lo + cap))
        at = len(key.encode())
        # the byte after the prefix: none or a space means KEY is whole words
        whole = np.fromiter(
            (len(r) == at or r[at] == 32 for r in map(self.keys.raw, range(lo, hi))),
            dtype=bool,
            count=hi - lo,
        )
        entries = self.entries[lo:hi]
        return entries[whole], entries[~whole]


class Postings:
    """Word → entry numbers (better entries first), with word trigrams for typos.

    WORDS are the distinct words in sorted order; the entries of word n are
    ``entries[offsets[n]:offsets[n + 1]]``, ordered by ORDER (status, length),
    then by entry number.
    """

    def __init__(
        self, vocab: list[str], word_ids: np.ndarray, entry_ids: np.ndarray, order
    ) -> None:
        perm = _sort_strings(vocab)
        in_order = [vocab[i] for i in perm.tolist()]
        self.words = Packed(in_order)
        rank = np.empty(len(vocab), dtype=np.int64)
        rank[perm] = np.arange(len(vocab), dtype=np.int64)
        wid = rank[np.asarray(word_ids, dtype=np.int64)]
        self.entries = _sort_postings(wid, np.asarray(order), entry_ids)
        counts = np.bincount(wid, minlength=len(vocab))
        self.offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(counts, out=self.offsets[1:])
        self.grams = Trigrams(self.words, in_order)
        # Word hashes, sorted, with each word's number: many words looked up at once.
        hashes = packed_hashes(self.words)
        by_hash = np.argsort(hashes, kind="stable")
        self.hashes = hashes[by_hash]
        self.hash_words = by_hash.astype(np.int32)

    def numbers(self, words: list[str]) -> np.ndarray:
        """Return the number of each of WORDS (-1: not a word of this list)."""
        if not words or not len(self.hashes):
            return np.full(len(words), -1, dtype=np.int64)
        h = word_hashes(words)
        at = np.minimum(np.searchsorted(self.hashes, h), len(self.hashes) - 1)
        hit = self.hashes[at] == h
        out = np.where(hit, self.hash_words[at], -1).astype(np.int64)
        # The word itself is compared: two words sharing a hash never mix up.
        hits = np.flatnonzero(hit)
        for i in hits[~self._same(words, hits, out[hits])].tolist():
            out[i] = self._collided(words[i].encode(), int(at[i]))
        return out

    def _same(
        self, words: list[str], at: np.ndarray, numbers: np.ndarray
    ) -> np.ndarray:
        """Mask: is each of WORDS[AT] the word of its NUMBERS?"""
        if len(at) <= _COMPARED_ONE_BY_ONE:
            raw = self.words.raw
            return np.array(
                [
                    raw(n) == words[i].encode()
                    for i, n in zip(at.tolist(), numbers.tolist(), strict=True)
                ],
                dtype=bool,
            )
        # many at once: every byte compared in one numpy pass
        given = [words[i].encode() for i in at.tolist()]
        lengths = np.fromiter(map(len, given), dtype=np.int64, count=len(given))
        offsets = self.words.offsets
        starts = offsets[numbers]
        same = offsets[numbers + 1] - starts == lengths
        full = same & (lengths > 0)
        if not full.any():
            return same
        sizes = lengths[full]
        bounds = np.zeros(len(sizes), dtype=np.int64)
        np.cumsum(sizes[:-1], out=bounds[1:])
        where = np.repeat(starts[full] - bounds, sizes) + np.arange(int(sizes.sum()))
        joined = b"".join([b for b, f in zip(given, full.tolist(), strict=True) if f])
        differ = self.words.data[where] != np.frombuffer(joined, dtype=np.uint8)
        same[full] = ~np.logical_or.reduceat(differ, bounds)
        return same

    def _collided(self, raw: bytes, at: int) -> int:
        """The number of word RAW among the words sharing the hash at AT, or -1."""
        h = self.hashes[at]
        while at < len(self.hashes) and self.hashes[at] == h:
            n = int(self.hash_words[at])
            if self.words.raw(n) == raw:
                return n
            at += 1
        return -1

    def known(self, candidates: Iterable[str]) -> list[str]:
        """Return the CANDIDATES that are words of this list."""
        cands = list(dict.fromkeys(candidates))
        found = self.numbers(cands)
        return [w for w, n in zip(cands, found.tolist(), strict=True) if n >= 0]

    def __contains__(self, word: str) -> bool:
        return self.numbers([word])[0] >= 0

    def get(self, word: str, cap: int = CAP) -> np.ndarray:
        """Return up to CAP entries containing WORD, best first."""
        return self.get_many([word], cap)[0]

    def get_many(self, words: list[str], cap: int = CAP) -> list[np.ndarray]:
        """Return, for each of WORDS, up to CAP entries containing it, best first."""
        out = []
        for n in self.numbers(words).tolist():
            if n < 0:
                out.append(self.entries[:0])
                continue
            lo = int(self.offsets[n])
            out.append(self.entries[lo : min(int(self.offsets[n + 1]), lo + cap)])
        return out

    def prefix(self, key: str, cap: int = CAP) -> np.ndarray:
        """Return up to CAP entries with a word that begins with KEY."""
        lo = self.words.bisect(key)
        hi = self.words.bisect(key + "\U0010ffff", lo)
        start = int(self.offsets[lo])
        return self.entries[start : min(int(self.offsets[hi]), start + cap)]

    def entries_of(self, numbers: list[int], cap: int = CAP) -> list[np.ndarray]:
        """Return, for each word number of NUMBERS, up to CAP entries, best first."""
        at = self.offsets
        return [
            self.entries[int(at[n]) : min(int(at[n + 1]), int(at[n]) + cap)]
            for n in numbers
        ]

    def similar(self, word: str, loose: bool = False) -> dict[str, int]:
        """Return the words within ``max_edits`` of WORD, each with its distance.

        LOOSE allows a third of the word's letters (the last resort before
        "nothing found").
        """
        return {w: d for w, d, _ in self.similar_numbered(word, loose)}

    def similar_numbered(
        self, word: str, loose: bool = False, most: int = 99
    ) -> list[tuple[str, int, int]]:
        """Return ``similar``'s words, in its order, as (word, distance, number).

        MOST: no word further than that many edits.
        """
        limit = max_edits(word)
        if loose:
            limit = max(limit, len(word) // 3)
        limit = min(limit, most)
        if not limit:
            n = int(self.numbers([word])[0])
            return [(word, 0, n)] if n >= 0 else []
        # word -> its number: the words are not hashed and looked up again
        cands = self._named(self.grams.candidate_numbers(word, limit))
        if len(word) <= 4:  # one edit may leave no trigram of a short word
            edits = list(dict.fromkeys(one_edit(word, self.grams.alphabet_of(word))))
        else:
            # a swap or a letter too many in a longer word may leave it only the
            # common trigrams of thousands of words (eidtion: -tion): looked up
            # as such spellings directly
            edits = list(dict.fromkeys(swaps_and_drops(word)))
        for w, n in zip(edits, self.numbers(edits).tolist(), strict=True):
            if n >= 0:
                cands[w] = n
        if loose:
            # two swaps far apart may leave no trigram of the word: undo each
            # possible swap and look again
            for i in range(1, len(word) - 1):
                swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                cands.update(self._named(self.grams.candidate_numbers(swapped, limit)))
        choices = sorted(cands)  # one order in every process (a set's is not)
        found = process.extract(
            word,
            choices,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
            limit=SIMILAR_WORDS,
        )
        return [(w, int(d), cands[w]) for w, d, _ in found]

    def _named(self, numbers: np.ndarray) -> dict[str, int]:
        return dict(zip(self.words.take(numbers), numbers.tolist(), strict=True))


# strings ``Packed.take`` decodes one by one; more are decoded in one pass
_DECODED_ONE_BY_ONE = 8

# words a lookup compares with its match one by one; more are compared in one pass
_COMPARED_ONE_BY_ONE = 16

# A stable 64-bit hash of a string's UTF-8 bytes (the same in every process): a
# polynomial over the bytes, then the SplitMix64 finaliser with the length. It is
# computed for a million words at once with numpy (``packed_hashes``) and for a
# few in plain Python; a word found by its hash is always compared as well.
_HASH_BASE = 0x100000001B3
_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_HASH_CHUNK = 1 << 16  # strings hashed per numpy pass


def _hash_one(word: str) -> int:
    raw = word.encode()
    h = 0
    for b in raw:
        h = (h * _HASH_BASE + b + 1) & _MASK
    z = (h + len(raw) * _GOLDEN) & _MASK
    z = ((z ^ (z >> 30)) * _MIX1) & _MASK
    z = ((z ^ (z >> 27)) * _MIX2) & _MASK
    return z ^ (z >> 31)


def packed_hashes(packed: Packed) -> np.ndarray:
    """Return the hash of every string of PACKED (``word_hashes``, vectorised)."""
    offsets = np.asarray(packed.offsets, dtype=np.int64)
    data = np.asarray(packed.data)
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    out = np.zeros(n, dtype=np.uint64)
    longest = int(lengths.max()) if n else 0
    # powers[k] = base ** k (mod 2 ** 64): byte i of a string of L bytes is
    # multiplied by base ** (L - 1 - i), as Horner's rule does
    powers = np.ones(max(longest, 1), dtype=np.uint64)
    if longest > 1:
        powers[1:] = np.cumprod(np.full(longest - 1, _HASH_BASE, dtype=np.uint64))
    for lo in range(0, n, _HASH_CHUNK):
        hi = min(n, lo + _HASH_CHUNK)
        a, b = int(offsets[lo]), int(offsets[hi])
        if a == b:
            continue
        lens = lengths[lo:hi]
        ends = np.repeat(offsets[lo + 1 : hi + 1] - a, lens)
        exponents = ends - 1 - np.arange(b - a, dtype=np.int64)
        terms = (data[a:b].astype(np.uint64) + np.uint64(1)) * powers[exponents]
        filled = lens > 0
        out[lo:hi][filled] = np.add.reduceat(terms, (offsets[lo:hi] - a)[filled])
    z = out + lengths.astype(np.uint64) * np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
    return z ^ (z >> np.uint64(31))


def word_hashes(words: list[str]) -> np.ndarray:
    """Return a stable 64-bit hash of each word (the same in every process)."""
    if len(words) <= 8:
        return np.array([_hash_one(w) for w in words], dtype=np.uint64)
    return packed_hashes(Packed(words))


def _sort_strings(strings: list[str]) -> np.ndarray:
    """Return the order that sorts STRINGS (stable: equal strings keep theirs)."""
    return np.array(
        sorted(range(len(strings)), key=strings.__getitem__), dtype=np.int64
    )


def _sort_postings(
    words: np.ndarray, order: np.ndarray, entries: np.ndarray
) -> np.ndarray:
    """Return ENTRIES sorted by word, then by their ORDER, then by number."""
    entries = np.asarray(entries, dtype=np.int64)
    if not len(entries):
        return entries.astype(np.int32)
    n = int(entries.max()) + 1
    span = int(order.max()) + 1 if len(order) else 1
    if (int(words.max()) + 1) * span * n < 1 << 62:
        # one number per posting sorts faster than three keys
        packed = (words * span + order[entries]) * n + entries
        packed.sort()
        return (packed % n).astype(np.int32)
    return entries[np.lexsort((entries, order[entries], words))].astype(np.int32)


def _unique(values: np.ndarray) -> np.ndarray:
    """Return the sorted distinct VALUES.

    By sorting: numpy 2.4's hash-based ``np.unique`` is ten to twenty times
    slower on these arrays.
    """
    out = np.sort(values)
    return out[_firsts(out)]


def one_edit(word: str, alphabet: str) -> Iterator[str]:
    """Yield the strings one edit away from WORD (a short word's typo neighbours)."""
    yield from swaps_and_drops(word)
    for i in range(len(word) + 1):
        for c in alphabet:
            yield word[:i] + c + word[i:]
            if i < len(word):
                yield word[:i] + c + word[i + 1 :]


def swaps_and_drops(word: str) -> Iterator[str]:
    """Yield WORD with two neighbouring letters swapped, or with one letter left out."""
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]
        if i < len(word) - 1:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


class Trigrams:
    """Trigram → word numbers, for finding the words close to a misspelt one."""

    def __init__(self, words: Packed, strings: list[str] | None = None) -> None:
        nwords = len(words)
        if strings is None:
            strings = [words[n] for n in range(nwords)]
        # " w1 \x00 w2 \x00 … wn ": each word between spaces, NUL between words
        text = " " + " \x00 ".join(strings) + " " if strings else ""
        alpha = sorted(set(text)) or ["\x00"]
        # Letters of one script only: the neighbours of a short word are tried
        # letter by letter (``one_edit``).
        self.alphabet = "".join(c for c in alpha if c.isalpha())
        self.latin_letters = "".join(c for c in self.alphabet if c.isascii())
        self.other_letters = "".join(c for c in self.alphabet if not c.isascii())
        self.lut = np.full(ord(alpha[-1]) + 1, -1, dtype=np.int64)
        self.lut[[ord(c) for c in alpha]] = np.arange(len(alpha))
        self.k = k = len(alpha)
        self.words = words
        self.lengths = np.fromiter(map(len, strings), dtype=np.int16, count=nwords)
        if not nwords:
            self.keys = np.zeros(0, dtype=np.int64)
            self.offsets = np.zeros(1, dtype=np.int64)
            self.word_ids = np.zeros(0, dtype=np.int32)
            return
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        inv = self.lut[codes]
        grams = inv[:-2] * k * k + inv[1:-1] * k + inv[2:]
        sep = codes == 0
        wid = np.cumsum(sep)[:-2]
        valid = ~(sep[:-2] | sep[1:-1] | sep[2:])
        pairs = _unique(grams[valid] * nwords + wid[valid])
        grams, wid = pairs // nwords, (pairs % nwords).astype(np.int32)
        starts = np.flatnonzero(_firsts(grams))
        self.keys = grams[starts]
        self.offsets = np.append(starts, len(grams)).astype(np.int64)
        self.word_ids = wid

    def alphabet_of(self, word: str) -> str:
        """Return the letters a typo in WORD may bring: those of its own script."""
        return self.latin_letters if word.isascii() else self.other_letters

    def _grams_of(self, word: str) -> np.ndarray:
        codes = np.frombuffer(f" {word} ".encode("utf-32-le"), dtype=np.uint32)
        inside = codes < len(self.lut)
        inv = np.where(inside, self.lut[np.minimum(codes, len(self.lut) - 1)], -1)
        k = self.k
        grams = inv[:-2] * k * k + inv[1:-1] * k + inv[2:]
        ok = (inv[:-2] >= 0) & (inv[1:-1] >= 0) & (inv[2:] >= 0)
        return _unique(grams[ok])

    def candidates(self, word: str, edits: int) -> set[str]:
        """Return words sharing enough trigrams with WORD to be EDITS edits away."""
        return set(self.words.take(self.candidate_numbers(word, edits)))

    def candidate_numbers(self, word: str, edits: int) -> np.ndarray:
        """Return the numbers of the words ``candidates`` returns."""
        none = np.zeros(0, dtype=np.int32)
        grams = self._grams_of(word)
        if not len(grams) or not len(self.keys):
            return none
        at = np.searchsorted(self.keys, grams)
        at = at[at < len(self.keys)]
        # (as np.isin(self.keys[at], grams), whose lookup table is slow here)
        near = self.keys[at]
        pos = np.minimum(np.searchsorted(grams, near), len(grams) - 1)
        at = at[grams[pos] == near]
        if not len(at):
            return none
        sizes = (self.offsets[at + 1] - self.offsets[at]).tolist()
        # The rarest trigrams first; very common ones are left out while enough
        # is read (each one left out lowers the overlap asked for by one).
        lists, total, skipped = [], 0, 0
        for n, (size, i) in enumerate(sorted(zip(sizes, at.tolist(), strict=True))):
            if n >= 3 and total + size > GRAM_BUDGET:
                skipped += 1
                continue
            lists.append(self.word_ids[self.offsets[i] : self.offsets[i + 1]])
            total += size
        found, counts = np.unique(np.concatenate(lists), return_counts=True)
        # One edit destroys at most three trigrams of the word, a swap four.
        need = max(1, len(word) + 2 - 2 - 4 * edits - skipped)
        keep, counts = found[counts >= need], counts[counts >= need]
        # a word more than EDITS letters longer or shorter cannot be close enough
        gap = np.abs(self.lengths[keep].astype(np.int64) - len(word))
        close = gap <= edits
        keep, counts, gap = keep[close], counts[close], gap[close]
        if len(keep) > SIMILAR_CANDIDATES:
            # the most trigrams shared first, then the nearest in length (of many
            # words sharing a common ending, a letter left out of unitary keeps
            # it nearer uitary than military)
            order = counts.astype(np.int64) * 1024 - np.minimum(gap, 1023)
            top = np.argpartition(-order, SIMILAR_CANDIDATES)[:SIMILAR_CANDIDATES]
            keep = keep[top]
        return keep


def _firsts(sorted_values: np.ndarray) -> np.ndarray:
    """Mask of the first of each run of equal values in a sorted array."""
    mask = np.ones(len(sorted_values), dtype=bool)
    if len(sorted_values):
        mask[1:] = sorted_values[1:] != sorted_values[:-1]
    return mask


def _intersect(sets: list[np.ndarray]) -> np.ndarray:
    if not sets:
        return np.zeros(0, np.int32)
    out = _unique(sets[0])
    for s in sets[1:]:
        out = np.intersect1d(out, _unique(s), assume_unique=True)
        if not len(out):
            break
    return out


# --- key spaces: one way of writing the terms -----------------------------------------


@dataclass
class KeySpace:
    """The whole keys and the words of the terms, written one way.

    NAME is the ``how`` of a match found here (None: as typed, the tier's own
    name); TO_KEY turns a normalised term key into this space; FORMS gives the
    dictionary forms a query word may come from, each with a cost.
    """

    name: str | None
    keys: SortedKeys
    words: Postings
    to_key: Callable[[str], str]
    forms: Callable[[str], dict[str, int]]

    @property
    def how(self) -> str:
        """Return the ``how`` of a match found here by another reading of a query."""
        if self.name is None:
            raise ValueError("the space of the terms as typed has no reading's name")
        return self.name


def _concat(parts: list[np.ndarray], dtype=np.int64) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


class _Numbering(dict):
    """Word → its number; a new word gets the next number (STRINGS: by number)."""

    def __init__(self) -> None:
        super().__init__()
        self.strings: list[str] = []

    def __missing__(self, word: str) -> int:
        n = self[word] = len(self.strings)
        self.strings.append(word)
        return n

    def numbers(self, words: list[str]) -> np.ndarray:
        """Return the number of each of WORDS (numbering the new ones)."""
        return np.fromiter(map(self.__getitem__, words), np.int64, count=len(words))


@dataclass
class _SpaceBuilder:
    """The keys and word occurrences of one space while an index is built."""

    keys: list[str] = field(default_factory=list)
    key_entries: list[np.ndarray] = field(default_factory=list)
    vocab: _Numbering = field(default_factory=_Numbering)
    word_ids: list[np.ndarray] = field(default_factory=list)
    entry_ids: list[np.ndarray] = field(default_factory=list)

    def add_keys(self, entries: np.ndarray, keys: list[str]) -> None:
        """Add the whole KEYS of ENTRIES (one each, in entry order)."""
        self.keys += keys
        self.key_entries.append(entries)

    def add_numbers(self, entries: np.ndarray, numbers: np.ndarray) -> None:
        """Add the words numbered NUMBERS, each of the entry beside it in ENTRIES."""
        self.word_ids.append(numbers)
        self.entry_ids.append(entries)

    def build(self, order: np.ndarray, name, to_key, forms) -> KeySpace:
        keys = SortedKeys(self.keys, _concat(self.key_entries, np.int32))
        words, entries = _concat(self.word_ids), _concat(self.entry_ids)
        # a word twice in one term, or a word that is its own stem, counts once
        n = int(entries.max()) + 1 if len(entries) else 1
        pairs = _unique(words * n + entries)
        postings = Postings(self.vocab.strings, pairs // n, pairs % n, order)
        return KeySpace(name, keys, postings, to_key, forms)


class _WordMap:
    """A word of the terms as typed (by its number) → its number in another space.

    FORMS turns words into their forms there (a stem, a fold, a skeleton). Each
    distinct word is analysed once per build, and a form is numbered only when
    an occurrence is added, so a space holds exactly the words its terms use.
    """

    def __init__(self, source: _Numbering, target: _Numbering, forms: Callable) -> None:
        self.source, self.target, self.forms = source, target, forms
        self.table = np.full(0, -1, dtype=np.int32)

    def __getitem__(self, numbers: np.ndarray) -> np.ndarray:
        if len(self.table) < len(self.source.strings):
            grown = max(len(self.source.strings), 2 * len(self.table))
            more = np.full(grown - len(self.table), -1, dtype=np.int32)
            self.table = np.concatenate((self.table, more))
        table = self.table
        new = _unique(numbers[table[numbers] < 0])
        if len(new):
            strings = self.source.strings
            words = [strings[i] for i in new.tolist()]
            table[new] = self.target.numbers(self.forms(words))
        return table[numbers]


def _identity(key: str) -> str:
    return key


def _latin_key(key: str) -> str:
    return skeleton(key)


def _no_forms(word: str) -> dict[str, int]:
    return {word: 0}


BUILD_CHUNK = 50_000  # rows analysed together while an index is built
_ROW_FIELDS = itemgetter("concept_id", "domain", "lang", "text", "status")
_KK, _EN, _RU = LANG_CODES["kk"], LANG_CODES["en"], LANG_CODES["ru"]


class IndexBuilder:
    """Reads the rows once and fills the arrays and key spaces of a SearchIndex.

    Rows are taken in chunks: each chunk's words are numbered and analysed with
    one pass over a flat list (each distinct word analysed once per build), so
    that a million terms cost a few Python steps each, not dozens.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.typed_keys: list[str] = []
        self.concepts: list[np.ndarray] = []
        self.langs: list[np.ndarray] = []
        self.statuses: list[np.ndarray] = []
        self.domains: list[np.ndarray] = []
        self.word_counts: list[np.ndarray] = []
        self.domain_codes: dict[str, int] = _Numbering()
        self.spaces = {
            "typed": _SpaceBuilder(),
            "folded": _SpaceBuilder(),
            "latin": _SpaceBuilder(),
            "translit": _SpaceBuilder(),
        }
        words = self.spaces["typed"].vocab
        self._skeleton: dict[str, str] = {}
        # what is known of each word as typed: -1 not yet, 0 no, 1 yes
        self._folds = np.zeros(0, dtype=np.int8)  # folding changes it
        self._spells = np.zeros(0, dtype=np.int8)  # it has a skeleton
        folded, latin = self.spaces["folded"].vocab, self.spaces["latin"].vocab
        translit = self.spaces["translit"].vocab
        skeleton = self._skeleton.__getitem__
        self._maps = {
            "kk stem": _WordMap(words, words, _mapper(kazakh_term_stem)),
            "en stem": _WordMap(words, words, _mapper(english_stem)),
            "folded": _WordMap(words, folded, _mapper(fold_kazakh)),
            "folded stem": _WordMap(
                words, folded, _mapper(lambda w: folded_term_stem(fold_kazakh(w)))
            ),
            "latin": _WordMap(words, latin, _mapper(skeleton)),
            "latin stem": _WordMap(
                words, latin, _mapper(lambda w: latin_term_stem(skeleton(w)))
            ),
            "translit": _WordMap(words, translit, _mapper(skeleton)),
        }

    def add_rows(self, rows: Iterable[dict]) -> None:
        """Index ROWS: (concept_id, domain, lang, text, status) dicts, read once."""
        rows = iter(rows)
        while chunk := list(islice(rows, BUILD_CHUNK)):
            self._add_chunk(chunk)

    def _add_chunk(self, rows: list[dict]) -> None:
        first, n = len(self.texts), len(rows)
        columns = zip(*map(_ROW_FIELDS, rows), strict=True)
        concepts, domains, langs, texts, statuses = columns
        keys = normalise_all(texts)
        self.texts += texts
        self.typed_keys += keys
        self.concepts.append(np.array(concepts, dtype=np.int64))
        lang = np.fromiter(map(LANG_CODES.__getitem__, langs), np.int8, count=n)
        self.langs.append(lang)
        ranks = map(STATUS_RANK.get, statuses, repeat(3))
        self.statuses.append(np.fromiter(ranks, np.int8, count=n))
        codes = map(self.domain_codes.__getitem__, domains)
        self.domains.append(np.fromiter(codes, np.int16, count=n))
        split = list(map(str.split, keys))
        counts = np.fromiter(map(len, split), np.int64, count=n)
        self.word_counts.append(counts)
        entries = np.arange(first, first + n, dtype=np.int64)

        # Every word occurrence by the number of its word: what a word is in
        # another space is worked out once per distinct word (``_WordMap``).
        typed = self.spaces["typed"]
        typed.add_keys(entries, keys)
        words = list(chain.from_iterable(split))
        ids = typed.vocab.numbers(words)
        term_of = np.repeat(np.arange(n, dtype=np.int64), counts)
        word_entries = entries[term_of]
        word_langs = lang[term_of]
        typed.add_numbers(word_entries, ids)
        maps = self._maps

        # as typed: every word, and the stem of a Kazakh or English word
        for code, name in ((_KK, "kk stem"), (_EN, "en stem")):
            at = np.flatnonzero(word_langs == code)
            if len(at):
                typed.add_numbers(word_entries[at], maps[name][ids[at]])

        # Kazakh with Russian look-alike letters: the terms it changes (a term
        # folds word by word, so it changes when one of its words does)
        at = np.flatnonzero(word_langs == _KK)
        changes = self._known(ids[at], "_folds", _folding_changes)
        changed = np.zeros(n, dtype=bool)
        changed[term_of[at[changes == 1]]] = True
        if changed.any():
            space = self.spaces["folded"]
            at = np.flatnonzero(changed[term_of])
            folded = maps["folded"][ids[at]]
            space.add_keys(
                first + np.flatnonzero(changed),
                _phrases(_pick(space.vocab.strings, folded), term_of[at]),
            )
            space.add_numbers(word_entries[at], folded)
            space.add_numbers(word_entries[at], maps["folded stem"][ids[at]])

        # Kazakh in Latin letters, Russian in Latin transliteration: the words
        # with a skeleton (the new words' skeletons first, all at once)
        at = np.flatnonzero((word_langs == _KK) | (word_langs == _RU))
        spelt = self._known(ids[at], "_spells", self._skeletons)
        at = at[spelt == 1]
        for code, name in ((_KK, "latin"), (_RU, "translit")):
            of_lang = at[word_langs[at] == code]
            if not len(of_lang):
                continue
            space = self.spaces[name]
            latin = maps[name][ids[of_lang]]
            space.add_keys(
                first + _unique(term_of[of_lang]),
                _phrases(_pick(space.vocab.strings, latin), term_of[of_lang]),
            )
            space.add_numbers(word_entries[of_lang], latin)
            if code == _KK:
                stems = maps["latin stem"][ids[of_lang]]
                space.add_numbers(word_entries[of_lang], stems)

    def _known(self, ids: np.ndarray, name: str, test: Callable) -> np.ndarray:
        """Return TEST (0 or 1) of the words numbered IDS, each word tested once."""
        vocab = self.spaces["typed"].vocab.strings
        table = getattr(self, name)
        if len(table) < len(vocab):
            more = np.full(max(len(vocab), 2 * len(table)) - len(table), -1, np.int8)
            table = np.concatenate((table, more))
            setattr(self, name, table)
        new = _unique(ids[table[ids] < 0])
        if len(new):
            table[new] = test([vocab[i] for i in new.tolist()])
        return table[ids]

    def _skeletons(self, words: list[str]) -> list[int]:
        """Work out the skeletons of new WORDS; return whether each has one."""
        found = skeletons(words)
        self._skeleton.update(zip(words, found, strict=True))
        return [1 if s else 0 for s in found]


def _pick(strings: list[str], numbers: np.ndarray) -> list[str]:
    """Return the strings numbered NUMBERS."""
    return [strings[i] for i in numbers.tolist()]


# between words, between terms (an object array: numpy's own strings drop NUL)
_SEPARATORS = np.array([" ", "\x00"], dtype=object)


def _phrases(words: list[str], term_of: np.ndarray) -> list[str]:
    """Join WORDS with spaces into one phrase per term (TERM_OF: their terms, grouped).

    One join and one split for all the terms (NUL between them), unless a word
    holds NUL itself.
    """
    ends = np.ones(len(words), dtype=bool)
    ends[:-1] = term_of[1:] != term_of[:-1]
    parts = [""] * (2 * len(words))
    parts[0::2] = words
    parts[1::2] = _SEPARATORS[ends.astype(np.intp)].tolist()
    joined = "".join(parts)
    terms = int(ends.sum())
    if joined.count("\x00") == terms:
        return joined.split("\x00")[:terms]
    bounds = np.concatenate(([0], np.flatnonzero(ends) + 1)).tolist()
    return [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def _mapper(fn: Callable[[str], str]) -> Callable[[list[str]], list[str]]:
    """Return a function that applies FN to each of a list of words."""
    return lambda words: list(map(fn, words))


def _folding_changes(words: list[str]) -> list[int]:
    """Return 1 for each of WORDS that folding Kazakh letters changes, else 0."""
    return [1 if fold_kazakh(w) != w else 0 for w in words]


# --- a query, its readings and the results found for it -------------------------------


def spellings(words: list[str], postings: Postings) -> Iterator[list[str]]:
    """Yield WORDS, then with a missing space put back or an extra one taken out."""
    yield words
    for i in range(len(words) - 1):
        joined = words[i] + words[i + 1]  # an extra space
        if len(joined) >= 4:
            yield words[:i] + [joined] + words[i + 2 :]
    for i, w in enumerate(words):  # a missing space
        cuts = range(2, len(w) - 1)
        known = set(postings.known([w[:c] for c in cuts] + [w[c:] for c in cuts]))
        for c in cuts:
            if w[:c] in known and w[c:] in known:
                yield words[:i] + [w[:c], w[c:]] + words[i + 1 :]


@dataclass
class Query:
    """A query and its readings: normalised, folded, in Latin, in another layout."""

    typed: str  # as typed (NFC)
    raw: str  # lower case (Turkic rules), NFC, ё as е
    key: str  # normalised
    words: list[str]
    content_words: list[str]  # without prepositions and articles ("в музее")
    open_end: bool  # no space after the last word: it may still be being typed
    folded: str  # Kazakh letters folded to their Russian look-alikes
    latin: str  # the loose Latin skeleton, if the query is in Latin letters
    layout: str  # as meant, if typed with the wrong keyboard layout
    layout_folded: str

    @classmethod
    def parse(cls, query: str) -> Query:
        """Read QUERY every way it may have been meant."""
        key = normalise(query)
        raw = unicodedata.normalize(
            "NFC", turkic_lower(unicodedata.normalize("NFC", query))
        ).replace("ё", "е")
        words = key.split()
        latin = skeleton(raw) if is_latin(raw) else ""
        meant = from_layout(raw)
        layout = normalise(meant) if meant else ""
        if layout == key:
            layout = ""
        open_end = not query[-1:].isspace()
        content_words = [w for w in words[:-1] if w not in STOP_WORDS]
        if words and (
            words[-1] not in STOP_WORDS
            or (open_end and words[-1] not in FINAL_STOP_WORDS)
        ):
            content_words.append(words[-1])
        return cls(
            typed=unicodedata.normalize("NFC", query),
            raw=raw,
            key=key,
            words=words,
            content_words=content_words or words,
            open_end=open_end,
            folded=fold_kazakh(key),
            latin=latin,
            layout=layout,
            layout_folded=fold_kazakh(layout) if layout else "",
        )


class Results:
    """The best (rank, hit) of each concept found so far, with the query's filters."""

    def __init__(
        self,
        index: SearchIndex,
        q: Query,
        lang_code: int | None,
        dom_code: int | None,
        by_text: bool = False,  # one result per term text instead of per concept
        autocomplete: bool = False,
    ) -> None:
        self.index = index
        self.by_text = by_text
        self.autocomplete = autocomplete
        self.query = q
        self.lang_code = lang_code
        self.dom_code = dom_code
        self.best: dict[int | str, tuple[Rank, Hit]] = {}

    def add(
        self,
        entries: np.ndarray,
        how: str,
        tier: Tier,
        distance: int | np.ndarray = 0,
        place: int | None = None,
    ) -> None:
        """Offer ENTRIES found by HOW at TIER (DISTANCE: one number or one each).

        PLACE sorts them elsewhere than their tier does (INSIDE_PREFIX …).
        """
        if not len(entries):
            return
        ix = self.index
        entries = np.asarray(entries, dtype=np.int64)
        if np.ndim(distance) == 0:
            distance = np.full(len(entries), distance, dtype=np.int64)
        if self.lang_code is not None or self.dom_code is not None:
            keep = np.ones(len(entries), dtype=bool)
            if self.lang_code is not None:
                keep &= ix.lang[entries] == self.lang_code
            if self.dom_code is not None:
                keep &= ix.domain[entries] == self.dom_code
            entries, distance = entries[keep], np.asarray(distance)[keep]
        for i, d in zip(entries.tolist(), np.asarray(distance).tolist(), strict=True):
            self._offer(i, how, tier, d, place)

    def _offer(
        self, i: int, how: str, tier: Tier, distance: int, place: int | None = None
    ) -> None:
        ix = self.index
        text = ix.text[i]
        if tier == Tier.NORMALISED and text.casefold() == self.query.typed.casefold():
            how, tier = "exact", Tier.EXACT
        main = self.autocomplete and tier <= Tier.PREFIX
        main = main and ix.terms_of_concept[i] >= MAIN_ENTRY_TERMS
        rank = Rank(
            -1 if main else 0,
            place if place is not None and not main else 4 * tier,
            tier,
            distance,
            int(ix.status[i]),
            int(ix.length[i]),
            int(ix.concept[i]),
        )
        slot = text if self.by_text else rank.concept_id
        current = self.best.get(slot)
        if current is None or rank < current[0]:
            hit = Hit(
                rank.concept_id,
                score_of(rank),
                LANG_NAMES[ix.lang[i]],
                text,
                how,
                distance if tier == Tier.FUZZY else None,
            )
            self.best[slot] = (rank, hit)

    def has(self, worst: Tier) -> bool:
        """Was a concept found at WORST or a better tier?"""
        return any(rank.tier <= worst for rank, _ in self.best.values())

    def count(self, better_than: Tier | None = None) -> int:
        """Return how many concepts were found (in a tier better than BETTER_THAN)."""
        if better_than is None:
            return len(self.best)
        return sum(rank.tier < better_than for rank, _ in self.best.values())

    def ordered(self) -> list[tuple[Rank, Hit]]:
        """Return the (rank, hit) pairs best first, scores never rising."""
        out, ceiling = [], 100.0
        for rank, hit in sorted(self.best.values(), key=lambda pair: pair[0]):
            if hit.score > ceiling:  # the rank's later fields are not in the score
                hit = replace(hit, score=ceiling)
            ceiling = hit.score
            out.append((rank, hit))
        return out


def score_of(rank: Rank) -> float:
    """Return the score shown for RANK: its tier's base, a little less for the rest."""
    penalty = 0.5 * rank.status + min(1.0, 0.1 * rank.distance)
    if rank.tier >= Tier.PREFIX:  # the longer the term, the less of it was typed
        penalty += min(0.4, rank.length / 250)
    return round(TIER_SCORES[rank.tier] - min(penalty, 1.9), 1)


# --- the index ------------------------------------------------------------------------


class SearchIndex:
    """Ranked lookup over (concept, lang, text, status) rows."""

    def __init__(self, rows: Iterable[dict]) -> None:
        """Index ROWS (read once): dicts with concept_id, domain, lang, text, status."""
        with paused_gc():
            build = IndexBuilder()
            build.add_rows(rows)
            self._keep_arrays(build)
            order = self.status.astype(np.int64) * 10_000
            order += np.minimum(self.length, 9999)
            spaces = build.spaces
            self.typed = spaces["typed"].build(order, None, _identity, query_forms)
            self.folded = spaces["folded"].build(
                order, "folded", fold_kazakh, folded_query_forms
            )
            self.latin = spaces["latin"].build(
                order, "latin", _latin_key, latin_query_forms
            )
            self.translit = spaces["translit"].build(
                order, "translit", _latin_key, _no_forms
            )

    def _keep_arrays(self, build: IndexBuilder) -> None:
        """Per-entry arrays: concept, language, status, domain, length, word count."""
        self.text = Packed(build.texts)
        self.key = Packed(build.typed_keys)
        self.concept = _concat(build.concepts, np.int64)
        self.lang = _concat(build.langs, np.int8)
        self.status = _concat(build.statuses, np.int8)
        self.domain = _concat(build.domains, np.int16)
        self.domain_codes = dict(build.domain_codes)
        self.length = np.fromiter(map(len, build.texts), np.int32, len(build.texts))
        self.word_count = _concat(build.word_counts, np.int16)
        # A concept's number of terms (synonyms, languages): the main entries of
        # the glossary are the most fully documented ones (MAIN_ENTRY_TERMS).
        if len(self.concept):
            _, inverse, counts = np.unique(
                self.concept, return_inverse=True, return_counts=True
            )
            self.terms_of_concept = counts[inverse].astype(np.int16)
        else:
            self.terms_of_concept = np.zeros(0, dtype=np.int16)

    def __len__(self) -> int:
        return len(self.text)

    # --- lookup -----------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        lang: str | None = None,
        domain: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[Hit]:
        """Return up to LIMIT concepts matching QUERY, best first."""
        ranked = self.ranked(query, lang, domain, offset + limit)
        return [hit for _, hit in ranked[offset : offset + limit]]

    def ranked(
        self,
        query: str,
        lang: str | None,
        domain: str | None,
        want: int,
        autocomplete: bool = False,
    ) -> list[tuple[Rank, Hit]]:
        """Return (rank, hit) pairs, best first: at least WANT of them if there are."""
        q = Query.parse(query)
        if not q.key or not len(self):
            return []
        lang_code = LANG_CODES.get(lang) if lang else None
        dom_code = self.domain_codes.get(domain, -1) if domain else None
        if dom_code == -1:
            return []
        found = Results(self, q, lang_code, dom_code, autocomplete=autocomplete)
        self._as_typed(q, found)
        self._other_readings(q, found, want)
        # a typo ranks below a term that begins with the query: looked for only
        # when there are none, or too few to fill the page and not the term as
        # typed (a typo may be a word form, жоспарлар, or read as a Kazakh word
        # in Latin, maanger)
        if not found.has(Tier.PREFIX) and len(q.key.replace(" ", "")) >= 3:
            self._typos(q, found)
        elif not found.has(Tier.NORMALISED) and found.count() < want:
            # filling the page: only close typos (no noise after a good match)
            self._typos(q, found, closer_than=2 if len(q.key) < 8 else 3)
        if len(q.words) > 1 and not found.has(Tier.SCRIPT):
            self._parts(q.words, found, typos=not found.has(Tier.WORD))
        elif not found.count():  # words run together: "gamedesigner"
            for words in spellings(q.words, self.typed.words):
                if len(words) > len(q.words):
                    self._parts(words, found)
        if not found.count() and len(q.key.replace(" ", "")) >= 3:
            self._typos(q, found, loose=True)  # the last resort
        return found.ordered()

    def _as_typed(self, q: Query, found: Results) -> None:
        """The query as typed: the whole term, its forms, prefixes, words."""
        space = self.typed
        found.add(space.keys.exact(q.key), "normalised", Tier.NORMALISED)
        # the last word is open unless a stop word after it was left out
        open_last = q.open_end and q.content_words[-1] == q.words[-1]
        self._forms(space, q.content_words, found, "lemma", Tier.FORM, open_last)
        self._beginnings(space, q.key, found, "prefix", "word")

    def _other_readings(self, q: Query, found: Results, want: int) -> None:
        """Other scripts, Kazakh look-alike letters and wrong keyboard layouts."""
        readings = [(self.folded, q.folded)]
        if q.latin:
            readings += [(self.latin, q.latin), (self.translit, q.latin)]
        for space, key in readings:
            found.add(space.keys.exact(key), space.how, Tier.SCRIPT)
            self._forms(space, key.split(), found, space.how, Tier.SCRIPT, q.open_end)
        if q.layout:
            for space, key in ((self.typed, q.layout), (self.folded, q.layout_folded)):
                found.add(space.keys.exact(key), "layout", Tier.SCRIPT)
                self._forms(
                    space, key.split(), found, "layout", Tier.SCRIPT, q.open_end
                )
        if found.count(better_than=Tier.PREFIX) >= want:
            return  # enough found above the tiers of the lookups below
        for space, key in readings:
            self._beginnings(space, key, found, space.how, space.how)
        if q.layout:
            self._beginnings(self.typed, q.layout, found, "layout", "layout")

    def _beginnings(
        self, space: KeySpace, key: str, found: Results, prefix_how: str, word_how: str
    ) -> None:
        """Terms that begin with KEY, then terms that contain its words."""
        if len(key) < PREFIX_MIN:
            return
        # another reading of the query is one step further than the query as typed
        step = 0 if prefix_how == "prefix" else 1
        words = key.split()
        whole, inside = space.keys.prefix_split(key)
        found.add(whole, prefix_how, Tier.PREFIX, step)
        found.add(_intersect(space.words.get_many(words)), word_how, Tier.WORD, step)
        # a prefix ending inside a longer word (касса → кассалық) is another word:
        # it ranks below the query's words, whole or inflected, in a longer term
        found.add(inside, prefix_how, Tier.PREFIX, step, INSIDE_PREFIX)
        found.add(self._all_words(space, words), word_how, Tier.WORD, step, INSIDE_WORD)

    def _forms(
        self,
        space: KeySpace,
        words: list[str],
        found: Results,
        how: str,
        tier: Tier,
        open_last: bool = False,
    ) -> None:
        """Terms made of dictionary forms of WORDS (whole: TIER; longer: WORD).

        OPEN_LAST: the last word may still be being typed (no space after it).
        """
        if not words:
            return
        entries, costs, last_costs = self._entries_with_forms(space, words)
        if not len(entries):
            return
        whole = self.word_count[entries] == len(words)
        # one more than the letters of inflection: the key itself (looked up
        # before) is closer than a term that shares only its stems
        found.add(entries[whole], how, tier, costs[whole] + 1)
        # an inflected word of a longer term (the words as typed: `_beginnings`)
        longer = ~whole & (costs > 0)
        # a last word still being typed and read as an inflection (webs as the
        # plural of web) may as well be the beginning of a longer word (website):
        # such a term ranks after the terms that begin with the query
        guessed = longer & (last_costs > 0) & open_last
        sure = longer & ~guessed
        found.add(entries[sure], how, Tier.WORD, costs[sure] + 1)
        found.add(entries[guessed], how, Tier.WORD, costs[guessed] + 1, OPEN_FORM)

    def _entries_with_forms(
        self, space: KeySpace, words: list[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Entries with a form of every word; letters of inflection: all, the last's."""
        entries = total = last = np.zeros(0, dtype=np.int64)
        for n, word in enumerate(words):
            forms = space.forms(word)
            ids = space.words.get_many(list(forms), cap=PHRASE_CAP)
            ids_a = np.concatenate(ids)
            costs_a = np.repeat(
                np.fromiter(forms.values(), dtype=np.int32, count=len(forms)),
                [len(got) for got in ids],
            )
            order = np.lexsort((costs_a, ids_a))  # each entry's cheapest form first
            ids_a, costs_a = ids_a[order], costs_a[order]
            first = _firsts(ids_a)
            ids_a, costs_a = ids_a[first], costs_a[first]
            if n == 0:
                entries, total, last = ids_a, costs_a, costs_a
            else:
                entries, left, right = np.intersect1d(
                    entries, ids_a, assume_unique=True, return_indices=True
                )
                total, last = total[left] + costs_a[right], costs_a[right]
            if not len(entries):
                break
        return entries, total, last

    def _all_words(self, space: KeySpace, words: list[str]) -> np.ndarray:
        """Entries that contain every word (the last may be a prefix)."""
        *whole, last = words
        postings = space.words
        if not whole:
            return postings.prefix(last) if len(last) >= 2 else postings.get(last)
        found = _intersect(postings.get_many(whole, cap=PHRASE_CAP))
        if not len(found) or len(last) < 2:
            return _intersect([found, postings.get(last, cap=PHRASE_CAP)])
        # the last word, perhaps still being typed: the entries with a word that
        # begins with it, if they are few enough to read; else checked one by one
        beginning = postings.prefix(last, cap=PHRASE_CAP)
        if len(beginning) < PHRASE_CAP:
            return np.intersect1d(found, _unique(beginning), assume_unique=True)
        found = found[:CAP].tolist()
        keep = [
            i
            for i in found
            if any(w.startswith(last) for w in space.to_key(self.key[i]).split())
        ]
        return np.array(keep, dtype=np.int32)

    # --- typos ------------------------------------------------------------------------

    def _typos(
        self, q: Query, found: Results, loose: bool = False, closer_than: int = 99
    ) -> None:
        """Terms within a few edits of the query, in each space it may be read in.

        The query as typed comes first, then its other readings (one edit
        further), each as spelt and then with a space put back or taken out; the
        search stops at the first that finds a term within the edit budget.
        LOOSE allows more edits: the last resort before "nothing found";
        CLOSER_THAN keeps only terms fewer edits away: filling a page after
        better matches, which reads the query as typed, its words as spelt (a
        space put back or taken out, another reading, are for a query that found
        nothing better), and no word further than the edits a term may be.
        """
        budget = max(2, len(q.content_words))
        readings = [(self.typed, q.key, 0)]
        if q.folded != q.key:
            readings.append((self.folded, q.folded, 1))
        if q.latin:
            readings.append((self.latin, q.latin, 1))
            readings.append((self.translit, q.latin, 1))
        if q.layout:
            readings.append((self.typed, q.layout, 1))
        fill = closer_than < 99
        for space, key, step in readings:
            if fill and step:
                break
            similar: dict[str, list[int]] = {}
            tried = [key.split()] if fill else spellings(key.split(), space.words)
            for words in tried:
                # words spelt right first (a typo is usually in one word): their
                # neighbours are read only if that finds nothing close
                for trust in (True, False) if len(words) > 1 else (False,):
                    best = self._typos_spelt(
                        space,
                        key,
                        words,
                        found,
                        step,
                        similar,
                        loose,
                        trust,
                        closer_than,
                    )
                    if best <= budget:
                        return

    def _typos_spelt(
        self,
        space: KeySpace,
        key: str,
        words: list[str],
        found: Results,
        step: int,
        similar: dict[str, list[int]],
        loose: bool,
        trust: bool,
        closer_than: int = 99,
    ) -> int:
        """Add the terms close to KEY whose words are close to WORDS; the best edits.

        SIMILAR keeps each word's close words for the next spelling; TRUST takes
        a word that is in the index as spelt right.
        """
        entries = self._typo_candidates(
            space, words, similar, loose, trust, closer_than - 1 - step
        )
        if not len(entries):
            return 99
        choices = [space.to_key(key) for key in self.key.take(entries)]
        best = 99
        for _, distance, n in process.extract(
            key, choices, scorer=DamerauLevenshtein.distance, limit=100
        ):
            if distance + step < closer_than:
                found.add(entries[n : n + 1], "fuzzy", Tier.FUZZY, distance + step)
            best = min(best, int(distance))
        return best

    def _typo_candidates(
        self,
        space: KeySpace,
        words: list[str],
        similar: dict[str, list[int]],
        loose: bool,
        trust: bool = False,
        allowed: int = 99,
    ) -> np.ndarray:
        """Entries with a word close to each of WORDS (prepositions aside).

        ALLOWED: the most edits a word may be from its query word.
        """
        postings = space.words
        words = [w for w in words if w not in STOP_WORDS] or words
        cap = FUZZY_POSTINGS if len(words) == 1 else PHRASE_CAP
        known: dict[str, int] = {}
        if trust:
            numbers = postings.numbers(words).tolist()
            known = {w: n for w, n in zip(words, numbers, strict=True) if n >= 0}
        sets = []
        for w in words:
            if w in known:
                close = [known[w]]
            else:
                if w not in similar:
                    similar[w] = [
                        n for _, _, n in postings.similar_numbered(w, loose, allowed)
                    ]
                close = similar[w]
            ids = postings.entries_of(close, cap=cap)
            if ids:
                sets.append(_unique(np.concatenate(ids)))
        if not sets:
            return np.zeros(0, np.int32)
        # every word of a short phrase; one may be missed in a longer one
        need = len(words) - (1 if len(words) >= 3 else 0)
        candidates, counts = np.unique(np.concatenate(sets), return_counts=True)
        entries = candidates[counts >= need]
        if len(entries) > FUZZY_RERANK:
            best = np.argsort(self.length[entries], kind="stable")[:FUZZY_RERANK]
            entries = entries[best]
        return entries

    # --- phrases made of entries ------------------------------------------------------

    def _parts(self, words: list[str], found: Results, typos: bool = True) -> None:
        """Entries for the parts of a phrase (WORDS) that has no entry as a whole.

        The phrase is cut, left to right, into the longest runs of words that
        are a term (as typed, inflected or, with TYPOS, misspelt).
        """
        words = [w for w in words if w not in STOP_WORDS]
        start = 0
        while start < len(words):
            for end in range(len(words), start, -1):
                part = " ".join(words[start:end])
                if self._add_part(part, found, end - start > 1 or not typos):
                    break
            start = end

    def _add_part(self, key: str, found: Results, no_typos: bool) -> bool:
        """Add the entries whose whole term is KEY (a part of the query)."""
        space = self.typed
        entries = space.keys.exact(key)
        if len(entries):
            found.add(entries, "part", Tier.PART)
            return True
        ids, costs, _ = self._entries_with_forms(space, key.split())
        whole = self.word_count[ids] == len(key.split()) if len(ids) else ids
        if len(ids) and whole.any():
            found.add(ids[whole], "part", Tier.PART, costs[whole])
            return True
        if no_typos:
            return False
        similar = space.words.similar(key)
        for word, distance in similar.items():
            found.add(space.keys.exact(word), "part", Tier.PART, distance)
        return bool(similar)

    # --- "did you mean" and autocomplete ----------------------------------------------

    def suggest(
        self, query: str, limit: int = 3, exclude: frozenset[int] = frozenset()
    ) -> list[dict[str, str]]:
        """Return terms ({"text", "lang"}) close to QUERY, for "did you mean".

        Terms of the concepts in EXCLUDE are left out.
        """
        q = Query.parse(query)
        if not q.key or not len(self) or len(q.key.replace(" ", "")) < 3:
            return []
        found = Results(self, q, None, None, by_text=True)
        self._typos(q, found)
        if not found.count():
            self._typos(q, found, loose=True)
        out: list[dict[str, str]] = []
        for _, hit in found.ordered():
            if hit.concept_id in exclude or any(s["text"] == hit.text for s in out):
                continue
            out.append({"text": hit.text, "lang": hit.lang})
        return out[:limit]

    def complete(
        self, query: str, *, lang: str | None = None, limit: int = 8
    ) -> list[Hit]:
        """Return terms that complete QUERY as typed so far, best first.

        Ranked as ``search`` ranks, except that the main entries of the glossary
        (``MAIN_ENTRY_TERMS``) come first among the terms the query completes.
        """
        return [hit for _, hit in self.ranked(query, lang, None, limit, True)[:limit]]


class LayeredIndex:
    """A big index with a small one over recently changed concepts laid on top.

    Rebuilding a million terms takes seconds; a change touches a few concepts. The
    concepts in CHANGED are looked up in PATCH (built from their current terms; a
    deleted concept simply has none) and ignored in BASE.
    """

    def __init__(self, base: SearchIndex, rows: list[dict], changed: set[int]):
        self.base = base
        self.patch = SearchIndex(rows)
        self.changed = frozenset(changed)

    def __len__(self) -> int:
        return len(self.base) + len(self.patch)

    def ranked(self, query, lang, domain, want, autocomplete=False):
        more = want + len(self.changed)
        base = [
            pair
            for pair in self.base.ranked(query, lang, domain, more, autocomplete)
            if pair[1].concept_id not in self.changed
        ]
        patch = self.patch.ranked(query, lang, domain, want, autocomplete)
        return sorted(base + patch, key=lambda pair: pair[0])

    def search(self, query, *, lang=None, domain=None, limit=10, offset=0):
        ranked = self.ranked(query, lang, domain, offset + limit)
        return [hit for _, hit in ranked[offset : offset + limit]]

    def suggest(self, query: str, limit: int = 3) -> list[dict[str, str]]:
        out = self.patch.suggest(query, limit)
        for found in self.base.suggest(query, limit, exclude=self.changed):
            if all(found["text"] != s["text"] for s in out):
                out.append(found)
        return out[:limit]

    def complete(self, query, *, lang=None, limit=8):
        return [hit for _, hit in self.ranked(query, lang, None, limit, True)[:limit]]
